/**
 * An OpsWatch without Slack still records what Slack would be told: incident cards and handoff announcements wait
 * in the outbox for a process that has Slack (it delivers what is still fresh), and what waits too long expires
 * with a reason, on the incident's timeline and in a metric. An incident no channel takes says so on its timeline.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildOpsWatch } from '../src/app/opswatch.js';
import { createLogger } from '../src/shared/logger.js';
import { SLACK_SIGNING_SECRET, SLACK_TEAM_ID, startTestApp, type TestApp } from './harness/app.js';
import { type FakeSlack, startFakeSlack } from './harness/fake-slack.js';

let t: TestApp;
let fake: FakeSlack;
const ids: Record<string, string> = {};
beforeAll(async () => {
  t = await startTestApp();
  fake = await startFakeSlack({ teamId: SLACK_TEAM_ID });
  await t.request('PUT', '/api/v1/slack/routes', { routes: { payments: 'C0PAYMENTS' } });
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

let seq = 0;
async function fire(service: string): Promise<void> {
  seq++;
  const res = await t.request('POST', '/api/v1/webhooks/generic', {
    title: `${service} problem ${seq}`,
    severity: 'P2',
    service,
    dedup_key: `${service}-${seq}`,
  });
  expect(res.status).toBe(200);
}
const outbox = () =>
  t.sql<{ destination: string; lane: string; status: string; last_error: string | null }>(
    'select destination, lane, status, last_error from outbox order by id',
  );
const metric = async (line: RegExp) => (await (await fetch(`${t.url}/metrics`)).text()).match(line)?.[1];

describe('an OpsWatch without Slack', () => {
  it('queues the card of a routed incident and the announcements of a handoff, and sends nothing', async () => {
    t.clock.set('2026-03-02T09:30:00Z');
    await fire('payments'); // INC-1, Monday 09:30
    for (const [name, slack] of [
      ['Alice', 'U0ALICE'],
      ['Bob', 'U0BOB'],
    ] as const) {
      const res = await t.request('POST', '/api/v1/users', {
        name,
        email: `${name.toLowerCase()}@example.com`,
        slackUserId: slack,
      });
      ids[name] = ((await res.json()) as { id: string }).id;
    }
    const schedule = await t.request('POST', '/api/v1/schedules', {
      name: 'Payments',
      timeZone: 'UTC',
      slackChannel: '#payments-oncall',
      layers: [
        {
          name: 'Primary',
          participants: [ids.Alice, ids.Bob],
          start: '2026-03-02T09:00:00Z',
          turn: { unit: 'days', count: 1 },
          handoffTime: '09:00',
        },
      ],
    });
    expect(schedule.status).toBe(201);
    await t.tick(); // the first look announces nothing from the past
    t.clock.set('2026-03-03T09:00:05Z');
    expect(await t.tick()).toMatchObject({ handoffs: { handoffs: 1, notices: 1 } }); // Alice -> Bob
    const scheduleId = ((await schedule.json()) as { id: string }).id;
    const handoffs = (await (await t.request('GET', `/api/v1/schedules/${scheduleId}/handoffs`)).json()) as {
      items: { announced: boolean }[];
    };
    expect(handoffs.items).toMatchObject([{ announced: true }]);
    expect(await t.app.deliverOnce()).toMatchObject({ sent: 0, failed: 0, expired: 0 });
    expect((await outbox()).map((r) => `${r.destination} ${r.lane} ${r.status}`)).toEqual([
      'slack.post C0PAYMENTS pending',
      'slack.post payments-oncall pending',
      'slack.dm U0BOB pending',
    ]);
  });

  it('gives up, with the reason, what waited longer than its destination allows', async () => {
    t.clock.set('2026-03-04T09:00:05Z');
    expect(await t.tick()).toMatchObject({ handoffs: { handoffs: 1 } }); // Bob -> Alice
    await fire('payments'); // INC-2
    t.clock.set('2026-03-04T10:00:00Z'); // INC-1's card waited 48½ h, the first handoff's notices 25 h
    expect(await t.app.deliverOnce()).toMatchObject({ sent: 0, expired: 3 });
    expect(
      (await outbox()).map((r) => `${r.destination} ${r.lane} ${r.status} ${r.last_error ?? ''}`),
    ).toEqual([
      'slack.post C0PAYMENTS expired Slack is not configured',
      'slack.post payments-oncall expired Slack is not configured',
      'slack.dm U0BOB expired Slack is not configured',
      'slack.post payments-oncall pending ',
      'slack.dm U0ALICE pending ',
      'slack.post C0PAYMENTS pending ',
    ]);
    const inc = (await (await t.request('GET', '/api/v1/incidents/INC-1')).json()) as {
      timeline: { kind: string; message: string }[];
    };
    expect(inc.timeline.at(-1)).toMatchObject({
      kind: 'notification_failed',
      message: 'Slack post to C0PAYMENTS failed: Slack is not configured',
    });
    expect(
      await metric(
        /opswatch_outbox_expired_total\{destination="slack.dm",reason="Slack is not configured"\} (\d+)/,
      ),
    ).toBe('1');
  });

  it('a process with Slack, started later, delivers what is still fresh', async () => {
    const withSlack = await buildOpsWatch({
      orm: t.orm,
      clock: t.clock,
      log: createLogger('silent'),
      config: {
        SLACK_BOT_TOKEN: 'xoxb-test-token',
        SLACK_SIGNING_SECRET,
        SLACK_API_URL: fake.apiUrl,
        SLACK_APP_TOKEN: undefined,
        SLACK_DEFAULT_CHANNEL: undefined,
        slackEnabled: true,
        publicBaseUrl: 'http://localhost',
        ENGINE_TICK_SECONDS: 1,
        PORT: 0,
        HOST: '127.0.0.1',
      },
    });
    expect(await withSlack.deliverOnce()).toMatchObject({ sent: 3, failed: 0 });
    const posts = fake.callsTo('chat.postMessage').filter((c) => c.ok);
    expect(posts.map((c) => c.args.channel).sort()).toEqual(['C0PAYMENTS', 'U0ALICE', 'payments-oncall']);
    expect(posts.find((c) => c.args.channel === 'payments-oncall')?.args.text).toBe(
      'Alice is now on call for Payments until Thu 09:00 UTC, taking over from Bob.',
    );
    expect(posts.find((c) => c.args.channel === 'C0PAYMENTS')?.args.text).toContain('INC-2');
    expect(fake.violations).toEqual([]);
  });

  it('an incident no route and no default channel takes says so on its timeline, once, and in a metric', async () => {
    await fire('search'); // INC-3
    const inc = (await (await t.request('GET', '/api/v1/incidents/INC-3')).json()) as {
      timeline: { kind: string; message: string }[];
    };
    expect(inc.timeline.filter((e) => e.kind === 'notification_unrouted')).toHaveLength(1);
    expect(inc.timeline.find((e) => e.kind === 'notification_unrouted')?.message).toContain(
      'service "search"',
    );
    expect(await metric(/opswatch_notifications_unrouted_total (\d+)/)).toBe('1');
    const [rows] = await t.sql<{ n: number }>(
      `select count(*)::int as n from outbox o join incidents i on i.id = o.incident_id where i.number = 3`,
    );
    expect(rows?.n).toBe(0);
  });
});
