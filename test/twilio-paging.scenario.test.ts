/**
 * Paging by SMS and call through Twilio, end to end under the manual clock: OpsWatch's real `twilio` SDK talks
 * to a fake Twilio over HTTP, which sends signed status callbacks, inbound SMS and pressed keys back to OpsWatch's
 * public URL (mapped to its local port, as behind a proxy). Closing the app fails the file on any SMS or call a
 * test did not expect.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { INCIDENT_ACTIONS } from '../blocks/ids.js';
import { buildOpsWatch } from '../src/app/opswatch.js';
import { newId } from '../src/shared/ids.js';
import { createLogger } from '../src/shared/logger.js';
import { PUBLIC_BASE_URL, SLACK_DEFAULT_CHANNEL, startTestApp, type TestApp } from './harness/app.js';
import type { FakeTwilio } from './harness/fake-twilio.js';

let t: TestApp;
let tw: FakeTwilio;
const u = { ana: '', bo: '' };
const PHONE = { ana: '+14155550101', bo: '+14155550102', cy: '+14155550103' };
const cm = { anaSms: '', anaVoice: '', boSms: '' };

const json = async <T>(res: Response | Promise<Response>) => (await (await res).json()) as T;
const post = (path: string, body: unknown) => t.request('POST', path, body);

async function addUser(name: string, slackUserId: string): Promise<string> {
  const res = await post('/api/v1/users', {
    name,
    email: `${name.toLowerCase()}@example.com`,
    slackUserId,
    timeZone: 'UTC',
    role: 'responder',
  });
  if (res.status !== 201) throw new Error(`user ${name}: ${res.status} ${await res.text()}`);
  return (await json<{ id: string }>(res)).id;
}

/** A verified phone (as if its code had been entered). */
async function addPhone(userId: string, type: 'sms' | 'voice', phone: string): Promise<string> {
  const id = newId();
  await t.sql(
    `insert into contact_methods (id, tenant_id, user_id, type, phone_number, status, verified_at, verified_by,
       created_at, updated_at) values (?, ?, ?, ?, ?, 'active', now(), 'code', now(), now())`,
    [id, t.actor.tenantId, userId, type, phone],
  );
  return id;
}

/** High-urgency rules, straight into the table (the rules API refuses phones until they are verified). */
async function setRules(
  userId: string,
  rules: { method: string; delay: number; cm?: string }[],
): Promise<void> {
  await t.sql('delete from notification_rules where user_id = ?', [userId]);
  for (const [i, r] of rules.entries())
    await t.sql(
      `insert into notification_rules (id, tenant_id, user_id, urgency, position, method, contact_method_id,
         delay_minutes, created_at) values (?, ?, ?, 'high', ?, ?, ?, ?, now())`,
      [newId(), t.actor.tenantId, userId, i, r.method, r.cm ?? null, r.delay],
    );
}

const run = async () => {
  await t.tick();
  await t.app.deliverOnce();
  await tw.idle();
};
const at = async (iso: string) => {
  t.clock.set(iso);
  await run();
};
const declare = (title: string, service = 'checkout') =>
  json<{ id: string; ref: string; number: number }>(
    post('/api/v1/incidents', { title, service, severity: 1 }),
  );
const status = async (ref: string) =>
  (await json<{ status: string }>(t.request('GET', `/api/v1/incidents/${ref}`))).status;
const pageRows = (incidentId: string) =>
  t.sql<{ method: string; status: string; delivery: string | null; due_at: Date; detail: string | null }>(
    `select method, status, delivery, due_at, detail from pages where incident_id = ? and user_id is not null
     order by rule_position`,
    [incidentId],
  );
const timeline = async (ref: string) =>
  (
    await json<{ timeline: { message: string }[] }>(t.request('GET', `/api/v1/incidents/${ref}`))
  ).timeline.map((e) => e.message);

beforeAll(async () => {
  t = await startTestApp({ slack: true, twilio: true });
  if (!t.twilio) throw new Error('no twilio');
  tw = t.twilio;
  t.clock.set('2026-03-02T03:00:00Z');
  u.ana = await addUser('Ana', 'U0ANA');
  u.bo = await addUser('Bo', 'U0BO');
  cm.anaSms = await addPhone(u.ana, 'sms', PHONE.ana);
  cm.anaVoice = await addPhone(u.ana, 'voice', PHONE.ana);
  cm.boSms = await addPhone(u.bo, 'sms', PHONE.bo);
  const policy = await json<{ id: string }>(
    post('/api/v1/escalation-policies', {
      name: 'Checkout',
      steps: [
        { delayMinutes: 30, targets: [{ type: 'user', id: u.ana }] },
        { delayMinutes: 30, targets: [{ type: 'user', id: u.bo }] },
      ],
    }),
  );
  const svc = await post('/api/v1/services', { name: 'checkout', escalationPolicyId: policy.id });
  if (svc.status !== 201) throw new Error(`service: ${svc.status} ${await svc.text()}`);
});
afterEach(() => tw.assertNothingUnexpected());
afterAll(async () => {
  await t?.close();
});

describe('paging by SMS and call', () => {
  it('DM, then SMS, then a call as the rules say; the call acknowledges with 4', async () => {
    await setRules(u.ana, [
      { method: 'slack_dm', delay: 0 },
      { method: 'sms', delay: 1, cm: cm.anaSms },
      { method: 'voice', delay: 3, cm: cm.anaVoice },
    ]);
    const inc = await declare('Checkout 5xx above 5%');
    await at('2026-03-02T03:00:00Z');
    expect(tw.messages).toHaveLength(0);
    await at('2026-03-02T03:00:59Z');
    expect(tw.messages).toHaveLength(0);
    await at('2026-03-02T03:01:00Z');
    const sms = await tw.expectSms(PHONE.ana, `INC-${inc.number} P1 checkout`, `Reply ${inc.number}a to ack`);
    expect(sms.body).toBe(
      `INC-${inc.number} P1 checkout: Checkout 5xx above 5%. Reply ${inc.number}a to ack, ${inc.number}e to escalate, ${inc.number}c to close.`,
    );
    expect(sms.params.StatusCallback).toMatch(new RegExp(`^${PUBLIC_BASE_URL}/twilio/status\\?send=`));
    // The fake's callbacks (sent, delivered) came back signed and moved the ledger on.
    expect((await pageRows(inc.id))[1]).toMatchObject({
      method: 'sms',
      status: 'sent',
      delivery: 'delivered',
    });
    await at('2026-03-02T03:03:00Z');
    const call = await tw.nextCall(PHONE.ana);
    expect(call.params.MachineDetection).toBe('Enable');
    const turn = await call.answer();
    expect(turn.said.join(' ')).toContain('Incident');
    expect(turn.said.join(' ')).toContain('Press 4 to acknowledge');
    const after = await call.press('4');
    expect(after.said.join(' ')).toContain(`Acknowledged INC-${inc.number}.`);
    expect(await status(inc.ref)).toBe('acknowledged');
    expect(await timeline(inc.ref)).toContain(`INC-${inc.number} acknowledged by Ana by phone`);
    // The step's ledger under the card, edited in place as the statuses came: DM, SMS delivered, the call.
    await run();
    await run();
    const fake = t.slack?.fake;
    // The card in the incidents' channel (Ana's DM also names the incident and may have been posted first).
    const card = fake?.messages.find(
      (m) => m.channel === SLACK_DEFAULT_CHANNEL && !m.thread_ts && m.text.includes(`INC-${inc.number} `),
    );
    const ledgers =
      fake?.messages.filter((m) => m.thread_ts === card?.ts && m.text.startsWith('Paging')) ?? [];
    expect(ledgers).toHaveLength(1);
    const ledger = ledgers[0]?.history.at(-1)?.text ?? '';
    expect(ledger).toContain('Slack DM delivered');
    expect(ledger).toContain('SMS delivered');
    expect(ledger).toMatch(/call (answered|completed|delivered)/);
    expect(ledger).toMatch(/by phone/);
  });

  it('an SMS reply acknowledges; the call due later is not made', async () => {
    const inc = await declare('Payments queue backlog');
    await at('2026-03-02T04:00:00Z');
    await at('2026-03-02T04:01:00Z');
    await tw.expectSms(PHONE.ana, `INC-${inc.number}`);
    const answer = await tw.sendSms({ from: PHONE.ana, body: `${inc.number} a` });
    expect(answer.status).toBe(200);
    expect(answer.replies.map((r) => r.body)).toEqual([`Acknowledged INC-${inc.number}.`]);
    await tw.expectSms(PHONE.ana, 'Acknowledged');
    expect(await status(inc.ref)).toBe('acknowledged');
    expect(await timeline(inc.ref)).toContain(`INC-${inc.number} acknowledged by Ana by SMS`);
    await at('2026-03-02T04:03:00Z');
    expect(tw.calls.filter((c) => c.at >= new Date('2026-03-02T04:00:00Z'))).toHaveLength(0);
    expect((await pageRows(inc.id)).map((p) => p.status)).toEqual(['sent', 'sent', 'cancelled']);
  });

  it('acknowledging in Slack (the DM’s button) stops the SMS and the call still to come', async () => {
    await setRules(u.ana, [
      { method: 'slack_dm', delay: 0 },
      { method: 'sms', delay: 2, cm: cm.anaSms },
      { method: 'voice', delay: 4, cm: cm.anaVoice },
    ]);
    const inc = await declare('Acknowledged in Slack');
    await at('2026-03-02T04:30:00Z');
    const slack = t.slack;
    if (!slack) throw new Error('no slack');
    const dm = slack.fake.messages.find(
      (m) => m.channel.startsWith('D') && m.text.startsWith(`INC-${inc.number} `),
    );
    await slack.driver.blockAction(INCIDENT_ACTIONS.acknowledge, inc.id, {
      user: 'U0ANA',
      message: { ts: dm?.ts ?? '', channel: dm?.channel ?? '' },
    });
    await slack.idle();
    expect(await status(inc.ref)).toBe('acknowledged');
    await at('2026-03-02T04:34:00Z');
    expect((await pageRows(inc.id)).map((p) => p.status)).toEqual(['sent', 'cancelled', 'cancelled']);
    expect(tw.messages.filter((m) => m.at >= new Date('2026-03-02T04:30:00Z'))).toHaveLength(0);
    expect(tw.calls.filter((c) => c.at >= new Date('2026-03-02T04:30:00Z'))).toHaveLength(0);
    await setRules(u.ana, [
      { method: 'slack_dm', delay: 0 },
      { method: 'sms', delay: 1, cm: cm.anaSms },
      { method: 'voice', delay: 3, cm: cm.anaVoice },
    ]);
  });

  it('a forged or missing signature is refused with 403 and changes nothing', async () => {
    const inc = await declare('Forged ack');
    await at('2026-03-02T05:00:00Z');
    await at('2026-03-02T05:01:00Z');
    await tw.expectSms(PHONE.ana, `INC-${inc.number}`);
    const forged = await tw.forge('/twilio/sms', { From: PHONE.ana, Body: `${inc.number}a` }, 'bad');
    expect(forged.status).toBe(403);
    const missing = await tw.forge('/twilio/sms', { From: PHONE.ana, Body: `${inc.number}a` }, 'missing');
    expect(missing.status).toBe(403);
    expect(await status(inc.ref)).toBe('triggered');
    await t.request('POST', `/api/v1/incidents/${inc.ref}/resolve`, {});
  });

  it('a call not answered runs the next rule at once', async () => {
    await setRules(u.ana, [
      { method: 'voice', delay: 0, cm: cm.anaVoice },
      { method: 'sms', delay: 10, cm: cm.anaSms },
    ]);
    const inc = await declare('Disk full on db-2');
    await at('2026-03-02T06:00:00Z');
    const call = await tw.nextCall(PHONE.ana);
    await call.noAnswer();
    await tw.idle();
    const rows = await pageRows(inc.id);
    expect(rows[0]).toMatchObject({ method: 'voice', delivery: 'no-answer' });
    expect(new Date(rows[1]?.due_at ?? 0).toISOString()).toBe('2026-03-02T06:00:00.000Z');
    await at('2026-03-02T06:01:00Z');
    await tw.expectSms(PHONE.ana, `INC-${inc.number}`);
    await t.request('POST', `/api/v1/incidents/${inc.ref}/resolve`, {});
  });
});

describe('bundling and throttling', () => {
  it('pages of several incidents for the same person within a minute become one SMS; aa acknowledges all', async () => {
    await setRules(u.ana, [{ method: 'sms', delay: 0, cm: cm.anaSms }]);
    t.clock.set('2026-03-02T07:00:00Z');
    const a = await declare('Checkout latency');
    const b = await declare('Checkout errors');
    const c = await declare('Checkout saturation');
    await at('2026-03-02T07:00:00Z');
    const sms = await tw.expectSms(PHONE.ana, '3 incidents');
    expect(sms.body).toContain(`${a.number} P1 checkout`);
    expect(sms.body).toContain(`${c.number} P1 checkout`);
    expect(sms.body).toMatch(/or aa to ack all$/);
    expect(sms.body.length).toBeLessThanOrEqual(160);
    const answer = await tw.sendSms({ from: PHONE.ana, body: 'aa' });
    expect(answer.replies[0]?.body).toBe(
      `Acknowledged INC-${a.number}. Acknowledged INC-${b.number}. Acknowledged INC-${c.number}.`,
    );
    await tw.expectSms(PHONE.ana, 'Acknowledged');
    for (const i of [a, b, c]) expect(await status(i.ref)).toBe('acknowledged');
  });

  it('a throttled page waits for the number to have room, and does not escalate by itself', async () => {
    await setRules(u.ana, [{ method: 'sms', delay: 0, cm: cm.anaSms }]);
    const first = await declare('Queue depth');
    await at('2026-03-02T08:00:00Z');
    await tw.expectSms(PHONE.ana, `INC-${first.number}`);
    const second = await declare('Queue age');
    await at('2026-03-02T08:00:30Z');
    // One a minute per number: the second waits, queued, and nothing else happens to it.
    expect(tw.messages.filter((m) => m.at >= new Date('2026-03-02T08:00:01Z'))).toHaveLength(0);
    expect((await pageRows(second.id)).map((p) => p.status)).toEqual(['queued']);
    await at('2026-03-02T08:01:00Z');
    await tw.expectSms(PHONE.ana, `INC-${second.number}`);
    const steps = await t.sql<{ step: number }>('select step from escalations where incident_id = ?', [
      second.id,
    ]);
    expect(steps[0]?.step).toBe(0);
    for (const i of [first, second]) await t.request('POST', `/api/v1/incidents/${i.ref}/resolve`, {});
  });
});

describe('numbers that stop working', () => {
  it('STOP mid-escalation disables the number; its pages fail and the next rule runs at once; START turns it back on', async () => {
    await setRules(u.ana, [
      { method: 'sms', delay: 0, cm: cm.anaSms },
      { method: 'voice', delay: 5, cm: cm.anaVoice },
      { method: 'slack_dm', delay: 20 },
    ]);
    const inc = await declare('Cart service down');
    await at('2026-03-02T09:00:00Z');
    await tw.expectSms(PHONE.ana, `INC-${inc.number}`);
    const answer = await tw.sendSms({ from: PHONE.ana, body: 'STOP' });
    expect(answer.replies).toEqual([]);
    const methods = await t.sql<{ status: string }>(
      'select status from contact_methods where phone_number = ? order by type',
      [PHONE.ana],
    );
    expect(methods.map((m) => m.status)).toEqual(['disabled', 'disabled']);
    await at('2026-03-02T09:05:00Z');
    // The call is not made: the voice page fails, and the Slack DM (due at 09:20) runs at once (the engine is
    // woken for it; here, the next run).
    await at('2026-03-02T09:05:01Z');
    const rows = await pageRows(inc.id);
    expect(rows[1]).toMatchObject({ method: 'voice', status: 'failed' });
    expect(rows[2]).toMatchObject({ method: 'slack_dm', status: 'sent' });
    const back = await tw.sendSms({ from: PHONE.ana, body: 'start' });
    expect(back.replies[0]?.body).toContain('on again');
    await tw.expectSms(PHONE.ana, 'on again');
    await t.request('POST', `/api/v1/incidents/${inc.ref}/resolve`, {});
  });

  it('21610 from Twilio disables the number, says so on the timeline and by DM, and runs the next rule at once', async () => {
    await setRules(u.ana, [
      { method: 'sms', delay: 0, cm: cm.anaSms },
      { method: 'slack_dm', delay: 15 },
    ]);
    tw.phone(PHONE.ana).rejectWith(21610);
    const inc = await declare('Search index stale');
    await at('2026-03-02T10:00:00Z');
    const rows = await pageRows(inc.id);
    expect(rows[0]).toMatchObject({ method: 'sms', status: 'failed' });
    expect(rows[0]?.detail).toContain('21610');
    expect(new Date(rows[1]?.due_at ?? 0).toISOString()).toBe('2026-03-02T10:00:00.000Z');
    expect((await timeline(inc.ref)).join('\n')).toContain('Ana texted STOP');
    await at('2026-03-02T10:00:01Z');
    const dms = t.slack?.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'U0ANA') ?? [];
    expect(dms.some((c) => String(c.args.text).includes('texted STOP'))).toBe(true);
    expect((await pageRows(inc.id))[1]).toMatchObject({ method: 'slack_dm', status: 'sent' });
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/opswatch_twilio_errors_total\{code="21610"\} 1/);
    tw.phone(PHONE.ana).reset();
    await t.sql("update contact_methods set status = 'active', status_reason = null where phone_number = ?", [
      PHONE.ana,
    ]);
    await t.request('POST', `/api/v1/incidents/${inc.ref}/resolve`, {});
  });

  it('21211 (not a valid number) marks that method invalid, for good', async () => {
    const bad = '+14155550199';
    const badCm = await addPhone(u.bo, 'sms', bad);
    await setRules(u.bo, [{ method: 'sms', delay: 0, cm: badCm }]);
    tw.phone(bad).rejectWith(21211);
    const inc = await declare('Bo only');
    await t.sql(
      "update escalations set snapshot = jsonb_set(snapshot, '{spec,steps}', ?::jsonb) where incident_id = ?",
      [JSON.stringify([{ delayMinutes: 30, targets: [{ type: 'user', id: u.bo }] }]), inc.id],
    );
    await at('2026-03-02T11:00:00Z');
    const [m] = await t.sql<{ status: string; status_reason: string }>(
      'select status, status_reason from contact_methods where id = ?',
      [badCm],
    );
    expect(m).toMatchObject({ status: 'invalid' });
    expect((await pageRows(inc.id))[0]).toMatchObject({ status: 'failed' });
    // No retry: the fake saw one request for it, and no message.
    expect(tw.requests.filter((r) => r.params.To === bad)).toHaveLength(1);
    await t.request('POST', `/api/v1/incidents/${inc.ref}/resolve`, {});
  });
});

describe('at most once', () => {
  it('a send whose answer is lost is never made again: failed as outcome unknown, the next rule runs', async () => {
    await setRules(u.ana, [
      { method: 'sms', delay: 0, cm: cm.anaSms },
      { method: 'slack_dm', delay: 30 },
    ]);
    tw.phone(PHONE.ana).dropConnection({ after: true });
    const inc = await declare('Lost answer');
    await at('2026-03-02T12:00:00Z');
    // Twilio did send it (the connection dropped after): the person got it once.
    await tw.expectSms(PHONE.ana, `INC-${inc.number}`);
    await at('2026-03-02T12:00:10Z');
    await at('2026-03-02T12:05:00Z');
    const rows = await pageRows(inc.id);
    expect(rows[0]).toMatchObject({ method: 'sms', status: 'failed' });
    expect(rows[0]?.detail).toContain('Outcome unknown');
    expect(rows[1]).toMatchObject({ method: 'slack_dm', status: 'sent' });
    tw.phone(PHONE.ana).reset();
    await t.request('POST', `/api/v1/incidents/${inc.ref}/resolve`, {});
  });

  it('a worker that dies between "sending" and calling Twilio: the page fails after its deadline, nothing is sent', async () => {
    await setRules(u.ana, [
      { method: 'sms', delay: 0, cm: cm.anaSms },
      { method: 'slack_dm', delay: 30 },
    ]);
    const inc = await declare('Crash mid-send');
    t.clock.set('2026-03-02T13:00:00Z');
    await t.tick(); // the page is queued in the outbox
    const [row] = await t.sql<{ id: string }>(
      `select id from pages where incident_id = ? and method = 'sms'`,
      [inc.id],
    );
    // The worker claims it (committed: `sending` with a deadline) and dies before Twilio is called.
    const prepared = await t.services.phonePaging.preparePage(t.actor.tenantId, row?.id ?? '', 'sms');
    expect(prepared.kind).toBe('send');
    // Another worker picks the outbox row up while the claim is fresh: it waits.
    await t.app.deliverOnce();
    expect(tw.messages.filter((m) => m.at >= new Date('2026-03-02T13:00:00Z'))).toHaveLength(0);
    await at('2026-03-02T13:01:00Z');
    const rows = await pageRows(inc.id);
    expect(rows[0]).toMatchObject({ method: 'sms', status: 'failed' });
    expect(rows[0]?.detail).toContain('Outcome unknown');
    await at('2026-03-02T13:01:01Z');
    expect((await pageRows(inc.id))[1]).toMatchObject({ method: 'slack_dm', status: 'sent' });
    expect(tw.messages.filter((m) => m.at >= new Date('2026-03-02T13:00:00Z'))).toHaveLength(0);
    await t.request('POST', `/api/v1/incidents/${inc.ref}/resolve`, {});
  });

  it('three workers (three OpsWatch on one database) send each page once', async () => {
    await setRules(u.ana, [{ method: 'voice', delay: 0, cm: cm.anaVoice }]);
    await setRules(u.bo, [{ method: 'sms', delay: 0, cm: cm.boSms }]);
    // Two more OpsWatch built by the composition root on the same database, each with its own services, engine
    // and Twilio client, as three worker processes would be.
    const config = {
      ...tw.env,
      publicBaseUrl: PUBLIC_BASE_URL,
      slackEnabled: false,
      ENGINE_TICK_SECONDS: 1,
      PORT: 0,
      HOST: '127.0.0.1',
    };
    const log = createLogger('silent');
    const workers = [
      t.app,
      await buildOpsWatch({ orm: t.orm, clock: t.clock, log, config }),
      await buildOpsWatch({ orm: t.orm, clock: t.clock, log, config }),
    ];
    t.clock.set('2026-03-02T14:00:00Z');
    const incs = [];
    for (let i = 0; i < 4; i++) incs.push(await declare(`Parallel ${i}`));
    await Promise.all(workers.map((w) => w.engine.tick(t.clock.now())));
    await Promise.all(workers.map((w) => w.deliverOnce()));
    await tw.idle();
    expect(tw.messages.filter((m) => m.at >= new Date('2026-03-02T14:00:00Z'))).toHaveLength(0);
    const call = await tw.nextCall(PHONE.ana);
    expect(call.params.Url).toMatch(/\/twilio\/voice\//);
    expect(tw.calls.filter((c) => c.at >= new Date('2026-03-02T14:00:00Z'))).toHaveLength(1);
    await call.answer();
    const said = await call.press('6');
    for (const i of incs) expect(said.said.join(' ')).toContain(`Resolved INC-${i.number}.`);
    for (const i of incs) expect(await status(i.ref)).toBe('resolved');
  });
});

describe('verifying a number and replying', () => {
  it('a new number gets its code by SMS (by call for voice); the code verifies it', async () => {
    const phone = '+14155550177';
    const made = await json<{ id: string; status: string }>(
      post(`/api/v1/users/${u.bo}/contact-methods`, { type: 'sms', phoneNumber: phone }),
    );
    expect(made.status).toBe('unverified');
    await run();
    const sms = await tw.expectSms(phone, 'verification code');
    const code = /\b(\d{6})\b/.exec(sms.body)?.[1] ?? '';
    const verified = await post(`/api/v1/users/${u.bo}/contact-methods/${made.id}/verify`, { code });
    expect((await json<{ status: string }>(verified)).status).toBe('active');
    // Voice: a call that says the code, digit by digit, twice.
    const voice = await json<{ id: string }>(
      post(`/api/v1/users/${u.bo}/contact-methods`, { type: 'voice', phoneNumber: phone }),
    );
    await run();
    const call = await tw.nextCall(phone);
    const turn = await call.answer();
    const said = turn.said.join(' ');
    const digits = /code is ((?:\d ){5}\d)/.exec(said)?.[1]?.replaceAll(' ', '') ?? '';
    expect(said).toContain(`Again: ${digits.split('').join(' ')}`);
    const ok = await post(`/api/v1/users/${u.bo}/contact-methods/${voice.id}/verify`, { code: digits });
    expect((await json<{ status: string }>(ok)).status).toBe('active');
  });

  it('42e escalates (once: a stale escalate does nothing); a voicemail is not reached and runs the next rule', async () => {
    await setRules(u.ana, [
      { method: 'sms', delay: 0, cm: cm.anaSms },
      { method: 'voice', delay: 1, cm: cm.anaVoice },
      { method: 'slack_dm', delay: 25 },
    ]);
    await setRules(u.bo, [{ method: 'slack_dm', delay: 0 }]);
    const inc = await declare('Escalate me');
    await at('2026-03-02T15:00:00Z');
    await tw.expectSms(PHONE.ana, `INC-${inc.number}`);
    await at('2026-03-02T15:01:00Z');
    const call = await tw.nextCall(PHONE.ana);
    await call.answerByMachine();
    await tw.idle();
    const rows = await pageRows(inc.id);
    expect(rows[1]).toMatchObject({ method: 'voice', delivery: 'voicemail' });
    expect(new Date(rows[2]?.due_at ?? 0).toISOString()).toBe('2026-03-02T15:01:00.000Z');
    const e = await tw.sendSms({ from: PHONE.ana, body: `${inc.number}e` });
    expect(e.replies[0]?.body).toContain('escalating from step 1 to the next step now');
    await tw.expectSms(PHONE.ana, 'escalating');
    await at('2026-03-02T15:01:30Z');
    const [esc] = await t.sql<{ step: number }>('select step from escalations where incident_id = ?', [
      inc.id,
    ]);
    expect(esc?.step).toBe(1);
    const again = await tw.sendSms({ from: PHONE.ana, body: `e ${inc.number}` });
    expect(again.replies[0]?.body).toContain('already moved past step 1');
    await tw.expectSms(PHONE.ana, 'already moved');
    await t.request('POST', `/api/v1/incidents/${inc.ref}/resolve`, {});
  });

  it('replies that change nothing: an incident not paging them, an unknown number, and help at most 5 times a day', async () => {
    const other = await declare('Not for Ana', 'other-service');
    const notMine = await tw.sendSms({ from: PHONE.ana, body: `${other.number}a` });
    expect(notMine.replies[0]?.body).toBe(`OpsWatch: INC-${other.number} is not paging you.`);
    await tw.expectSms(PHONE.ana, 'is not paging you');
    expect(await status(other.ref)).toBe('triggered');
    const stranger = await tw.sendSms({ from: '+14155550999', body: `${other.number}a` });
    expect(stranger.replies).toEqual([]);
    expect(await status(other.ref)).toBe('triggered');
    const answers: number[] = [];
    for (let i = 0; i < 7; i++)
      answers.push((await tw.sendSms({ from: PHONE.bo, body: 'what?' })).replies.length);
    expect(answers).toEqual([1, 1, 1, 1, 1, 0, 0]);
    for (let i = 0; i < 5; i++) await tw.expectSms(PHONE.bo, 'reply 42a');
    await t.request('POST', `/api/v1/incidents/${other.ref}/resolve`, {});
  });
});

describe('a test page', () => {
  it('runs the person’s high-urgency rules for real by SMS, then resolves itself', async () => {
    await setRules(u.bo, [
      { method: 'slack_dm', delay: 0 },
      { method: 'sms', delay: 1, cm: cm.boSms },
    ]);
    t.clock.set('2026-03-02T16:00:00Z');
    const res = await post(`/api/v1/users/${u.bo}/test-page`, {});
    expect(res.status).toBe(201);
    await at('2026-03-02T16:00:00Z');
    await at('2026-03-02T16:01:00Z');
    const sms = await tw.expectSms(PHONE.bo, 'DRILL INC-', 'Test page for Bo');
    const number = Number(/INC-(\d+)/.exec(sms.body)?.[1]);
    await at('2026-03-02T16:02:00Z');
    await at('2026-03-02T16:02:01Z');
    expect(await status(`INC-${number}`)).toBe('resolved');
    // Nobody else was paged: the only SMS was Bo's.
    expect(tw.messages.filter((m) => m.at >= new Date('2026-03-02T16:00:00Z')).map((m) => m.to)).toEqual([
      PHONE.bo,
    ]);
  });
});
