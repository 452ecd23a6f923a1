/**
 * Silver read benchmark: the 30-day hourly rollup query for one service's metric, on a real PostgreSQL seeded with
 * 30 days × 24 hours of hour rollups for several services (each metric with many tag sets plus its aggregate
 * series), every row carrying a real DDSketch (protobuf bytes of ~1,000 latencies). Measures, through
 * RollupsService as the REST API and the SLA engine call it:
 *   - `series` step=hour over 30 days, no tag filter (the aggregate series: 720 rows, stored percentiles);
 *   - `series` step=hour over 30 days with a tag filter matching several tag sets (sketches merged per bucket);
 *   - `totals` over 30 days (720 sketches merged into one: an SLA window's p99).
 * Prints p50/p99 per query (median of BENCH_RUNS runs), the rows seeded and the machine's load (`uptime`).
 *
 *   npx tsx bench/rollups.ts   (TEST_DATABASE_URL or BENCH_ADMIN_URL: the server; BENCH_SERVICES (6),
 *                               BENCH_METRICS (2), BENCH_TAGSETS per metric (40), BENCH_QUERIES (50), BENCH_RUNS (3))
 *
 * Goal: the 30-day hourly query for one service p99 < 50 ms.
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createServices } from '../src/app/services.js';
import { migrate, openOrm } from '../src/db/orm.js';
import { RollupAggregator } from '../src/domains/rollups/index.js';
import { systemClock } from '../src/shared/clock.js';
import { benchDatabase, DEFAULT_ADMIN_URL } from './lib/database.js';
import { cleanups, runBench } from './lib/run.js';
import { fmtMs, percentile, table } from './lib/stats.js';

const num = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return process.env[name] && Number.isFinite(v) && v > 0 ? Math.round(v) : fallback;
};
const SERVICES = num('BENCH_SERVICES', 6);
const METRICS = num('BENCH_METRICS', 2);
const TAGSETS = num('BENCH_TAGSETS', 40);
const QUERIES = num('BENCH_QUERIES', 50);
const RUNS = num('BENCH_RUNS', 3);
const HOURS = 30 * 24;
const END = Date.parse('2026-12-01T00:00:00Z');
const FROM = new Date(END - HOURS * 3_600_000);

/** A real sketch of ~1,000 latencies (10–400 ms), as protobuf bytes, with its summary. */
function sampleSketch() {
  const agg = new RollupAggregator();
  let seed = 7;
  const rnd = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  agg.add(
    Array.from({ length: 1_000 }, () => ({
      tenantId: 't',
      service: 's',
      name: 'm',
      tags: {},
      at: new Date(END),
      kind: 'value' as const,
      value: Math.round(Math.exp(Math.log(10) + rnd() * Math.log(40)) * 100) / 100,
    })),
  );
  const [m] = agg.drain();
  if (!m) throw new Error('no sample');
  return { bytes: Buffer.from(m.sketch.toProto()), count: m.count, sum: m.sum, min: m.min, max: m.max };
}

async function seed(url: string, tenantId: string): Promise<number> {
  const s = sampleSketch();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Series: per service and metric, TAGSETS tag sets (route × status) and the aggregate one.
    await client.query(
      `insert into metric_series (tenant_id, service, name, tags, series_hash, all_tags, created_at)
       select $1::uuid, 'svc-' || sv, 'metric.' || m,
              case when t = 0 then '{}'::jsonb
                   else jsonb_build_object('route', '/r' || (t % 10), 'status', (array['200','404','500','503'])[1 + t % 4], 'shard', t::text) end,
              case when t = 0 then '*' else md5(t::text) end, t = 0, now()
       from generate_series(1, $2::int) sv, generate_series(1, $3::int) m, generate_series(0, $4::int) t`,
      [tenantId, SERVICES, METRICS, TAGSETS],
    );
    const res = await client.query(
      `insert into metric_rollups (series_id, step, bucket, tenant_id, service, name, tags, all_tags, count, sum, min,
         max, p50, p90, p99, sketch, updated_at)
       select s.id, 'hour', $2::timestamptz + make_interval(hours => h), s.tenant_id, s.service, s.name, s.tags,
              s.all_tags, $3::bigint, $4::float8, $5::float8, $6::float8, 60, 200, 380, $7::bytea, now()
       from metric_series s, generate_series(0, $8::int - 1) h where s.tenant_id = $1::uuid`,
      [tenantId, FROM, s.count, s.sum, s.min, s.max, s.bytes, HOURS],
    );
    await client.query('insert into metric_rollup_progress (id, hours_done_until) values (1, $1)', [
      new Date(END),
    ]);
    await client.query('analyze metric_series; analyze metric_rollups');
    return res.rowCount ?? 0;
  } finally {
    await client.end();
  }
}

async function time(fn: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < 3; i++) await fn(); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < QUERIES; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return { p50: percentile(ms, 0.5), p99: percentile(ms, 0.99) };
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

await runBench(async () => {
  const adminUrl = process.env.BENCH_ADMIN_URL ?? process.env.TEST_DATABASE_URL ?? DEFAULT_ADMIN_URL;
  const db = await benchDatabase(adminUrl, process.env.BENCH_DATABASE_URL);
  cleanups.push(() => db.drop());
  const orm = await openOrm({ url: db.url, poolMax: 4 });
  cleanups.push(() => orm.close(true));
  await migrate(orm);
  const services = createServices(orm, systemClock);
  const { tenant } = await services.tenants.bootstrap('bench-key-0123456789abcdef');
  const t0 = performance.now();
  const rows = await seed(db.url, tenant.id);
  console.log(
    `seeded ${rows.toLocaleString('en-US')} hour rows (${SERVICES} services × ${METRICS} metrics × ${TAGSETS} tag sets + aggregates × 720 hours) in ${fmtMs(performance.now() - t0)}`,
  );
  const q = { service: 'svc-1', name: 'metric.1', from: FROM, to: new Date(END), step: 'hour' as const };
  const check = await services.rollups.series(tenant.id, q);
  if (check.length !== HOURS) throw new Error(`expected ${HOURS} buckets, got ${check.length}`);
  const cases: [string, () => Promise<unknown>][] = [
    ['series, 30 d hourly, one service (aggregate)', () => services.rollups.series(tenant.id, q)],
    [
      `series, 30 d hourly, tag status=500 (${Math.round(TAGSETS / 4)} tag sets merged)`,
      () => services.rollups.series(tenant.id, { ...q, tags: { status: '500' } }),
    ],
    ['totals, 30 d (720 sketches merged)', () => services.rollups.totals(tenant.id, q)],
  ];
  const results = new Map<string, { p50: number[]; p99: number[] }>();
  for (let run = 0; run < RUNS; run++)
    for (const [name, fn] of cases) {
      const r = await time(fn);
      const acc = results.get(name) ?? { p50: [], p99: [] };
      acc.p50.push(r.p50);
      acc.p99.push(r.p99);
      results.set(name, acc);
    }
  console.log(
    table(
      ['query', 'p50 (median)', 'p99 (median)', 'goal'],
      [...results.entries()].map(([name, r], i) => [
        name,
        fmtMs(median(r.p50)),
        fmtMs(median(r.p99)),
        i === 0 ? `p99 < 50 ms: ${median(r.p99) < 50 ? 'met' : 'NOT met'}` : '',
      ]),
    ),
  );
  console.log(
    `${RUNS} runs × ${QUERIES} queries each; load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  console.log(`uptime: ${execFileSync('uptime').toString().trim()}`);
});
