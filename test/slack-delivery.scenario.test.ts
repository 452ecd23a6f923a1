import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { DECLARE_INPUTS, INCIDENT_ACTIONS, VIEWS } from '../blocks/ids.js';
import type { DeliveryRegistry } from '../src/domains/notify/index.js';
import { startTestApp, type TestApp, type TestSlack } from './harness/app.js';
import { wrapSends } from './harness/delivery.js';
import { asBotScopes } from './harness/fake-slack.js';
import { stateValue } from './harness/slack-signing.js';
import { until } from './harness/wait.js';

let t: TestApp;
let s: TestSlack;
beforeAll(async () => {
  t = await startTestApp({ slack: true });
  if (!t.slack) throw new Error('no slack');
  s = t.slack;
  s.fake.addUser({ id: 'U0ALICE', real_name: 'Alice Smith', email: 'alice@example.com' });
  await t.request('PUT', '/api/v1/slack/routes', { routes: { payments: 'C0PAYMENTS', search: 'C0SEARCH' } });
});
afterAll(async () => {
  await t?.close();
});

let seq = 0;
async function fire(service: string): Promise<{ status: number }> {
  seq++;
  const res = await t.request('POST', '/api/v1/webhooks/generic', {
    title: `${service} problem ${seq}`,
    severity: 'P2',
    service,
    dedup_key: `${service}-${seq}`,
    status: 'firing',
  });
  return { status: res.status };
}
const posts = (channel: string) =>
  s.fake.callsTo('chat.postMessage').filter((c) => c.ok && c.args.channel === channel && !c.args.thread_ts);
const timelineOf = async (n: number) =>
  (
    (await (await t.request('GET', `/api/v1/incidents/INC-${n}`)).json()) as {
      timeline: { kind: string; message: string }[];
    }
  ).timeline;

/** The real adapters, but Slack's answer never comes back: the post happened, the caller sees a network error. */
const answerLost = (): DeliveryRegistry =>
  wrapSends(s.delivery, (send) => async (unit) => {
    await send(unit);
    throw new Error('socket hang up');
  });

describe('the outbox never loses a post and never posts twice', () => {
  it('Slack answering 429 twice then OK delivers exactly one card, without holding up other channels', async () => {
    s.fake.failNext('chat.postMessage', { status: 429, retryAfter: 3, times: 2 });
    expect((await fire('payments')).status).toBe(200);
    await s.deliverOnce(); // 429: the channel waits 3 s
    await s.deliverOnce(); // nothing due yet: Slack is not asked again
    t.clock.advance(3_000);
    await s.deliverOnce(); // 429 again
    expect(s.fake.callsTo('chat.postMessage').filter((c) => c.status === 429)).toHaveLength(2);
    expect(posts('C0PAYMENTS')).toHaveLength(0);
    // Another channel is not held up by the rate-limited one.
    expect((await fire('search')).status).toBe(200);
    await s.deliverOnce();
    expect(posts('C0SEARCH')).toHaveLength(1);
    expect(posts('C0PAYMENTS')).toHaveLength(0);
    t.clock.advance(3_000);
    await s.deliverOnce();
    expect(posts('C0PAYMENTS')).toHaveLength(1);
    await s.deliverOnce();
    expect(posts('C0PAYMENTS')).toHaveLength(1);
    expect(s.fake.callsTo('chat.postMessage').filter((c) => c.status === 429)).toHaveLength(2);
  });

  it('a card already recorded as posted is never posted again (crash between send and mark)', async () => {
    const before = s.fake.callsTo('chat.postMessage').length;
    await t.sql(
      `update outbox set status = 'pending' where destination = 'slack.post' and lane = 'C0PAYMENTS'`,
    );
    await s.deliverOnce();
    expect(s.fake.callsTo('chat.postMessage')).toHaveLength(before);
  });

  it('a worker that dies after Slack accepted the card: the next one finds it and never posts it twice', async () => {
    const before = posts('C0PAYMENTS').length;
    expect((await fire('payments')).status).toBe(200);
    // The first worker posts and then never records it (it died while Slack's answer was on its way).
    let accepted = false;
    const dying = wrapSends(s.delivery, (send) => async (unit) => {
      await send(unit);
      accepted = true;
      return new Promise<never>(() => {});
    });
    void t.services.outbox.deliverOnce(dying);
    await until("Slack to accept the dying worker's card", () => accepted);
    expect(posts('C0PAYMENTS')).toHaveLength(before + 1);
    // Its lease runs out; another worker takes the row, sees it may have been sent, and looks before posting.
    await s.deliverOnce();
    expect(posts('C0PAYMENTS')).toHaveLength(before + 1);
    t.clock.advance(61_000);
    await s.deliverOnce();
    expect(posts('C0PAYMENTS')).toHaveLength(before + 1);
    expect(s.fake.callsTo('conversations.history').at(-1)?.args).toMatchObject({
      channel: 'C0PAYMENTS',
      include_all_metadata: 'true',
    });
    const [row] = await t.sql<{ status: string }>(
      `select o.status from outbox o join slack_messages m on m.incident_id = o.incident_id
       where o.destination = 'slack.post' and o.id = (select max(id) from outbox where destination = 'slack.post')`,
    );
    expect(row?.status).toBe('sent');
    // Updates now find the card the dead worker posted.
    const [inc] = await t.sql<{ id: string; number: number }>(
      `select id, number from incidents order by number desc limit 1`,
    );
    const [saved] = await t.sql<{ ts: string }>(
      `select ts from slack_messages where incident_id = '${inc?.id}'`,
    );
    expect(s.fake.messages.filter((m) => m.channel === 'C0PAYMENTS' && m.ts === saved?.ts)).toHaveLength(1);
    await t.request('POST', `/api/v1/incidents/INC-${inc?.number}/acknowledge`, {});
    await s.deliverOnce();
    const update = s.fake.callsTo('chat.update').at(-1);
    expect(update).toMatchObject({ ok: true, args: { channel: 'C0PAYMENTS', ts: saved?.ts } });
  });

  it('an answer lost on the way back (timeout) is not a second card either', async () => {
    const before = posts('C0SEARCH').length;
    expect((await fire('search')).status).toBe(200);
    await t.services.outbox.deliverOnce(answerLost());
    expect(posts('C0SEARCH')).toHaveLength(before + 1);
    t.clock.advance(2_000);
    await s.deliverOnce();
    expect(posts('C0SEARCH')).toHaveLength(before + 1);
    const [pending] = await t.sql<{ n: string }>(`select count(*) as n from outbox where status = 'pending'`);
    expect(Number(pending?.n)).toBe(0);
  });

  it('when the history cannot be read (an app without the history scope), it posts again rather than lose the card', async () => {
    const before = posts('C0SEARCH').length;
    expect((await fire('search')).status).toBe(200);
    await t.services.outbox.deliverOnce(answerLost());
    s.fake.failNext('conversations.history', { error: 'missing_scope' });
    t.clock.advance(2_000);
    await s.deliverOnce();
    expect(posts('C0SEARCH')).toHaveLength(before + 2);
    const [pending] = await t.sql<{ n: string }>(`select count(*) as n from outbox where status = 'pending'`);
    expect(Number(pending?.n)).toBe(0);
  });

  it('Slack down for a while: webhooks still answer 2xx promptly, cards arrive once it is back', async () => {
    await s.fake.down('refuse');
    const answers = [await fire('payments'), await fire('search'), await fire('payments')];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    // How promptly, Slack up and down: bench/slack-delivery.ts (no timings in npm test).
    // The answers did not wait for Slack: the three cards wait in the outbox.
    expect(
      await t.sql(`select destination, count(*)::int as n from outbox where status = 'pending' group by 1`),
    ).toEqual([{ destination: 'slack.post', n: 3 }]);
    await s.deliverOnce();
    await s.fake.down('503');
    t.clock.advance(1_000);
    await s.deliverOnce();
    await s.fake.up();
    t.clock.advance(5_000);
    await s.deliverOnce();
    expect(posts('C0PAYMENTS')).toHaveLength(4);
    expect(posts('C0SEARCH')).toHaveLength(5);
    const [pending] = await t.sql<{ n: string }>(`select count(*) as n from outbox where status = 'pending'`);
    expect(Number(pending?.n)).toBe(0);
  });

  it('a permanent failure shows on the incident timeline and in a metric; the rest keeps flowing', async () => {
    s.fake.failNext('chat.postMessage', { error: 'not_in_channel' });
    await fire('payments'); // INC-9
    await s.deliverOnce();
    await fire('search'); // INC-10
    await s.deliverOnce();
    const timeline = await timelineOf(9);
    expect(timeline.at(-1)).toMatchObject({
      kind: 'notification_failed',
      message: 'Slack post to C0PAYMENTS failed: not_in_channel',
    });
    expect(posts('C0SEARCH')).toHaveLength(6);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/opswatch_slack_delivery_failures_total\{reason="not_in_channel"\} 1/);
    const [failed] = await t.sql<{ status: string; last_error: string }>(
      `select status, last_error from outbox where destination = 'slack.post' and status = 'failed'`,
    );
    expect(failed).toEqual({ status: 'failed', last_error: 'not_in_channel' });
  });
});

describe('requests Slack did not sign', () => {
  it('refuses a bad signature and a stale timestamp with 401, changing nothing', async () => {
    const [inc] = await t.sql<{ id: string; status: string }>(
      `select id, status from incidents where number = 10`,
    );
    const calls = s.fake.calls.length;
    const bad = await s.driver.blockAction(INCIDENT_ACTIONS.acknowledge, inc?.id ?? '', { signature: 'bad' });
    const stale = await s.driver.blockAction(INCIDENT_ACTIONS.acknowledge, inc?.id ?? '', { stale: true });
    const missing = await s.driver.slashCommand('/incident', 'ack INC-10', { signature: 'missing' });
    expect([bad.status, stale.status, missing.status]).toEqual([401, 401, 401]);
    await s.idle();
    const [after] = await t.sql<{ status: string }>(`select status from incidents where number = 10`);
    expect(after?.status).toBe('triggered');
    expect(s.fake.calls.length).toBe(calls);
  });

  it('answers the URL verification challenge', async () => {
    const res = await s.driver.urlVerification('abc123');
    expect(res.body).toEqual({ challenge: 'abc123' });
  });
});

describe('/incident declare and App Home', () => {
  it('opens the declare modal, shows field errors, then declares and posts the card', async () => {
    await s.driver.slashCommand('/incident', 'declare Search is slow');
    await s.idle();
    const open = await s.fake.waitFor('views.open');
    const view = open.args.view as { callback_id: string; private_metadata: string; blocks: unknown[] };
    expect(view.callback_id).toBe(VIEWS.declare);
    expect(JSON.stringify(view.blocks)).toContain('Search is slow');

    const invalid = await s.driver.viewSubmission(
      VIEWS.declare,
      {
        [DECLARE_INPUTS.title.blockId]: { [DECLARE_INPUTS.title.actionId]: stateValue.text('  ') },
        [DECLARE_INPUTS.service.blockId]: { [DECLARE_INPUTS.service.actionId]: stateValue.text('search') },
        [DECLARE_INPUTS.severity.blockId]: { [DECLARE_INPUTS.severity.actionId]: stateValue.select('2') },
      },
      view.private_metadata,
    );
    expect(invalid.body).toMatchObject({
      response_action: 'errors',
      errors: { [DECLARE_INPUTS.title.blockId]: expect.any(String) },
    });

    const ok = await s.driver.viewSubmission(
      VIEWS.declare,
      {
        [DECLARE_INPUTS.title.blockId]: {
          [DECLARE_INPUTS.title.actionId]: stateValue.text('Search is slow'),
        },
        [DECLARE_INPUTS.service.blockId]: { [DECLARE_INPUTS.service.actionId]: stateValue.text('search') },
        [DECLARE_INPUTS.severity.blockId]: { [DECLARE_INPUTS.severity.actionId]: stateValue.select('2') },
        [DECLARE_INPUTS.description.blockId]: {
          [DECLARE_INPUTS.description.actionId]: stateValue.text(null),
        },
      },
      view.private_metadata,
    );
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('');
    const [inc] = await t.sql<{ title: string; severity: number; source: string; number: number }>(
      `select title, severity, source, number from incidents where source = 'manual'`,
    );
    expect(inc).toMatchObject({ title: 'Search is slow', severity: 2 });
    await s.deliverOnce();
    expect(posts('C0SEARCH').at(-1)?.args.text).toContain(`INC-${inc?.number}`);
  });

  it('publishes App Home when opened, and again when an incident changes', async () => {
    const res = await s.driver.appHomeOpened('U0ALICE');
    expect(res.status).toBe(200);
    await s.idle();
    const first = await s.fake.waitFor('views.publish');
    expect(first.args.user_id).toBe('U0ALICE');
    expect(JSON.stringify(first.args.view)).toContain('Declare incident');
    const before = s.fake.callsTo('views.publish').length;
    await fire('search');
    await s.deliverOnce();
    expect(s.fake.callsTo('views.publish').length).toBe(before + 1);
  });

  it('declares only scopes the code uses, all of them in slack-app-manifest.yml', () => {
    const manifest = parse(readFileSync(new URL('../slack-app-manifest.yml', import.meta.url), 'utf8')) as {
      oauth_config: { scopes: { bot: string[] } };
      features: { slash_commands: { command: string }[] };
      settings: { event_subscriptions: { bot_events: string[] }; interactivity: { is_enabled: boolean } };
    };
    const declared = new Set(manifest.oauth_config.scopes.bot);
    const needed = asBotScopes(s.fake.requiredScopes());
    expect(needed.filter((sc) => !declared.has(sc))).toEqual([]);
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual([
      '/incident',
      '/oncall',
      '/heartbeat',
      '/silence',
      '/kb',
      '/postmortem',
      '/runbook',
      '/sla',
    ]);
    expect(manifest.settings.event_subscriptions.bot_events).toContain('app_home_opened');
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(s.fake.violations).toEqual([]);
  });
});

describe('a channel archived after the card was posted', () => {
  it('shows the failed update on the timeline once, however many changes follow', async () => {
    const before = posts('C0SEARCH').length;
    await fire('search'); // its card posts fine
    await s.deliverOnce();
    expect(posts('C0SEARCH')).toHaveLength(before + 1);
    const [row] = await t.sql<{ n: number }>('select max(number) as n from incidents');
    const n = Number(row?.n);
    s.fake.failNext('chat.update', { error: 'is_archived', times: 10 });
    s.fake.failNext('chat.postMessage', { error: 'is_archived', times: 10 });
    expect((await t.request('POST', `/api/v1/incidents/INC-${n}/acknowledge`)).status).toBe(200);
    await s.deliverOnce();
    const note = await t.request('POST', `/api/v1/incidents/INC-${n}/notes`, { text: 'still looking' });
    expect(note.status).toBe(201);
    await s.deliverOnce();
    await s.deliverOnce();
    const notices = (await timelineOf(n)).filter((e) => e.kind === 'notification_failed');
    expect(notices).toHaveLength(1);
    expect(notices[0]?.message).toMatch(/^Slack (card update|thread reply) in C0SEARCH failed: is_archived$/);
    const [pending] = await t.sql<{ n: string }>(
      `select count(*) as n from outbox where status = 'pending' and incident_id = (select id from incidents where number = ${n})`,
    );
    expect(Number(pending?.n)).toBe(0);
  });
});
