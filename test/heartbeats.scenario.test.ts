import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { applyConfig } from '../src/cli/apply.js';
import type { HeartbeatDto } from '../src/domains/heartbeats/index.js';
import { SLACK_DEFAULT_CHANNEL, startTestApp, type TestApp, type TestSlack } from './harness/app.js';

let t: TestApp;
let s: TestSlack;
beforeAll(async () => {
  t = await startTestApp({ slack: true });
  if (!t.slack) throw new Error('no slack');
  s = t.slack;
  s.fake.addUser({
    id: 'U0ALICE',
    real_name: 'Alice Smith',
    email: 'alice@example.com',
    tz: 'Europe/London',
  });
});
afterAll(async () => {
  await t?.close();
});

const at = (iso: string) => t.clock.set(iso);
/** A ping the way a script sends one: no API key, the token in the path. */
const ping = (url: string | null, method = 'POST', body?: string) =>
  fetch(`${t.url}${new URL(url ?? '').pathname}`, { method, ...(body ? { body } : {}) });
/** `/heartbeat …` as Alice types it; its ephemeral answer as JSON text. */
async function heartbeatCommand(text: string): Promise<string> {
  const before = s.fake.responseUrlPosts.length;
  const res = await s.driver.slashCommand('/heartbeat', text, { user: 'U0ALICE' });
  expect(res.status).toBe(200);
  await s.idle();
  expect(s.fake.responseUrlPosts.length).toBe(before + 1);
  return JSON.stringify(s.fake.responseUrlPosts.at(-1)?.body ?? null);
}
const cards = () => s.fake.messages.filter((m) => m.channel === SLACK_DEFAULT_CHANNEL && !m.thread_ts);

interface IncidentRow {
  id: string;
  number: number;
  status: string;
  source: string;
  title: string;
}
const heartbeatIncidents = () =>
  t.sql<IncidentRow>(
    `select id, number, status, source, title from incidents where source = 'heartbeat' order by number`,
  );

describe('a heartbeat that misses opens an incident, and its next ping resolves it', () => {
  let hb: HeartbeatDto;

  it('creates a monitor over REST, with its ping URL', async () => {
    at('2026-03-02T09:00:00Z');
    const res = await t.request('POST', '/api/v1/heartbeats', {
      name: 'nightly-backup',
      service: 'billing-db',
      interval: '1h',
      grace: '10m',
      severity: 'P2',
    });
    expect(res.status).toBe(201);
    hb = (await res.json()) as HeartbeatDto;
    expect(hb).toMatchObject({
      name: 'nightly-backup',
      service: 'billing-db',
      intervalSeconds: 3600,
      graceSeconds: 600,
      status: 'up',
      lastPingAt: null,
      nextDueAt: '2026-03-02T10:00:00.000Z',
      downAt: '2026-03-02T10:10:00.000Z',
    });
    expect(hb.pingUrl).toMatch(/\/api\/v1\/heartbeats\/hb_[A-Za-z0-9_-]+$/);
  });

  it('refuses a bad monitor with the fields at fault, and a second one of the same name', async () => {
    const bad = await t.request('POST', '/api/v1/heartbeats', { name: 'x', service: 's', interval: '10s' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(((await bad.json()) as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual([
      'interval',
    ]);
    const again = await t.request('POST', '/api/v1/heartbeats', {
      name: 'nightly-backup',
      service: 'x',
      interval: '5m',
    });
    expect(again.status).toBe(409);
  });

  it('takes pings by POST (any body) and GET, without an API key; an unknown token is a 404', async () => {
    at('2026-03-02T09:30:00Z');
    const post = await ping(hb.pingUrl, 'POST', '{"receiver":"watchdog","status":"firing","alerts":[]}');
    expect(post.status).toBe(200);
    expect(await post.json()).toEqual({
      status: 'ok',
      heartbeat: 'nightly-backup',
      recovered: false,
      nextDueAt: '2026-03-02T10:30:00.000Z',
    });
    at('2026-03-02T10:00:00Z');
    expect((await ping(hb.pingUrl, 'GET')).status).toBe(200);
    const unknown = await ping(`${t.url}/api/v1/heartbeats/hb_nosuchtoken0000000000`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
    expect(((await unknown.json()) as { detail: string }).detail).toContain('No heartbeat has this ping URL');
    const got = (await (await t.request('GET', `/api/v1/heartbeats/${hb.id}`)).json()) as HeartbeatDto;
    expect(got).toMatchObject({ status: 'up', pings: 2, lastPingAt: '2026-03-02T10:00:00.000Z' });
  });

  it('is late past its interval, and still no incident within the grace period', async () => {
    at('2026-03-02T11:05:00Z');
    await t.tick();
    const got = (await (await t.request('GET', `/api/v1/heartbeats/${hb.id}`)).json()) as HeartbeatDto;
    expect(got.status).toBe('late');
    expect(await heartbeatIncidents()).toEqual([]);
  });

  it('past interval + grace, three workers tick at once and one incident opens, its card posted', async () => {
    at('2026-03-02T11:10:00Z');
    s.fake.reset();
    await Promise.all([t.tick(), t.tick(), t.engine.tick(t.clock.now())]);
    await t.tick();
    const incidents = await heartbeatIncidents();
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ status: 'triggered', title: 'Heartbeat missed: nightly-backup' });
    await s.deliverOnce();
    expect(cards()).toHaveLength(1);
    expect(JSON.stringify(cards()[0])).toContain('Heartbeat missed: nightly-backup');
    const got = (await (await t.request('GET', `/api/v1/heartbeats/${hb.id}`)).json()) as HeartbeatDto;
    expect(got).toMatchObject({ status: 'down', downSince: '2026-03-02T11:10:00.000Z' });
    const listed = await heartbeatCommand('list');
    expect(listed).toContain('Heartbeats (1)');
    expect(listed).toContain(':red_circle: *nightly-backup* · Down · billing-db');
    expect(listed).toContain('the next ping resolves its incident');
    expect(listed).not.toContain(hb.token);
    // It stays one incident while it stays down.
    at('2026-03-02T13:00:00Z');
    await t.tick();
    expect(await heartbeatIncidents()).toHaveLength(1);
  });

  it('the next ping resolves the incident by itself', async () => {
    at('2026-03-02T13:05:00Z');
    const res = await ping(hb.pingUrl);
    expect(await res.json()).toMatchObject({ recovered: true, nextDueAt: '2026-03-02T14:05:00.000Z' });
    const [inc] = await heartbeatIncidents();
    expect(inc?.status).toBe('resolved');
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toContain('opswatch_heartbeat_pings_total{outcome="ok"} 2');
    expect(metrics).toContain('opswatch_heartbeat_pings_total{outcome="recovered"} 1');
    expect(metrics).toContain('opswatch_heartbeat_pings_total{outcome="unknown"} 1');
    const detail = (await (await t.request('GET', `/api/v1/incidents/${inc!.number}`)).json()) as {
      timeline: { kind: string }[];
    };
    expect(detail.timeline.map((e) => e.kind)).toEqual(expect.arrayContaining(['created', 'resolved']));
    await s.deliverOnce();
    const got = (await (await t.request('GET', `/api/v1/heartbeats/${hb.id}`)).json()) as HeartbeatDto;
    expect(got).toMatchObject({ status: 'up', downSince: null });
    expect(await heartbeatCommand('')).toContain(':large_green_circle: *nightly-backup* · Up');
    expect(await heartbeatCommand('help')).toContain('/heartbeat list');
  });

  it('a second outage is a new incident', async () => {
    at('2026-03-02T14:15:00Z');
    await t.tick();
    const incidents = await heartbeatIncidents();
    expect(incidents.map((i) => i.status)).toEqual(['resolved', 'triggered']);
    // Pausing a monitor that is down resolves it too, and a paused monitor is not watched.
    const paused = await t.request('PATCH', `/api/v1/heartbeats/${hb.id}`, { paused: true });
    expect(((await paused.json()) as HeartbeatDto).status).toBe('paused');
    expect((await heartbeatIncidents()).map((i) => i.status)).toEqual(['resolved', 'resolved']);
    at('2026-03-03T14:15:00Z');
    await t.tick();
    expect(await heartbeatIncidents()).toHaveLength(2);
  });

  it('lists, changes and deletes monitors; a read key only reads', async () => {
    const list = (await (await t.request('GET', '/api/v1/heartbeats')).json()) as { items: HeartbeatDto[] };
    expect(list.items.map((h) => h.name)).toEqual(['nightly-backup']);
    const changed = await t.request('PATCH', `/api/v1/heartbeats/${hb.id}`, {
      interval: '2h',
      paused: false,
    });
    expect(changed.status).toBe(200);
    expect((await changed.json()) as HeartbeatDto).toMatchObject({ intervalSeconds: 7200, status: 'down' });
    expect((await t.request('PATCH', `/api/v1/heartbeats/${hb.id}`, {})).status).toBe(400);
    const made = await t.request('POST', '/api/v1/api-keys', { name: 'dashboards', scopes: ['read'] });
    const { key } = (await made.json()) as { key: string };
    const asReader = { authorization: `Bearer ${key}` };
    const read = await t.request('GET', '/api/v1/heartbeats', undefined, asReader);
    expect(read.status).toBe(200);
    // A reader sees each monitor's state, not its ping URL (which would let it keep a monitor alive).
    expect((await read.json()) as { items: HeartbeatDto[] }).toMatchObject({
      items: [{ name: 'nightly-backup', status: 'down', pingUrl: null, token: null }],
    });
    const refused = await t.request('DELETE', `/api/v1/heartbeats/${hb.id}`, undefined, asReader);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { detail: string }).detail).toContain('needs the write scope');
    expect((await t.request('DELETE', `/api/v1/heartbeats/${hb.id}`)).status).toBe(204);
    expect((await t.request('GET', `/api/v1/heartbeats/${hb.id}`)).status).toBe(404);
    expect((await ping(hb.pingUrl)).status).toBe(404);
  });
});

describe('heartbeats as code', () => {
  const yaml = `
heartbeats:
  - name: alertmanager-watchdog
    service: monitoring
    interval: 5m
    grace: 2m
    severity: P1
    description: Prometheus' Watchdog alert, routed by Alertmanager to this monitor's ping URL.
  - name: hourly-etl
    service: data
    interval: 1h
`;

  it('opswatch apply creates monitors (printing their ping URLs), and applying again changes nothing', async () => {
    const first = await applyConfig(t.services, t.actor, [{ name: 'heartbeats.yaml', text: yaml }]);
    expect(first.problems).toEqual([]);
    expect(first.changes).toEqual([
      expect.stringMatching(
        /^heartbeat "alertmanager-watchdog": created \(ping URL http.*\/api\/v1\/heartbeats\/hb_/,
      ),
      expect.stringMatching(/^heartbeat "hourly-etl": created \(ping URL /),
    ]);
    const again = await applyConfig(t.services, t.actor, yaml);
    expect(again.changes).toEqual([
      'heartbeat "alertmanager-watchdog": unchanged',
      'heartbeat "hourly-etl": unchanged',
    ]);
    const changed = await applyConfig(t.services, t.actor, yaml.replace('interval: 1h', 'interval: 2h'));
    expect(changed.changes).toEqual([
      'heartbeat "alertmanager-watchdog": unchanged',
      'heartbeat "hourly-etl": updated',
    ]);
    const list = (await (await t.request('GET', '/api/v1/heartbeats')).json()) as { items: HeartbeatDto[] };
    expect(list.items.find((h) => h.name === 'alertmanager-watchdog')).toMatchObject({
      intervalSeconds: 300,
      graceSeconds: 120,
      severity: 1,
    });
  });

  it('refuses a bad monitor or a name given twice, naming where, and writes nothing', async () => {
    const bad = await applyConfig(t.services, t.actor, [
      {
        name: 'bad.yaml',
        text: 'heartbeats:\n  - {name: a, service: s, interval: soon}\n  - {name: a, service: s, interval: 1h}\n',
      },
    ]);
    expect(bad.ok).toBe(false);
    expect(bad.problems).toEqual([
      'bad.yaml: heartbeats[0].interval: interval must be a duration such as 90s, 5m, 1h30m or 1d.',
    ]);
    const twice = await applyConfig(t.services, t.actor, [
      {
        name: 'twice.yaml',
        text: 'heartbeats:\n  - {name: a, service: s, interval: 1h}\n  - {name: a, service: s, interval: 2h}\n',
      },
    ]);
    expect(twice.problems).toEqual([
      'twice.yaml: heartbeats[1].name: the heartbeat "a" is also defined at twice.yaml: heartbeats[0]',
    ]);
  });
});
