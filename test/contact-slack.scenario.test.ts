/**
 * "How you get paged" over signed Slack requests against the fake Slack, under the manual clock: Ana opens
 * `/oncall contact`, adds a phone for SMS and calls (a number that is not one is refused on its field), enters the
 * texted code (a wrong one is refused on the code field, a new code is refused within the minute then sent),
 * then the called one; edits her rules (a row with minutes and no method, and an SMS rule on her voice method, are
 * refused on their rows); sends herself a test page, which pages only her (a DM, an SMS page), is posted to no
 * channel and resolves itself once her chain has run — never saying nobody acknowledged; a second one within
 * 5 minutes is refused; a later one she acknowledges from the DM resolves at once. App Home shows the same.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { CONTACT_ACTIONS, CONTACT_INPUTS, INCIDENT_ACTIONS, ruleInputIds, VIEWS } from '../blocks/ids.js';
import { startTestApp, type TestApp, type TestSlack } from './harness/app.js';
import { addUser } from './harness/escalation-fixtures.js';
import { stateValue, type ViewStateValue } from './harness/slack-signing.js';

let t: TestApp;
let s: TestSlack;
let ana = '';
let bo = '';

beforeAll(async () => {
  t = await startTestApp({ slack: true });
  if (!t.slack) throw new Error('no slack');
  s = t.slack;
  t.clock.set('2026-03-02T10:00:00Z');
  ana = await addUser(t, 'Ana', 'U0ANA');
  bo = await addUser(t, 'Bo', 'U0BO');
});
afterAll(async () => {
  await t?.close();
});

type View = { callback_id?: string; private_metadata?: string; blocks?: unknown[] };
const lastCall = (method: string) => s.fake.callsTo(method).at(-1);
const lastView = (method: string): View => (lastCall(method)?.args.view ?? {}) as View;
/** The fake's record of the one "How you get paged" modal. */
const contactView = () => {
  const found = [...s.fake.views.values()].filter((v) => v.view.callback_id === VIEWS.contact).at(-1);
  if (!found) throw new Error('no contact modal');
  return { id: found.id, view: found.view as View };
};
const inContact = () => {
  const { id, view } = contactView();
  return {
    id,
    type: 'modal' as const,
    callback_id: VIEWS.contact,
    private_metadata: view.private_metadata ?? '',
  };
};
const codes = async (contactMethodId: string) =>
  (
    await t.sql<{ payload: { code: string } }>(
      `select payload from outbox where payload->>'type' = 'verification' and payload->>'contactMethodId' = ?
       order by id`,
      [contactMethodId],
    )
  ).map((r) => r.payload.code);
const methods = () =>
  t.sql<{ id: string; type: string; status: string; phone_number: string }>(
    'select id, type, status, phone_number from contact_methods where user_id = ? order by type',
    [ana],
  );
const run = async () => {
  await t.tick();
  await s.deliverOnce();
};
const text = (v: unknown) => JSON.stringify(v);

describe('How you get paged, in Slack', () => {
  let smsId = '';
  let voiceId = '';

  it('/oncall help lists /oncall contact; /oncall contact opens "How you get paged"', async () => {
    await s.driver.slashCommand('/oncall', 'help', { user: 'U0ANA' });
    await s.idle();
    expect(text(s.fake.responseUrlPosts.at(-1)?.body)).toContain('/oncall contact');

    await s.driver.slashCommand('/oncall', 'contact', { user: 'U0ANA' });
    await s.idle();
    const view = lastView('views.open');
    expect(view.callback_id).toBe(VIEWS.contact);
    const shown = text(view);
    expect(shown).toContain('How you get paged');
    expect(shown).toContain('No phone yet');
    expect(shown).toContain('*High urgency (P1–P2 unless the policy says otherwise):* a Slack DM at once');
    for (const id of [CONTACT_ACTIONS.addPhone, CONTACT_ACTIONS.editRules, CONTACT_ACTIONS.testPage])
      expect(shown).toContain(id);
    expect(s.fake.violations).toEqual([]);
  });

  it('Add a phone: a number that is not one is refused on its field', async () => {
    await s.driver.blockAction(CONTACT_ACTIONS.addPhone, 'add', { user: 'U0ANA', view: inContact() });
    await s.idle();
    const form = lastView('views.push');
    expect(form.callback_id).toBe(VIEWS.addPhone);
    const res = await s.driver.viewSubmission(
      VIEWS.addPhone,
      phoneValues(['sms', 'voice'], '12'),
      form.private_metadata,
      'U0ANA',
    );
    const body = res.body as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(Object.keys(body.errors)).toEqual([CONTACT_INPUTS.phone.blockId]);
    expect(await methods()).toEqual([]);
  });

  it('SMS and voice: the code modal asks for the texted code, refuses a wrong one, then the called one', async () => {
    const form = lastView('views.push');
    const res = await s.driver.viewSubmission(
      VIEWS.addPhone,
      phoneValues(['sms', 'voice'], '+1 415 555 0100'),
      form.private_metadata,
      'U0ANA',
    );
    await s.idle();
    const answer = res.body as { response_action: string; view: View };
    expect(answer.response_action).toBe('update');
    expect(answer.view.callback_id).toBe(VIEWS.verifyCode);
    expect(text(answer.view)).toContain('We texted a 6-digit code to *+14155550100*');
    const [sms, voice] = await methods();
    smsId = sms?.id ?? '';
    voiceId = voice?.id ?? '';
    expect([sms?.status, voice?.status]).toEqual(['unverified', 'unverified']);
    // The contact modal it came from shows both waiting for their code.
    expect(text(contactView().view)).toContain('waiting for code');

    const [code] = await codes(smsId);
    expect(code).toMatch(/^\d{6}$/);
    const wrong = code === '000000' ? '111111' : '000000';
    const refused = await s.driver.viewSubmission(
      VIEWS.verifyCode,
      { [CONTACT_INPUTS.code.blockId]: { [CONTACT_INPUTS.code.actionId]: stateValue.text(wrong) } },
      answer.view.private_metadata,
      'U0ANA',
    );
    const errors = (refused.body as { errors: Record<string, string> }).errors;
    expect(Object.keys(errors)).toEqual([CONTACT_INPUTS.code.blockId]);

    // "Send a new code" within the minute: refused, on the modal; a minute later, sent.
    const verifyView = await openedVerifyView(answer.view);
    await s.driver.blockAction(CONTACT_ACTIONS.resendCode, smsId, { user: 'U0ANA', view: verifyView });
    await s.idle();
    expect(text(lastView('views.update'))).toContain(':warning: A code was sent to');
    t.clock.advance(61_000);
    await s.driver.blockAction(CONTACT_ACTIONS.resendCode, smsId, { user: 'U0ANA', view: verifyView });
    await s.idle();
    expect(text(lastView('views.update'))).toContain('A new code was sent to +14155550100');
    const sent = await codes(smsId);
    expect(sent).toHaveLength(2);

    const verified = await s.driver.viewSubmission(
      VIEWS.verifyCode,
      { [CONTACT_INPUTS.code.blockId]: { [CONTACT_INPUTS.code.actionId]: stateValue.text(sent[1] ?? '') } },
      answer.view.private_metadata,
      'U0ANA',
    );
    await s.idle();
    const next = verified.body as { response_action: string; view: View };
    expect(next.response_action).toBe('update');
    expect(text(next.view)).toContain('We are calling *+14155550100*');
    expect(text(next.view)).toContain('+14155550100 is verified for SMS');

    const [voiceCode] = await codes(voiceId);
    const done = await s.driver.viewSubmission(
      VIEWS.verifyCode,
      { [CONTACT_INPUTS.code.blockId]: { [CONTACT_INPUTS.code.actionId]: stateValue.text(voiceCode ?? '') } },
      next.view.private_metadata,
      'U0ANA',
    );
    await s.idle();
    expect(done.status).toBe(200);
    expect((await methods()).map((m) => m.status)).toEqual(['active', 'active']);
    const modal = text(contactView().view);
    expect(modal).toContain('*SMS* +14155550100 · :white_check_mark: verified');
    expect(modal).toContain('*Voice call* +14155550100 · :white_check_mark: verified');
    expect(s.fake.violations).toEqual([]);
  });

  it('Edit rules: only verified phones are offered; refusals land on the rows they are about', async () => {
    await s.driver.blockAction(CONTACT_ACTIONS.editRules, 'edit', { user: 'U0ANA', view: inContact() });
    await s.idle();
    const form = lastView('views.push');
    expect(form.callback_id).toBe(VIEWS.editRules);
    expect(text(form)).toContain('SMS to +14155550100');
    expect(text(form)).toContain('Call +14155550100');

    // "Add a high-urgency rule" draws the form again with one more row, keeping what was filled in.
    const id =
      [...s.fake.views.values()].filter((v) => v.view.callback_id === VIEWS.editRules).at(-1)?.id ?? '';
    await s.driver.blockAction(CONTACT_ACTIONS.addRuleRow, 'high', {
      user: 'U0ANA',
      view: {
        id,
        type: 'modal',
        callback_id: VIEWS.editRules,
        private_metadata: form.private_metadata ?? '',
        state: { values: rows({ high: [['slack_dm', '0']] }) },
      } as never,
    });
    await s.idle();
    const grown = lastView('views.update');
    expect(grown.callback_id).toBe(VIEWS.editRules);
    expect(text(grown)).toContain(ruleInputIds('high', 1).method.blockId);
    const meta = grown.private_metadata ?? '';

    // Minutes without a method: refused on that row.
    const bad = await s.driver.viewSubmission(
      VIEWS.editRules,
      rows({
        high: [
          ['slack_dm', '0'],
          [null, '3'],
        ],
      }),
      meta,
      'U0ANA',
    );
    expect(Object.keys((bad.body as { errors: Record<string, string> }).errors)).toEqual([
      ruleInputIds('high', 1).method.blockId,
    ]);
    // An SMS rule on the voice phone: the rules service refuses its place in the saved chain (after the DM,
    // which is sooner), which is the form's first row.
    const wrongKind = await s.driver.viewSubmission(
      VIEWS.editRules,
      rows({
        high: [
          [`sms:${voiceId}`, '1'],
          ['slack_dm', '0'],
        ],
      }),
      meta,
      'U0ANA',
    );
    const errors = (wrongKind.body as { response_action: string; errors: Record<string, string> }).errors;
    expect(Object.keys(errors)).toEqual([ruleInputIds('high', 0).method.blockId]);

    const ok = await s.driver.viewSubmission(
      VIEWS.editRules,
      rows({
        high: [
          ['slack_dm', '0'],
          [`sms:${smsId}`, '1'],
        ],
      }),
      meta,
      'U0ANA',
    );
    await s.idle();
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('');
    const saved = (await (await t.request('GET', `/api/v1/users/${ana}/notification-rules`)).json()) as {
      high: unknown[];
      defaulted: { high: boolean; low: boolean };
    };
    expect(saved.high).toEqual([
      { method: 'slack_dm', delayMinutes: 0 },
      { method: 'sms', delayMinutes: 1, contactMethodId: smsId },
    ]);
    expect(text(contactView().view)).toContain(
      'a Slack DM at once and an SMS to +14155550100 after 1 minute',
    );
  });

  it('Send me a test page: pages only Ana, in no channel, and resolves itself once her chain has run', async () => {
    const cardsBefore = channelPosts().length;
    await s.driver.blockAction(CONTACT_ACTIONS.testPage, 'test', { user: 'U0ANA', view: inContact() });
    await s.idle();
    const told = s.fake.messages.filter(
      (m) => m.channel !== 'C0DEFAULT' && m.text.startsWith('Test page started'),
    );
    expect(told.at(-1)?.text).toBe(
      'Test page started: you will get a Slack DM at once and an SMS to +14155550100 after 1 minute. It resolves itself in 2 minutes.',
    );
    expect(text(contactView().view)).toContain('Test page started');
    const [inc] = await t.sql<{ id: string; number: number; drill: boolean; title: string; status: string }>(
      'select id, number, drill, title, status from incidents where test_of = ?',
      [ana],
    );
    expect(inc).toMatchObject({ drill: true, title: 'Test page for Ana', status: 'triggered' });

    await run();
    const dm = pageDms('U0ANA').at(-1);
    expect(dm?.args.text).toBe(`[DRILL] INC-${inc?.number} P1 Test page for Ana: Escalated to you directly`);
    t.clock.advance(60_000);
    await run();
    const pages = await t.sql<{ user_id: string; method: string; status: string }>(
      'select user_id, method, status from pages where incident_id = ? order by rule_position',
      [inc?.id],
    );
    expect(pages.map((p) => [p.user_id, p.method])).toEqual([
      [ana, 'slack_dm'],
      [ana, 'sms'],
    ]);
    expect(pages[1]?.status).not.toBe('pending');
    expect(pageDms('U0BO')).toEqual([]);

    // The step's delay (the last rule's + 1 minute) passes: OpsWatch acknowledges and resolves it.
    t.clock.advance(60_000);
    await run();
    await s.deliverOnce();
    const timeline = await t.sql<{ kind: string; actor_name: string }>(
      'select kind, actor_name from timeline_entries where incident_id = ? order by id',
      [inc?.id],
    );
    const kinds = timeline.map((r) => r.kind);
    expect(kinds).toEqual(expect.arrayContaining(['acknowledged', 'resolved']));
    expect(kinds).not.toContain('escalation_exhausted');
    expect(timeline.find((r) => r.kind === 'resolved')?.actor_name).toBe('OpsWatch');
    const [after] = await t.sql<{ status: string }>('select status from incidents where id = ?', [inc?.id]);
    expect(after?.status).toBe('resolved');
    // Posted to no channel: no card, no thread, no "nobody acknowledged"; the engine has nothing left to do.
    expect(channelPosts()).toHaveLength(cardsBefore);
    expect(s.fake.messages.some((m) => /nobody acknowledged/i.test(m.text))).toBe(false);
    const [esc] = await t.sql<{ state: string; next_at: Date | null }>(
      'select state, next_at from escalations where incident_id = ?',
      [inc?.id],
    );
    expect(esc).toEqual({ state: 'resolved', next_at: null });
    expect(await t.sql('select 1 from services where name = ?', ['opswatch-test-page'])).toEqual([]);
    expect(s.fake.violations).toEqual([]);
  });

  it('a second test page within 5 minutes is refused (429); a later one acknowledged from the DM ends at once', async () => {
    const again = await t.request('POST', `/api/v1/users/${ana}/test-page`);
    expect(again.status).toBe(429);
    expect(((await again.json()) as { detail: string }).detail).toContain('one per 5 minutes');

    t.clock.advance(4 * 60_000);
    const started = await t.request('POST', `/api/v1/users/${ana}/test-page`);
    expect(started.status).toBe(201);
    const body = (await started.json()) as { incidentId: string; minutes: number; ref: string };
    expect(body.minutes).toBe(2);
    await run();
    const dm = pageDms('U0ANA').at(-1);
    expect(dm?.args.text).toContain(`${body.ref} P1 Test page for Ana`);
    await s.driver.blockAction(INCIDENT_ACTIONS.acknowledge, body.incidentId, {
      user: 'U0ANA',
      channelId: 'D0ANA',
    });
    await s.idle();
    await run();
    const [inc] = await t.sql<{ status: string }>('select status from incidents where id = ?', [
      body.incidentId,
    ]);
    expect(inc?.status).toBe('resolved');
    const pages = await t.sql<{ method: string; status: string }>(
      'select method, status from pages where incident_id = ? order by rule_position',
      [body.incidentId],
    );
    expect(pages).toEqual([
      { method: 'slack_dm', status: 'sent' },
      { method: 'sms', status: 'cancelled' },
    ]);
    expect(pageDms('U0BO')).toEqual([]);
    expect(bo).not.toBe(ana);
  });

  it('App Home has "How you get paged" with the same buttons; Remove takes a phone and its rules away', async () => {
    await s.driver.appHomeOpened('U0ANA');
    await s.idle();
    const home = await s.fake.waitFor('views.publish', (c) => c.args.user_id === 'U0ANA');
    const shown = text(home.args.view);
    expect(shown).toContain('How you get paged');
    expect(shown).toContain('*SMS* +14155550100 · :white_check_mark: verified');
    expect(shown).toContain('an SMS to +14155550100 after 1 minute');
    for (const id of [CONTACT_ACTIONS.addPhone, CONTACT_ACTIONS.editRules, CONTACT_ACTIONS.testPage])
      expect(shown).toContain(id);

    await s.driver.blockAction(CONTACT_ACTIONS.remove, smsId, { user: 'U0ANA', view: inContact() });
    await s.idle();
    expect((await methods()).map((m) => m.type)).toEqual(['voice']);
    const modal = text(contactView().view);
    expect(modal).toContain('+14155550100 (SMS) removed');
    expect(modal).not.toContain('*SMS* +14155550100');
    expect(modal).toContain('*High urgency (P1–P2 unless the policy says otherwise):* a Slack DM at once');
    expect(s.fake.violations).toEqual([]);
  });

  it('made only well-formed calls with scopes the manifest declares, which lists /oncall contact', () => {
    expect(s.fake.violations).toEqual([]);
    const manifest = parse(readFileSync(new URL('../slack-app-manifest.yml', import.meta.url), 'utf8')) as {
      oauth_config: { scopes: { bot: string[] } };
      features: { slash_commands: { command: string; usage_hint?: string }[] };
    };
    const declared = new Set(manifest.oauth_config.scopes.bot);
    expect([...s.fake.requiredScopes()].filter((sc) => !declared.has(sc))).toEqual([]);
    const hint = manifest.features.slash_commands.find((c) => c.command === '/oncall')?.usage_hint;
    expect(hint).toContain('contact');
  });
});

function phoneValues(types: string[], phone: string): Record<string, Record<string, ViewStateValue>> {
  return {
    [CONTACT_INPUTS.type.blockId]: {
      [CONTACT_INPUTS.type.actionId]: {
        type: 'checkboxes',
        selected_options: types.map((v) => ({ text: { type: 'plain_text', text: v }, value: v })),
      },
    },
    [CONTACT_INPUTS.phone.blockId]: { [CONTACT_INPUTS.phone.actionId]: stateValue.text(phone) },
  };
}

/** The rules form's values: per urgency, rows of [select value or null, minutes or null]. */
function rows(
  by: Partial<Record<'high' | 'low', [string | null, string | null][]>>,
): Record<string, Record<string, ViewStateValue>> {
  const out: Record<string, Record<string, ViewStateValue>> = {};
  for (const urgency of ['high', 'low'] as const)
    (by[urgency] ?? []).forEach(([value, minutes], i) => {
      const ids = ruleInputIds(urgency, i);
      out[ids.method.blockId] = {
        [ids.method.actionId]: {
          type: 'static_select',
          selected_option: value ? { text: { type: 'plain_text', text: value }, value } : null,
        },
      };
      out[ids.delay.blockId] = { [ids.delay.actionId]: { type: 'number_input', value: minutes } };
    });
  return out;
}

/** The code modal as Slack holds it (the view the add-phone form became). */
async function openedVerifyView(view: View) {
  const pushed = [...s.fake.views.values()].filter((v) => v.view.callback_id === VIEWS.addPhone).at(-1);
  return {
    id: pushed?.id ?? '',
    type: 'modal' as const,
    callback_id: VIEWS.verifyCode,
    private_metadata: view.private_metadata ?? '',
  };
}

/** Page DMs to a Slack user. */
function pageDms(user: string) {
  return s.fake
    .callsTo('chat.postMessage')
    .filter((c) => c.ok && c.args.channel === user && /\bINC-\d+/.test(String(c.args.text)));
}

/** Messages posted in channels (not DMs). */
function channelPosts() {
  return s.fake.messages.filter((m) => m.channel.startsWith('C'));
}
