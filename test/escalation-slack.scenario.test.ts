/**
 * The Slack side of escalation, under the manual clock: the page DM ("You are on call for Payments") with its
 * Acknowledge / Escalate buttons; Escalate on the DM moves on once, and a late click for a step already left does
 * nothing and says so; `/incident escalate`; the slack_channel post (@here, anyone's Acknowledge counts); the
 * simulator over REST and `/oncall simulate`, and the simulator agreeing with what the engine then does.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { ESCALATION_ACTIONS, INCIDENT_ACTIONS } from '../blocks/ids.js';
import { decodeMetadata } from '../blocks/metadata.js';
import { EscalateButtonValue } from '../blocks/page.blocks.js';
import { startTestApp, type TestApp, type TestSlack } from './harness/app.js';

let t: TestApp;
let s: TestSlack;
const u: Record<string, string> = {};
let policyId = '';
let scheduleId = '';

const json = async <T>(res: Response | Promise<Response>) => (await (await res).json()) as T;
const post = (path: string, body: unknown) => t.request('POST', path, body);

async function addUser(name: string, slackUserId: string, managerId?: string): Promise<string> {
  const res = await post('/api/v1/users', {
    name,
    email: `${name.toLowerCase()}@example.com`,
    slackUserId,
    timeZone: 'Europe/Lisbon',
    ...(managerId ? { managerId } : {}),
  });
  if (res.status !== 201) throw new Error(`user ${name}: ${res.status} ${await res.text()}`);
  return (await json<{ id: string }>(res)).id;
}

beforeAll(async () => {
  t = await startTestApp({ slack: true });
  if (!t.slack) throw new Error('no slack');
  s = t.slack;
  t.clock.set('2026-03-02T10:00:00Z');
  s.fake.addUser({ id: 'U0CARL', real_name: 'Carl Neto', email: 'carl@example.com', tz: 'Europe/Lisbon' });
  u.bo = await addUser('Bo', 'U0BO');
  u.ana = await addUser('Ana', 'U0ANA', u.bo);
  const sched = await post('/api/v1/schedules', {
    name: 'Payments',
    timeZone: 'Europe/Lisbon',
    layers: [
      {
        name: 'Primary',
        participants: [u.ana],
        start: '2026-03-01T09:00:00Z',
        turn: { unit: 'weeks', count: 1 },
        handoffTime: '09:00',
      },
    ],
  });
  scheduleId = (await json<{ id: string }>(sched)).id;
  const policy = await post('/api/v1/escalation-policies', {
    name: 'Payments',
    steps: [
      { delayMinutes: 5, targets: [{ type: 'schedule', id: scheduleId }] },
      { delayMinutes: 10, targets: [{ type: 'manager_of', of: 'schedule', id: scheduleId }] },
      { delayMinutes: 5, targets: [{ type: 'slack_channel', id: 'payments-oncall' }] },
    ],
    repeat: 1,
  });
  if (policy.status !== 201) throw new Error(`policy: ${policy.status} ${await policy.text()}`);
  policyId = (await json<{ id: string }>(policy)).id;
  const svc = await post('/api/v1/services', { name: 'payments', escalationPolicyId: policyId });
  if (svc.status !== 201) throw new Error(`service: ${svc.status} ${await svc.text()}`);
  await t.request('PUT', `/api/v1/users/${u.ana}/notification-rules`, {
    high: [
      { method: 'slack_dm', delayMinutes: 0 },
      { method: 'slack_dm', delayMinutes: 7 },
    ],
    low: [{ method: 'slack_dm', delayMinutes: 0 }],
  });
});
afterAll(async () => {
  await t?.close();
});

/** Page DMs (not other messages) sent to a Slack user. */
const dmsTo = (user: string) =>
  s.fake
    .callsTo('chat.postMessage')
    .filter((c) => c.ok && c.args.channel === user && /\bINC-\d+/.test(String(c.args.text)));
const run = async () => {
  await t.tick();
  await s.deliverOnce();
};
const escalateValueOf = (blocks: unknown): string => {
  const found = JSON.stringify(blocks).match(
    /"action_id":"escalation\.escalate","text":\{[^}]*\},"value":"((?:\\.|[^"\\])*)"/,
  );
  if (!found?.[1]) throw new Error('no Escalate button');
  return JSON.parse(`"${found[1]}"`) as string;
};
const lastAnswer = () => JSON.stringify(s.fake.responseUrlPosts.at(-1)?.body);
const pages = (incidentId: string) =>
  t.sql<{
    user_id: string | null;
    loop: number;
    step: number;
    method: string;
    due_at: Date;
    target_type: string;
  }>(
    `select user_id, loop, step, method, due_at, target_type from pages where incident_id = ? and status <> 'skipped'
     order by due_at, loop, step, rule_position`,
    [incidentId],
  );

describe('paging in Slack', () => {
  let incidentId = '';
  let dmValue = '';

  it('pages whoever is on call by DM: why them, Acknowledge, Escalate with the step it is for', async () => {
    const inc = await json<{ id: string; ref: string }>(
      post('/api/v1/incidents', { title: 'Card payments fail', service: 'payments', severity: 1 }),
    );
    incidentId = inc.id;
    await run();
    const [dm] = dmsTo('U0ANA');
    expect(dm?.args.text).toBe('INC-1 P1 Card payments fail: You are on call for Payments');
    // The card and the DM go out together: Open card is the card's permalink once the card is recorded, and left
    // out until then — never a dead link.
    const openCard = ((dm?.args.blocks ?? []) as { elements?: { action_id?: string; url?: string }[] }[])
      .flatMap((b) => b.elements ?? [])
      .filter((e) => e.action_id === ESCALATION_ACTIONS.openCard);
    for (const e of openCard)
      expect(e.url).toMatch(/^https:\/\/opswatch-test\.slack\.com\/archives\/C\w+\/p\d+$/);
    expect(JSON.stringify(dm?.args.blocks)).toContain(INCIDENT_ACTIONS.acknowledge);
    dmValue = escalateValueOf(dm?.args.blocks);
    expect(decodeMetadata(EscalateButtonValue, dmValue)).toEqual({ i: inc.id, g: 0, l: 0, s: 0 });
    // The card says who is paged now and when the next step fires, with its own Escalate button (its update
    // waits for the card's post to be recorded: deliver until it is there).
    const cardNow = () =>
      s.fake.messages.find((m) => !m.thread_ts && m.text.startsWith('[P1] INC-1 '))?.history.at(-1);
    for (let i = 0; i < 5 && !JSON.stringify(cardNow()?.blocks ?? '').includes(':pager:'); i++)
      await s.deliverOnce();
    const card = cardNow();
    expect(JSON.stringify(card?.blocks)).toContain(
      ':pager: Paging <@U0ANA> (Payments on-call) · Escalates to the manager of Payments in 5 min',
    );
    expect(decodeMetadata(EscalateButtonValue, escalateValueOf(card?.blocks))).toEqual({
      i: inc.id,
      g: 0,
      l: 0,
      s: 0,
    });
    // Ana's App Home lists what is paging her.
    await s.driver.appHomeOpened('U0ANA');
    await s.idle();
    const home = await s.fake.waitFor('views.publish', (c) => c.args.user_id === 'U0ANA');
    const homeText = JSON.stringify(home.args.view);
    expect(homeText).toContain('Incidents paging you (1)');
    expect(homeText).toContain('You are on call for *Payments*');
    expect(homeText).toContain(ESCALATION_ACTIONS.escalate);
    expect(s.fake.violations).toEqual([]);
  });

  it('Escalate on the DM pages the next step at once', async () => {
    const res = await s.driver.blockAction(ESCALATION_ACTIONS.escalate, dmValue, {
      user: 'U0ANA',
      channelId: 'D0ANA',
    });
    expect(res.status).toBe(200);
    await s.idle();
    expect(lastAnswer()).toContain('escalating from step 1 to the next step now');
    await run();
    const [dm] = dmsTo('U0BO');
    expect(dm?.args.text).toBe('INC-1 P1 Card payments fail: You are the manager of Payments');
    expect((await pages(incidentId)).map((p) => [p.step, p.user_id])).toEqual([
      [0, u.ana],
      [1, u.bo],
      [0, u.ana],
    ]);
  });

  it('a second, late click for the step already left changes nothing and says so', async () => {
    const before = (await pages(incidentId)).length;
    await s.driver.blockAction(ESCALATION_ACTIONS.escalate, dmValue, { user: 'U0ANA', channelId: 'D0ANA' });
    await s.idle();
    expect(lastAnswer()).toContain('INC-1 has already moved past step 1');
    await run();
    expect(await pages(incidentId)).toHaveLength(before);
    expect(dmsTo('U0BO')).toHaveLength(1);
  });

  it('/incident escalate INC-1 → the slack_channel step: @here and an Acknowledge anyone may click', async () => {
    await s.driver.slashCommand('/incident', 'escalate INC-1', { user: 'U0BO' });
    await s.idle();
    expect(lastAnswer()).toContain('escalating from step 2 to the next step now');
    await run();
    const post = s.fake.messages.find((m) => m.text.startsWith('@here'));
    expect(post?.channel).toBe('payments-oncall');
    expect(JSON.stringify(post?.blocks)).toContain('<!here>');
    // Carl is neither on call nor paged: his click counts.
    await s.driver.blockAction(INCIDENT_ACTIONS.acknowledge, incidentId, {
      user: 'U0CARL',
      message: { ts: post?.ts ?? '', channel: 'payments-oncall' },
    });
    await s.idle();
    const inc = await json<{ status: string }>(t.request('GET', '/api/v1/incidents/INC-1'));
    expect(inc.status).toBe('acknowledged');
    await s.deliverOnce();
    const updated = s.fake
      .callsTo('chat.update')
      .filter((c) => c.ok && String(c.args.text).includes('— acknowledged'));
    expect(updated.length).toBeGreaterThanOrEqual(2);
    // Updated in place, the DMs link to the card's permalink.
    const dmUpdates = updated.filter((c) => /^[DU]/.test(String(c.args.channel)));
    expect(dmUpdates.length).toBeGreaterThanOrEqual(2);
    for (const u of dmUpdates)
      expect(JSON.stringify(u.args.blocks)).toMatch(
        /"action_id":"escalation\.open_card","text":\{[^}]*\},"url":"https:\/\/opswatch-test\.slack\.com\/archives\/C\w+\/p\d+"/,
      );
    for (const u of updated) {
      expect(JSON.stringify(u.args.blocks)).toContain('Acknowledged by *Carl Neto*');
      expect(JSON.stringify(u.args.blocks)).not.toContain(ESCALATION_ACTIONS.escalate);
      expect(JSON.stringify(u.args.blocks)).not.toContain(INCIDENT_ACTIONS.acknowledge);
    }
    // The channel post keeps its form: @here, now saying who acknowledged.
    const latest = s.fake.messages.find((m) => m.ts === post?.ts)?.history.at(-1);
    expect(latest?.text).toContain('@here');
    expect(JSON.stringify(latest?.blocks)).toContain('Acknowledged by *Carl Neto*');
    expect(s.fake.violations).toEqual([]);
  });

  it('Escalate on an acknowledged incident does nothing and says why', async () => {
    await s.driver.blockAction(ESCALATION_ACTIONS.escalate, dmValue, { user: 'U0ANA', channelId: 'D0ANA' });
    await s.idle();
    expect(lastAnswer()).toContain('INC-1 is acknowledged: it is not escalating.');
    const published = s.fake.callsTo('views.publish').length;
    await s.driver.appHomeOpened('U0ANA');
    await s.idle();
    const home = await s.fake.waitFor(
      'views.publish',
      (c) => c.args.user_id === 'U0ANA' && s.fake.callsTo('views.publish').indexOf(c) >= published,
    );
    expect(JSON.stringify(home.args.view)).toContain('Incidents paging you (0)');
  });
});

interface Simulation {
  notifications: {
    at: string;
    loop: number;
    step: number;
    userId: string | null;
    userName: string | null;
    method: string;
    target: { type: string };
  }[];
  exhausted: { at: string; loops: number } | null;
}

describe('the simulator', () => {
  it('GET …/simulate answers every step and loop; a bad at or severity is a 400', async () => {
    const sim = await json<Simulation>(
      t.request('GET', `/api/v1/escalation-policies/${policyId}/simulate?at=2026-03-03T12:00:00Z&severity=1`),
    );
    expect(
      sim.notifications.map(
        (n) => `${n.at.slice(11, 16)} L${n.loop} S${n.step} ${n.userName ?? n.target.type}`,
      ),
    ).toEqual([
      '12:00 L0 S0 Ana',
      '12:05 L0 S1 Bo',
      '12:07 L0 S0 Ana',
      '12:15 L0 S2 slack_channel',
      '12:20 L1 S0 Ana',
      '12:25 L1 S1 Bo',
      '12:27 L1 S0 Ana',
      '12:35 L1 S2 slack_channel',
    ]);
    expect(sim.exhausted).toEqual({ at: '2026-03-03T12:40:00.000Z', loops: 2 });
    const badAt = await t.request('GET', `/api/v1/escalation-policies/${policyId}/simulate?at=tomorrow`);
    expect(badAt.status).toBe(400);
    expect(await badAt.text()).toContain('at must be an ISO 8601 date-time');
    const badSev = await t.request('GET', `/api/v1/escalation-policies/${policyId}/simulate?severity=9`);
    expect(badSev.status).toBe(400);
    expect(await badSev.text()).toContain('severity must be from 1 to 5');
    const low = await json<Simulation>(
      t.request('GET', `/api/v1/escalation-policies/${policyId}/simulate?at=2026-03-03T12:00:00Z&severity=4`),
    );
    // Ana's low-urgency rules: one DM, not two.
    expect(low.notifications.filter((n) => n.userName === 'Ana')).toHaveLength(2);
    expect((await t.request('GET', '/api/v1/escalation-policies/nope/simulate')).status).toBe(404);
  });

  it('/oncall simulate payments at <time>: readable, in the caller’s zone', async () => {
    await s.driver.slashCommand('/oncall', 'simulate payments at 2026-03-03 12:00', { user: 'U0ANA' });
    await s.idle();
    const answer = lastAnswer();
    expect(answer).toContain('12:00 DM *Ana* (Payments on-call)');
    expect(answer).toContain('12:05 DM *Bo* (the manager of Payments)');
    expect(answer).toContain('12:15 Post @here in #payments-oncall');
    expect(answer).toContain('Nobody acknowledged after 2 loops');
    await s.driver.slashCommand('/oncall', 'simulate nosuchservice', { user: 'U0ANA' });
    await s.idle();
    expect(lastAnswer()).toContain('nosuchservice');
    expect(s.fake.violations).toEqual([]);
  });

  it('agrees with what the engine then does, under the manual clock', async () => {
    const at = '2026-03-04T03:00:00.000Z';
    const sim = await json<Simulation>(
      t.request('GET', `/api/v1/escalation-policies/${policyId}/simulate?at=${at}&severity=1`),
    );
    t.clock.set(at);
    const inc = await json<{ id: string }>(
      post('/api/v1/incidents', { title: 'Nobody answers', service: 'payments', severity: 1 }),
    );
    // Never acknowledged: step the clock to each deadline the engine stored until it is exhausted.
    for (let i = 0; i < 50; i++) {
      await run();
      const [esc] = await t.sql<{ state: string; next_at: Date | null }>(
        'select state, next_at from escalations where incident_id = ?',
        [inc.id],
      );
      if (!esc?.next_at || esc.state !== 'active') break;
      t.clock.set(new Date(esc.next_at).toISOString());
    }
    const [esc] = await t.sql<{ state: string }>('select state from escalations where incident_id = ?', [
      inc.id,
    ]);
    expect(esc?.state).toBe('exhausted');
    const engine = (await pages(inc.id)).map(
      (p) =>
        `${new Date(p.due_at).toISOString()} L${p.loop} S${p.step} ${p.user_id ?? p.target_type} ${p.method}`,
    );
    const simulated = sim.notifications.map(
      (n) => `${n.at} L${n.loop} S${n.step} ${n.userId ?? n.target.type} ${n.method}`,
    );
    expect(engine.length).toBeGreaterThan(4);
    expect(engine.sort()).toEqual([...simulated].sort());
  });
});

describe('the Slack app', () => {
  it('made only well-formed calls with scopes the manifest declares, and lists the new subcommands', () => {
    expect(s.fake.violations).toEqual([]);
    const manifest = parse(readFileSync(new URL('../slack-app-manifest.yml', import.meta.url), 'utf8')) as {
      oauth_config: { scopes: { bot: string[] } };
      features: { slash_commands: { command: string; usage_hint?: string }[] };
    };
    const declared = new Set(manifest.oauth_config.scopes.bot);
    expect(s.fake.callsTo('chat.getPermalink').length).toBeGreaterThan(0);
    expect([...s.fake.requiredScopes()].filter((sc) => !declared.has(sc))).toEqual([]);
    const hint = (c: string) => manifest.features.slash_commands.find((x) => x.command === c)?.usage_hint;
    expect(hint('/incident')).toContain('escalate INC-42');
    expect(hint('/incident')).toContain('drill service');
    expect(hint('/oncall')).toContain('simulate service');
  });
});
