/**
 * PostgreSQL restarts under OpsWatch: a fast shutdown (every session ended with 57P01, then connections refused)
 * and a start again, with `opswatch start` running as a child process (HTTP sidecar, Slack in HTTP mode against
 * the fake Slack, and the worker role: Agenda, its LISTEN, the outbox's LISTEN). The process must stay up, answer
 * webhooks 503 with Retry-After and /readyz 503 while the server is away, and come back by itself.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { OUTBOX_CHANNEL } from '../src/domains/notify/index.js';
import { type FakeSlack, startFakeSlack } from './harness/fake-slack.js';
import { type OpsWatchProcess, startOpsWatchProcess } from './harness/opswatch-process.js';
import { type OwnPostgres, startOwnPostgres } from './harness/own-postgres.js';
import { until as waitUntil } from './harness/wait.js';

jest.setTimeout(180_000);

const API_KEY = 'restart-test-key-0123456789';
const AGENDA_CHANNEL = 'agenda:jobs';
const UNREACHABLE = 'The database is unreachable';
const BACK = 'The database is back';

/** Waits on a condition (a probe that fails counts as "not yet"); a database restart takes longer than the default. */
const until = <T>(what: string, probe: () => Promise<T | null | false>, ms = 60_000): Promise<T> =>
  waitUntil(what, () => probe().catch(() => null), ms);

/** One Alertmanager (webhook v4) notification with one firing alert, as Alertmanager sends it. */
function alertmanagerBody(summary: string): string {
  const labels = { alertname: 'DiskFull', service: 'billing-db', instance: summary };
  return JSON.stringify({
    version: '4',
    groupKey: `{}:{instance="${summary}"}`,
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'opswatch',
    groupLabels: { instance: summary },
    commonLabels: labels,
    commonAnnotations: { summary },
    externalURL: 'http://alertmanager.example:9093',
    alerts: [
      {
        status: 'firing',
        labels,
        annotations: { summary },
        startsAt: '2026-12-01T03:00:00Z',
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus.example/graph',
        fingerprint: createHash('sha256').update(summary).digest('hex').slice(0, 16),
      },
    ],
  });
}

let pg: OwnPostgres;
let slack: FakeSlack;
let ow: OpsWatchProcess;

const webhook = (summary: string) =>
  fetch(`${ow.url}/api/v1/webhooks/alertmanager`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    body: alertmanagerBody(summary),
  });
const readyz = async () => (await fetch(`${ow.url}/readyz`)).status;
const posted = (summary: string) =>
  slack.waitFor('chat.postMessage', (c) => c.ok && String(c.args.text).includes(summary), 60_000);
const logged = (prefix: string) => ow.logs.filter((l) => l.msg.startsWith(prefix));

beforeAll(async () => {
  pg = await startOwnPostgres();
  slack = await startFakeSlack({ teamId: 'T0FAKE' });
  ow = await startOpsWatchProcess({
    DATABASE_URL: pg.url,
    OPSWATCH_API_KEY: API_KEY,
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: 'test-signing-secret-0123456789',
    SLACK_API_URL: slack.apiUrl,
    SLACK_DEFAULT_CHANNEL: 'C0DEFAULT',
    ENGINE_TICK_SECONDS: '1',
    LOG_LEVEL: 'info',
  });
});

afterAll(async () => {
  await ow?.stop();
  await slack?.close();
  await pg?.destroy();
});

describe('PostgreSQL restarts under a running OpsWatch', () => {
  it('stays up, answers 503 with Retry-After while the server is away, and recovers by itself', async () => {
    // Before: ingestion, delivery and both LISTEN connections work.
    expect((await webhook('before the restart')).status).toBe(200);
    await posted('before the restart');
    await until('both LISTEN connections', async () =>
      (await ow.metric('opswatch_listen_connections_total', { channel: OUTBOX_CHANNEL })) === 1 &&
      (await ow.metric('opswatch_listen_connections_total', { channel: AGENDA_CHANNEL })) === 1
        ? true
        : null,
    );

    // The server shuts down fast: every connection OpsWatch holds is ended with 57P01.
    await pg.stop();
    await until('the outage to be noticed', async () => logged(UNREACHABLE).length > 0);
    await until('/readyz to say not ready', async () => (await readyz()) === 503);

    // An Alertmanager storm meanwhile: every webhook is told to come back later, and nothing is stored.
    for (let i = 0; i < 10; i++) {
      const res = await webhook(`during the outage ${i}`);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect(await readyz()).toBe(503);
    expect(ow.exit).toBeNull();
    const runsWhileDown = await ow.metric('opswatch_job_runs_total', { job: 'engine-tick' });

    // The server comes back; OpsWatch recovers with nobody touching it.
    await pg.start();
    await until('/readyz to say ready', async () => (await readyz()) === 200);
    await until('both LISTEN connections re-established', async () =>
      (await ow.metric('opswatch_listen_connections_total', { channel: OUTBOX_CHANNEL })) >= 2 &&
      (await ow.metric('opswatch_listen_connections_total', { channel: AGENDA_CHANNEL })) >= 2
        ? true
        : null,
    );
    await until(
      'Agenda to run the engine tick again',
      async () => (await ow.metric('opswatch_job_runs_total', { job: 'engine-tick' })) > runsWhileDown,
    );

    // A webhook is stored again (2xx only after commit), and its incident reaches Slack through the outbox,
    // woken by a NOTIFY on the re-established LISTEN connection.
    const notifiedBefore = await ow.metric('opswatch_notifications_received_total', {
      channel: OUTBOX_CHANNEL,
    });
    const res = await until('a webhook to be accepted', async () => {
      const r = await webhook('after the restart');
      return r.status === 200 ? r : null;
    });
    const body = (await res.json()) as { created: number; incidents: { number: number }[] };
    expect(body.created).toBe(1);
    const list = await fetch(`${ow.url}/api/v1/incidents?status=open`, {
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    const incidents = ((await list.json()) as { items: { number: number; title: string }[] }).items;
    expect(incidents.map((i) => i.title)).toEqual(expect.arrayContaining(['after the restart']));
    expect(incidents.some((i) => i.title.startsWith('during the outage'))).toBe(false);
    await posted('after the restart');
    expect(
      await ow.metric('opswatch_notifications_received_total', { channel: OUTBOX_CHANNEL }),
    ).toBeGreaterThan(notifiedBefore);

    // One warning when it went away, one info line when it came back; no errors, no stack traces.
    expect(logged(UNREACHABLE)).toHaveLength(1);
    expect(logged(UNREACHABLE)[0]).toMatchObject({ level: 40, reason: expect.any(String) });
    expect(logged(BACK)).toHaveLength(1);
    expect(ow.logs.filter((l) => l.level >= 50)).toEqual([]);
    expect(ow.otherOutput).toEqual([]);
    expect(await ow.metric('opswatch_database_outages_total')).toBe(1);
    expect(await ow.metric('opswatch_database_up')).toBe(1);
    expect(ow.exit).toBeNull();
    expect(slack.violations).toEqual([]);
  });
});
