import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  cardinalityNotifier,
  type MinuteAggregate,
  RollupAggregator,
  RollupsJanitor,
  RollupWriter,
} from '../src/domains/rollups/index.js';
import type { MetricPoint } from '../src/domains/telemetry/index.js';
import { SLACK_DEFAULT_CHANNEL, startTestApp, type TestApp } from './harness/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ slack: true });
});
afterAll(async () => {
  await t?.close();
});

/** A seeded generator (mulberry32), so every run sees the same data. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
const latencies = (n: number, seed: number) => {
  const r = random(seed);
  return Array.from({ length: n }, () => Math.round(Math.exp(3 + r() * 1.5) * 100) / 100);
};
const point = (
  name: string,
  value: number,
  at: number,
  tags: Record<string, string> = {},
  service = 'checkout',
): MetricPoint => ({
  tenantId: t.actor.tenantId,
  service,
  name,
  tags,
  at: new Date(at),
  kind: 'value',
  value,
});
const ms = (iso: string) => Date.parse(iso);
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
/** One in-memory aggregate of everything (what a single replica would hold). */
function single(points: readonly MetricPoint[], bucket: (p: MetricPoint) => boolean): MinuteAggregate {
  const agg = new RollupAggregator();
  agg.add(points.filter(bucket).map((p) => ({ ...p, tags: {}, at: new Date(ms('2026-01-01T00:00:00Z')) })));
  const [m] = agg.drain();
  if (!m) throw new Error('nothing');
  return m;
}
const writerOf = (
  aggregator: RollupAggregator,
  limits = { warnAt: 10_000, limit: 50_000 },
  dropped?: (r: string, n: number) => void,
) =>
  new RollupWriter({
    orm: t.orm,
    clock: t.clock,
    aggregator,
    limits,
    notify: cardinalityNotifier({
      enqueue: t.services.outbox.enqueue,
      adminChannel: async () => SLACK_DEFAULT_CHANNEL,
    }),
    ...(dropped ? { dropped } : {}),
  });

describe('several replicas flushing the same minutes', () => {
  const name = 'http.server.duration';
  const values = latencies(3_000, 7);
  let all: MetricPoint[] = [];
  beforeAll(() => {
    all = values.map((v, i) =>
      point(name, v, ms('2026-03-02T09:00:00Z') + (i % 120) * 1000, {
        route: i % 3 ? '/pay' : '/cart',
        status: i % 10 ? '200' : '503',
      }),
    );
  });

  it('merge exactly into what one aggregator would say', async () => {
    const a = t.services.rollups.sink;
    if (!a) throw new Error('no aggregator');
    const b = new RollupAggregator();
    const c = new RollupAggregator();
    // Three replicas take turns and overlap: A and B flush at once (row locks), then C, then A again.
    a.add(all.slice(0, 1_000));
    b.add(all.slice(1_000, 2_000));
    await Promise.all([t.services.rollups.flush(), writerOf(b).flush()]);
    c.add(all.slice(2_000, 2_500));
    await writerOf(c).flush();
    a.add(all.slice(2_500));
    await t.services.rollups.flush();

    const got = await t.services.rollups.series(t.actor.tenantId, {
      service: 'checkout',
      name,
      from: new Date('2026-03-02T09:00:00Z'),
      to: new Date('2026-03-02T09:02:00Z'),
      step: 'minute',
    });
    expect(got.map((p) => p.bucket.toISOString())).toEqual([
      '2026-03-02T09:00:00.000Z',
      '2026-03-02T09:01:00.000Z',
    ]);
    for (const [i, p] of got.entries()) {
      const start = ms('2026-03-02T09:00:00Z') + i * 60_000;
      const inMinute = (x: MetricPoint) => x.at.getTime() >= start && x.at.getTime() < start + 60_000;
      const want = single(all, inMinute);
      const mine = all.filter(inMinute).map((x) => (x.kind === 'value' ? x.value : 0));
      expect(p.count).toBe(mine.length);
      expect(p.sum).toBeCloseTo(sum(mine), 6);
      expect([p.min, p.max]).toEqual([Math.min(...mine), Math.max(...mine)]);
      const { percentiles } = await import('../src/domains/rollups/sketch.calc.js');
      expect({ p50: p.p50, p90: p.p90, p99: p.p99 }).toEqual(percentiles(want));
    }
  });

  it('merges tag sets on read, and counts error events by a tag filter', async () => {
    const range = {
      service: 'checkout',
      name,
      from: new Date('2026-03-02T09:00:00Z'),
      to: new Date('2026-03-02T09:02:00Z'),
    };
    const pay = await t.services.rollups.totals(t.actor.tenantId, { ...range, tags: { route: '/pay' } });
    const payValues = all
      .filter((p) => p.tags.route === '/pay')
      .map((p) => (p.kind === 'value' ? p.value : 0));
    expect(pay.count).toBe(payValues.length);
    expect(pay.sum).toBeCloseTo(sum(payValues), 6);
    expect(pay.max).toBe(Math.max(...payValues));
    const counts = await t.services.rollups.counts(t.actor.tenantId, {
      ...range,
      tagFilter: [
        { key: 'status', op: 'gte', value: 500 },
        { key: 'error', op: 'eq', value: 'true' },
      ],
    });
    expect(counts).toEqual({ total: 3_000, matching: all.filter((p) => p.tags.status === '503').length });
    const everything = await t.services.rollups.totals(t.actor.tenantId, range);
    expect(everything.count).toBe(3_000);
    expect(everything.min).toBe(Math.min(...values));
  });

  it('answers over REST, with tag filters, and refuses a bad query in words', async () => {
    const q = 'metric=http.server.duration&from=2026-03-02T09:00:00Z&to=2026-03-02T10:00:00Z&step=minute';
    const res = await t.request('GET', `/api/v1/services/checkout/rollups?${q}&tag.route=/cart`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      tags: Record<string, string>;
      points: { count: number; bucket: string }[];
    };
    expect(body.tags).toEqual({ route: '/cart' });
    expect(body.points.reduce((n, p) => n + p.count, 0)).toBe(
      all.filter((p) => p.tags.route === '/cart').length,
    );
    const bad = await t.request(
      'GET',
      '/api/v1/services/checkout/rollups?metric=x&from=yesterday&to=2026-03-02T10:00:00Z',
    );
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    const long = await t.request(
      'GET',
      `/api/v1/services/checkout/rollups?metric=x&from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z`,
    );
    expect(long.status).toBe(400);
    expect(JSON.stringify(await long.json())).toContain('step=hour');
    // Without a range: the 24 hours up to now.
    const recent = await t.request('GET', '/api/v1/services/checkout/rollups?metric=x&step=hour');
    expect(recent.status).toBe(200);
    const span = (await recent.json()) as { from: string; to: string };
    expect(span.to).toBe(t.clock.now().toISOString());
    expect(Date.parse(span.to) - Date.parse(span.from)).toBe(86_400_000);
    const backwards = await t.request(
      'GET',
      '/api/v1/services/checkout/rollups?metric=x&from=2026-03-02T10:00:00Z&to=2026-03-02T09:00:00Z',
    );
    expect(backwards.status).toBe(400);
  });
});

describe('hours built from their 60 minutes', () => {
  const name = 'queue.wait';
  const values = latencies(3_600, 11);
  let pts: MetricPoint[] = [];
  beforeAll(() => {
    pts = values.map((v, i) => point(name, v, ms('2026-03-02T11:00:00Z') + i * 1000, { q: String(i % 4) }));
  });

  it('equal aggregating the hour directly, once the hour is over; running again changes nothing', async () => {
    t.clock.set('2026-03-02T12:00:30Z');
    t.services.rollups.sink?.add(pts);
    await t.services.rollups.flush();
    await t.services.rollups.rollHours(t.clock.now()); // within the grace: the 11:00 hour is not built yet
    const hourQ = {
      service: 'checkout',
      name,
      from: new Date('2026-03-02T11:00:00Z'),
      to: new Date('2026-03-02T12:00:00Z'),
      step: 'hour' as const,
    };
    expect(await t.services.rollups.series(t.actor.tenantId, hourQ)).toEqual([]);
    t.clock.set('2026-03-02T12:05:00Z');
    await t.tick();
    const [h] = await t.services.rollups.series(t.actor.tenantId, hourQ);
    const want = single(pts, () => true);
    const { percentiles } = await import('../src/domains/rollups/sketch.calc.js');
    // count, min, max exact; the sum exact up to the order floating-point additions ran in.
    expect(h).toEqual({
      bucket: new Date('2026-03-02T11:00:00Z'),
      count: 3_600,
      sum: expect.closeTo(want.sum, 6),
      min: want.min,
      max: want.max,
      ...percentiles(want),
    });
    expect(h?.sum).toBeCloseTo(sum(values), 6);
    const [tagged] = await t.services.rollups.series(t.actor.tenantId, { ...hourQ, tags: { q: '1' } });
    expect(tagged?.count).toBe(900);
    const before = await t.sql(`select * from metric_rollups where step = 'hour' order by series_id`);
    await t.services.rollups.rollHours(t.clock.now());
    expect(await t.sql(`select * from metric_rollups where step = 'hour' order by series_id`)).toEqual(
      before,
    );
  });

  it('takes a late minute into its hour again', async () => {
    t.services.rollups.sink?.add([point(name, 99_999, ms('2026-03-02T11:59:59Z'), { q: '1' })]);
    await t.services.rollups.flush();
    const [h] = await t.services.rollups.series(t.actor.tenantId, {
      service: 'checkout',
      name,
      from: new Date('2026-03-02T11:00:00Z'),
      to: new Date('2026-03-02T12:00:00Z'),
      step: 'hour',
    });
    expect([h?.count, h?.max]).toEqual([3_601, 99_999]);
  });
});

describe('cardinality', () => {
  it('warns once past the threshold and, past the limit, drops only new tag combinations', async () => {
    const dropped: number[] = [];
    const agg = new RollupAggregator();
    const w = writerOf(agg, { warnAt: 3, limit: 5 }, (reason, n) => {
      expect(reason).toBe('cardinality_limit');
      dropped.push(n);
    });
    const at = ms('2026-03-02T12:10:00Z');
    const users = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) =>
        point('signup.count', 1, at, { user: `u${from + i}` }, 'accounts'),
      );
    agg.add(users(0, 4)); // 4 tag sets: past the warning (3)
    expect(await w.flush()).toMatchObject({ newSeries: 4, dropped: 0 });
    agg.add([...users(4, 8), ...users(0, 2)]); // 4 new, only 1 fits under 5; the 2 known ones keep flowing
    expect(await w.flush()).toMatchObject({ newSeries: 1, dropped: 3 });
    agg.add([...users(8, 9), ...users(0, 1)]);
    expect(await w.flush()).toMatchObject({ newSeries: 0, dropped: 1 });
    expect(dropped).toEqual([3, 1]);
    const [tot] = [
      await t.services.rollups.totals(t.actor.tenantId, {
        service: 'accounts',
        name: 'signup.count',
        from: new Date(at),
        to: new Date(at + 60_000),
      }),
    ];
    expect(tot.count).toBe(4 + 1 + 2 + 1);
    await t.slack?.deliverOnce();
    const posts =
      t.slack?.fake.messages.filter(
        (m) => m.channel === SLACK_DEFAULT_CHANNEL && /signup\.count/.test(m.text ?? ''),
      ) ?? [];
    expect(posts.map((m) => m.text)).toEqual([
      'Metric signup.count has more than 3 tag combinations',
      'Metric signup.count reached the tag combination limit',
    ]);
  });
});

describe('the janitor', () => {
  it('purges Silver past retention in batches and keeps what is within it', async () => {
    const agg = new RollupAggregator();
    const w = writerOf(agg);
    const old = ms('2026-01-20T00:00:00Z');
    agg.add(Array.from({ length: 30 }, (_, i) => point('old.metric', i, old + i * 60_000, {}, 'legacy')));
    await w.flush();
    const janitor = new RollupsJanitor(
      t.orm,
      { bronzeDays: 7, minuteDays: 30, hourDays: 90 },
      t.services.telemetry,
    );
    const minutesBefore = await t.sql<{ n: number }>(
      `select count(*)::int as n from metric_rollups where step = 'minute'`,
    );
    const report = await janitor.run(new Date('2026-03-02T12:30:00Z'), 7);
    // 30 minutes of the old metric, each in its own series and the aggregate: 60 rows, in batches of 7.
    expect(report.minutes).toBe(60);
    expect(report.hours).toBe(0);
    expect(report.bronze?.droppedPartitions).toEqual(expect.any(Array));
    const minutesAfter = await t.sql<{ n: number }>(
      `select count(*)::int as n from metric_rollups where step = 'minute'`,
    );
    expect(minutesAfter[0]?.n).toBe((minutesBefore[0]?.n ?? 0) - 60);
    const kept = await t.services.rollups.totals(t.actor.tenantId, {
      service: 'checkout',
      name: 'http.server.duration',
      from: new Date('2026-03-02T09:00:00Z'),
      to: new Date('2026-03-02T10:00:00Z'),
    });
    expect(kept.count).toBe(3_000);
    expect((await janitor.run(new Date('2026-03-02T12:30:00Z'), 7)).minutes).toBe(0);
    // A year on, hours go too, and the series left without rows.
    const later = await janitor.run(new Date('2027-03-02T12:30:00Z'));
    expect(later.hours).toBeGreaterThan(0);
    expect(later.series).toBeGreaterThan(0);
  });
});
