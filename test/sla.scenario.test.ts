import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SlaDto, SnapshotDto } from '../src/domains/sla/index.js';
import { startTestApp, type TestApp } from './harness/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

const at = (iso: string) => t.clock.set(iso);
const alert = (status: 'firing' | 'resolved') =>
  t.request('POST', '/api/v1/webhooks/generic', {
    title: 'Checkout 5xx',
    dedup_key: 'checkout-5xx',
    service: 'checkout',
    severity: 'critical',
    status,
  });
const snapshots = async (id: string, from: string, to: string) => {
  const res = await t.request('GET', `/api/v1/slas/${id}/snapshots?from=${from}&to=${to}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: SnapshotDto[] }).items;
};

describe('SLA definitions, the nightly snapshots and their backfill', () => {
  let v1: SlaDto;

  it('defines an uptime SLA over REST; a bad one is refused with the fields at fault', async () => {
    at('2026-11-26T15:00:00Z');
    const bad = await t.request('POST', '/api/v1/slas', {
      service: 'checkout',
      metric: 'LATENCY_P99',
      target: 100,
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    const problem = JSON.stringify(await bad.json());
    expect(problem).toContain('thresholdMs');
    expect(problem).toContain('target');
    const res = await t.request('POST', '/api/v1/slas', {
      service: 'checkout',
      metric: 'UPTIME',
      target: 99.9,
      window: '30d',
      activeFrom: '2026-11-27T00:00:00Z',
    });
    expect(res.status).toBe(201);
    v1 = (await res.json()) as SlaDto;
    expect(v1).toMatchObject({
      version: 1,
      service: 'checkout',
      metric: 'UPTIME',
      target: 99.9,
      metricName: 'http.server.duration',
      errorFilter: { status: '>=500', error: 'true' },
      activeFrom: '2026-11-27T00:00:00.000Z',
      activeTo: null,
    });
  });

  it('an incident on the service is downtime, less the maintenance minutes that overlap it', async () => {
    at('2026-11-27T12:00:00Z');
    const mw = await t.request('POST', '/api/v1/maintenance-windows', {
      service: 'checkout',
      name: 'DB failover drill',
      timeZone: 'UTC',
      rule: { kind: 'once', startsAt: '2026-11-28T10:30:00Z', endsAt: '2026-11-28T10:45:00Z' },
    });
    expect(mw.status).toBe(201);
    at('2026-11-28T10:00:00Z');
    expect((await alert('firing')).status).toBe(200);
    at('2026-11-28T11:00:00Z');
    expect((await alert('resolved')).status).toBe(200);
    const [inc] = await t.sql<{ status: string }>(`select status from incidents where service = 'checkout'`);
    expect(inc?.status).toBe('resolved');
  });

  it('at 00:00 UTC the engine snapshots every day the version owes: 27 and 28 November', async () => {
    at('2026-11-28T23:59:00Z');
    await t.tick();
    expect(await snapshots(v1.id, '2026-11-01', '2026-12-31')).toHaveLength(1); // only the 27th is over
    at('2026-11-29T00:00:05Z');
    await t.tick();
    const days = await snapshots(v1.id, '2026-11-01', '2026-12-31');
    expect(days.map((d) => d.day)).toEqual(['2026-11-27', '2026-11-28']);
    expect(days[0]).toMatchObject({
      uptimePct: 100,
      downtimeMinutes: 0,
      breachCount: 0,
      definitionVersion: 1,
    });
    // 60 minutes down, 15 of them in maintenance: 45 minutes of downtime out of 1425 outside maintenance.
    expect(days[1]).toMatchObject({
      downtimeMinutes: 45,
      maintenanceMinutes: 15,
      breachCount: 1,
      uptimePct: Math.round((100 * 1380 * 1e4) / 1425) / 1e4,
    });
    expect(days[1]?.budgetBurn).toBeCloseTo((100 - days[1]!.uptimePct) / 0.1, 3);
    expect(days[1]?.evidence.incidents).toHaveLength(1);
    expect(days[1]?.evidence.incidents[0]).toMatchObject({
      from: '2026-11-28T10:00:00.000Z',
      to: '2026-11-28T11:00:00.000Z',
    });
  });

  it('after three days of downtime, the first run backfills every missed day, each with its audit entry', async () => {
    at('2026-12-02T00:03:00Z');
    const report = await t.services.slaSnapshots.run(t.clock.now());
    expect(report).toEqual({ snapshots: 3, behind: 0 });
    const days = await snapshots(v1.id, '2026-11-01', '2026-12-31');
    expect(days.map((d) => d.day)).toEqual([
      '2026-11-27',
      '2026-11-28',
      '2026-11-29',
      '2026-11-30',
      '2026-12-01',
    ]);
    const audit = await t.sql<{ data: { summary: string } }>(
      `select data from audit_events where action = 'sla.snapshot' order by created_at, data->>'day'`,
    );
    expect(audit.map((a) => a.data.summary)).toEqual([
      'Snapshot for checkout 2026-11-27: 100%',
      'Snapshot for checkout 2026-11-28: 96.842%',
      'Snapshot for checkout 2026-11-29: 100%',
      'Snapshot for checkout 2026-11-30: 100%',
      'Snapshot for checkout 2026-12-01: 100%',
    ]);
  });

  it('is idempotent: three replicas running at once store nothing more', async () => {
    const now = t.clock.now();
    const runs = await Promise.all([1, 2, 3].map(() => t.services.slaSnapshots.run(now)));
    expect(runs.map((r) => r.snapshots)).toEqual([0, 0, 0]);
    const [n] = await t.sql<{ n: string }>(`select count(*) as n from sla_snapshots`);
    expect(Number(n?.n)).toBe(5);
  });

  it('a long backfill is bounded per run and goes on at the next', async () => {
    at('2026-12-08T00:01:00Z');
    const first = await t.services.slaSnapshots.run(t.clock.now(), { definitions: 10, days: 4 });
    expect(first).toEqual({ snapshots: 4, behind: 1 });
    const second = await t.services.slaSnapshots.run(t.clock.now(), { definitions: 10, days: 4 });
    expect(second).toEqual({ snapshots: 2, behind: 0 });
    const days = await snapshots(v1.id, '2026-12-01', '2026-12-31');
    expect(days.map((d) => d.day)).toEqual([
      '2026-12-01',
      '2026-12-02',
      '2026-12-03',
      '2026-12-04',
      '2026-12-05',
      '2026-12-06',
      '2026-12-07',
    ]);
  });

  it('a change is a new version: the old one is closed, and days from the new start are the new version’s', async () => {
    at('2026-12-08T09:00:00Z');
    const early = await t.request('POST', '/api/v1/slas', {
      service: 'checkout',
      metric: 'UPTIME',
      target: 99.5,
      activeFrom: '2026-11-01T00:00:00Z',
    });
    expect(early.status).toBe(409);
    const res = await t.request('POST', '/api/v1/slas', {
      service: 'checkout',
      metric: 'UPTIME',
      target: 99.5,
      activeFrom: '2026-12-09T00:00:00Z',
    });
    expect(res.status).toBe(200);
    const v2 = (await res.json()) as SlaDto;
    expect(v2).toMatchObject({ key: v1.key, version: 2, target: 99.5, activeTo: null });
    const all = (await (await t.request('GET', '/api/v1/slas?all=true')).json()) as { items: SlaDto[] };
    expect(all.items.map((s) => [s.version, s.activeTo])).toEqual([
      [1, '2026-12-09T00:00:00.000Z'],
      [2, null],
    ]);
    const current = (await (await t.request('GET', '/api/v1/slas')).json()) as { items: SlaDto[] };
    expect(current.items.map((s) => s.version)).toEqual([2]);
    expect(current.items[0]?.status).toMatchObject({ lastSnapshot: '2026-12-07', trend: expect.any(String) });

    at('2026-12-10T00:00:30Z');
    await t.tick();
    const days = await snapshots(v2.id, '2026-12-07', '2026-12-09');
    expect(days.map((d) => [d.day, d.definitionVersion])).toEqual([
      ['2026-12-07', 1],
      ['2026-12-08', 1],
      ['2026-12-09', 2],
    ]);
    // Version 1 owes nothing after its end.
    expect(await t.services.slaSnapshots.run(t.clock.now())).toEqual({ snapshots: 0, behind: 0 });
  });

  it('snapshots are immutable: the database refuses UPDATE and DELETE', async () => {
    await expect(t.sql(`update sla_snapshots set uptime_pct = 100`)).rejects.toThrow(
      /immutable: UPDATE refused/,
    );
    await expect(t.sql(`delete from sla_snapshots`)).rejects.toThrow(/immutable: DELETE refused/);
    const [n] = await t.sql<{ n: string }>(`select count(*) as n from sla_snapshots where uptime_pct < 100`);
    expect(Number(n?.n)).toBe(1);
  });

  it('an unknown SLA is a 404; a bad range a 400', async () => {
    const missing = await t.request('GET', '/api/v1/slas/00000000-0000-4000-8000-000000000000/snapshots');
    expect(missing.status).toBe(404);
    const bad = await t.request('GET', `/api/v1/slas/${v1.id}/snapshots?from=2026-12-09&to=2026-12-01`);
    expect(bad.status).toBe(400);
  });
});
