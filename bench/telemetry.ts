/**
 * Telemetry ingestion benchmark: OTLP/HTTP protobuf batches of 1,000 log records and of 1,000 metric data points
 * from several concurrent senders against OpsWatch (`--role http`, as `npm start` runs it) on a real PostgreSQL
 * (a fresh database on BENCH_ADMIN_URL / TEST_DATABASE_URL, default the machine's server), with PostgreSQL's own
 * `COPY` of the same Bronze rows in the same run as the ceiling.
 *
 *   npx tsx bench/telemetry.ts     (BENCH_RUNS, BENCH_SENDERS, BENCH_REQUESTS, BENCH_ERROR_SHARE: see bench/README.md)
 *
 * Phases (each BENCH_RUNS times, the median run reported):
 * - logs: 1,000 records a request, BENCH_ERROR_SHARE of them ERROR (to Bronze, redacted, group-committed), the
 *   rest INFO (routed, not stored);
 * - logs-all-errors: every record ERROR, so every record is a Bronze row;
 * - metrics: 1,000 data points a request (gauges, sums, histograms) to the metric sink.
 * The ceiling: `COPY log_entries FROM` a file of as many Bronze rows as logs-all-errors wrote, by PostgreSQL itself.
 */
import { execSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { encodeRequest } from '../src/domains/telemetry/index.js';
import { backendPids, benchDatabase, DEFAULT_ADMIN_URL } from './lib/database.js';
import { closedLoop, openLoop, type RunResult, type Shot, type Target } from './lib/load.js';
import { type CpuUse, cpuWindow, procMemory } from './lib/procs.js';
import { cleanups, runBench } from './lib/run.js';
import { buildBundle, startOpsWatch } from './lib/servers.js';
import { fmtInt, fmtMs, fmtRatio, medianBy, percentile, table } from './lib/stats.js';

const num = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return process.env[name] && Number.isFinite(v) && v > 0 ? v : fallback;
};
const RUNS = Math.round(num('BENCH_RUNS', 3));
const SENDERS = Math.round(num('BENCH_SENDERS', 8));
const REQUESTS = Math.round(num('BENCH_REQUESTS', 200));
const ERROR_SHARE = Math.min(1, num('BENCH_ERROR_SHARE', 0.1));
const PER_REQUEST = 1000;
const GOALS = { eventsPerSecond: 50_000, p99Ms: 100 };
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const service = { key: 'service.name', value: { stringValue: 'checkout' } };
const nanos = () => `${Date.now()}000000`;

function logShot(i: number, errorShare: number): Shot {
  const errors = Math.round(PER_REQUEST * errorShare);
  const logRecords = Array.from({ length: PER_REQUEST }, (_, j) => ({
    timeUnixNano: nanos(),
    severityNumber: j < errors ? 17 : 9,
    severityText: j < errors ? 'ERROR' : 'INFO',
    body: {
      stringValue: `GET /api/orders/${i * PER_REQUEST + j} failed for user${j}@example.com from 10.0.${j % 256}.7`,
    },
    attributes: [
      { key: 'http.route', value: { stringValue: '/api/orders/:id' } },
      { key: 'enduser.id', value: { stringValue: `user-${j}` } },
      { key: 'attempt', value: { intValue: String(j % 3) } },
    ],
    traceId: randomBytes(16),
    spanId: randomBytes(8),
  }));
  const body = encodeRequest('logs', {
    resourceLogs: [{ resource: { attributes: [service] }, scopeLogs: [{ logRecords }] }],
  });
  return { body: Buffer.from(body), alerts: PER_REQUEST };
}

function metricShot(i: number): Shot {
  const at = nanos();
  const metrics = Array.from({ length: PER_REQUEST / 10 }, (_, m) => {
    const dataPoints = Array.from({ length: 10 }, (_, d) => ({
      attributes: [{ key: 'route', value: { stringValue: `/r${d}` } }],
      timeUnixNano: at,
      ...(m % 3 === 2
        ? {
            count: 10,
            sum: 123.5,
            min: 1,
            max: 50,
            explicitBounds: [5, 10, 25, 50],
            bucketCounts: [2, 3, 3, 2, 0],
          }
        : { asDouble: i + d }),
    }));
    const name = `bench.metric.${m}`;
    if (m % 3 === 0) return { name, gauge: { dataPoints } };
    if (m % 3 === 1) return { name, sum: { dataPoints, aggregationTemporality: 1, isMonotonic: true } };
    return { name, histogram: { dataPoints, aggregationTemporality: 1 } };
  });
  const body = encodeRequest('metrics', {
    resourceMetrics: [{ resource: { attributes: [service] }, scopeMetrics: [{ metrics }] }],
  });
  return { body: Buffer.from(body), alerts: PER_REQUEST };
}

async function copyCeiling(url: string, rows: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'ow-telemetry-copy-'));
  chmodSync(dir, 0o755);
  const file = join(dir, 'rows.tsv');
  const tenant = await withClient(
    url,
    async (c) => (await c.query<{ id: string }>('select id from tenants limit 1')).rows[0]?.id,
  );
  const now = new Date().toISOString();
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    lines.push(
      [
        tenant,
        now,
        'copy-ceiling',
        'ERROR',
        17,
        `GET /api/orders/${i} failed for <email> from <ipv4>`,
        '{"http.route":"/api/orders/:id","attempt":1}',
        randomBytes(16).toString('hex'),
        randomBytes(8).toString('hex'),
        randomBytes(32).toString('hex'),
      ].join('\t'),
    );
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  chmodSync(file, 0o644);
  try {
    return await withClient(url, async (c) => {
      const t0 = performance.now();
      await c.query(
        `copy log_entries (tenant_id, time, service, level, severity, message, context, trace_id, span_id, user_hash) from '${file}'`,
      );
      return rows / ((performance.now() - t0) / 1000);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

const bronzeCount = (url: string) =>
  withClient(url, async (c) =>
    Number((await c.query<{ n: string }>('select count(*) as n from log_entries')).rows[0]?.n),
  );

/** The longest event-loop stall of OpsWatch since the last scrape (prom-client resets its histogram on each). */
async function loopMaxMs(port: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  const m = /^opswatch_nodejs_eventloop_lag_max_seconds (\S+)/m.exec(await res.text());
  return m?.[1] ? Number(m[1]) * 1000 : Number.NaN;
}

interface Figures {
  phase: string;
  eventsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  /** CPU ms per 1,000 events answered: OpsWatch's and its PostgreSQL backends'. */
  cpuServer: number;
  cpuPostgres: number;
  /** OpsWatch's longest event-loop stall during the phase (ms). */
  loopMax: number;
}
const figures = (phase: string, r: RunResult, cpu: CpuUse, loopMax: number): Figures => ({
  phase,
  eventsPerSecond: r.alerts / r.seconds,
  p50: percentile(r.latencies, 0.5),
  p99: percentile(r.latencies, 0.99),
  errors: r.errors,
  cpuServer: (cpu.server * 1e6) / Math.max(1, r.alerts),
  cpuPostgres: (cpu.postgres * 1e6) / Math.max(1, r.alerts),
  loopMax,
});
const cpuText = (f: Figures) =>
  `CPU/1k events ${f.cpuServer.toFixed(1)} ms OpsWatch + ${f.cpuPostgres.toFixed(1)} ms PostgreSQL, loop stall max ${fmtMs(f.loopMax)}`;

await runBench(async () => {
  const load = () => execSync('uptime').toString().trim();
  console.log(
    `telemetry bench: ${RUNS} runs × ${REQUESTS} requests of ${PER_REQUEST}, ${SENDERS} senders; ${load()}`,
  );
  const db = await benchDatabase(
    process.env.BENCH_ADMIN_URL ?? process.env.TEST_DATABASE_URL ?? DEFAULT_ADMIN_URL,
    process.env.BENCH_DATABASE_URL,
  );
  cleanups.push(() => db.drop());
  buildBundle(root);
  const apiKey = `ow_bench_${randomBytes(16).toString('hex')}`;
  const ow = await startOpsWatch({
    root,
    databaseUrl: db.url,
    apiKey,
    env: { TELEMETRY_HASH_SECRET: 'bench-secret-0123456789' },
    nodeArgs: (process.env.BENCH_OPSWATCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean),
  });
  const dbName = db.createdName ?? new URL(db.url).pathname.slice(1);
  const measure = async () => {
    await loopMaxMs(ow.port);
    const cpu = await cpuWindow(ow.child.pid, () => backendPids(db.url, dbName));
    return async () => {
      const used = await cpu.stop();
      return { used, loop: await loopMaxMs(ow.port) };
    };
  };
  cleanups.push(() => ow.stop());
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/x-protobuf' };
  const logs: Target = { port: ow.port, path: '/v1/logs', headers };
  const metrics: Target = { port: ow.port, path: '/v1/metrics', headers };
  // Warm-up (creates today's partition, JIT).
  await closedLoop(
    logs,
    Array.from({ length: 20 }, (_, i) => logShot(i, 1)),
    SENDERS,
    30,
  );
  const results: Figures[] = [];
  const phases: [string, Target, (i: number) => Shot][] = [
    [`logs (${Math.round(ERROR_SHARE * 100)}% ERROR)`, logs, (i) => logShot(i, ERROR_SHARE)],
    ['logs (all ERROR)', logs, (i) => logShot(i, 1)],
    ['metrics', metrics, metricShot],
  ];
  let bronzeRowsAllErrors = 0;
  for (const [phase, target, make] of phases) {
    const runs: Figures[] = [];
    for (let run = 0; run < RUNS; run++) {
      const shots = Array.from({ length: REQUESTS }, (_, i) => make(i));
      const before = await bronzeCount(db.url);
      const done = await measure();
      const r = await closedLoop(target, shots, SENDERS, 120);
      const { used, loop } = await done();
      const stored = (await bronzeCount(db.url)) - before;
      if (phase === 'logs (all ERROR)') bronzeRowsAllErrors = stored;
      const f = figures(phase, r, used, loop);
      runs.push(f);
      console.log(
        `  ${phase} run ${run + 1}: ${fmtInt(f.eventsPerSecond)} events/s, p50 ${fmtMs(f.p50)}, p99 ${fmtMs(f.p99)}, ${f.errors} errors, ${fmtInt(stored)} Bronze rows; ${cpuText(f)}`,
      );
    }
    results.push(medianBy(runs, (f) => f.eventsPerSecond));
  }
  // Latency at the goal's rate: an open loop of 50,000 events/s (50 requests/s) for BENCH_PACED_SECONDS, as steady
  // senders see it (the closed loops above measure throughput: there latency is just concurrency / throughput).
  const pacedRate = Math.round(GOALS.eventsPerSecond / PER_REQUEST);
  const pacedSeconds = Math.round(num('BENCH_PACED_SECONDS', 10));
  for (const [phase, target, make] of [phases[0]!, phases[2]!]) {
    const shots = Array.from({ length: pacedRate * pacedSeconds }, (_, i) => make(i));
    const done = await measure();
    const r = await openLoop(target, shots, pacedRate, pacedRate * 5);
    const { used, loop } = await done();
    const f = figures(`${phase}, paced ${fmtInt(pacedRate * PER_REQUEST)}/s`, r, used, loop);
    console.log(
      `  ${f.phase}: ${fmtInt(f.eventsPerSecond)} events/s, p50 ${fmtMs(f.p50)}, p99 ${fmtMs(f.p99)}, ${f.errors} errors, ${r.unsent} unsent; ${cpuText(f)}`,
    );
    results.push({ ...f, errors: f.errors + r.unsent });
  }
  const copies: number[] = [];
  for (let run = 0; run < RUNS; run++)
    copies.push(await copyCeiling(db.url, bronzeRowsAllErrors || REQUESTS * PER_REQUEST));
  const copyRate = copies.sort((a, b) => a - b)[Math.floor(copies.length / 2)] ?? Number.NaN;
  const rss = procMemory(ow.child.pid, 'VmRSS');
  const peak = procMemory(ow.child.pid, 'VmHWM');
  console.log('');
  console.log(
    table(
      [
        'phase (median of runs)',
        'events/s',
        'p50',
        'p99',
        'errors',
        'vs COPY',
        'CPU ms/1k OpsWatch',
        'CPU ms/1k PostgreSQL',
        'loop stall max',
      ],
      results.map((f) => [
        f.phase,
        fmtInt(f.eventsPerSecond),
        fmtMs(f.p50),
        fmtMs(f.p99),
        String(f.errors),
        fmtRatio(f.eventsPerSecond / copyRate),
        f.cpuServer.toFixed(1),
        f.cpuPostgres.toFixed(1),
        fmtMs(f.loopMax),
      ]),
    ),
  );
  console.log(
    `PostgreSQL COPY of the same Bronze rows (ceiling): ${fmtInt(copyRate)} rows/s (median of ${RUNS})`,
  );
  console.log(`OpsWatch RSS now ${(rss / 1048576).toFixed(0)} MiB, peak ${(peak / 1048576).toFixed(0)} MiB`);
  console.log(`goals: ≥ ${fmtInt(GOALS.eventsPerSecond)} events/s, p99 < ${GOALS.p99Ms} ms; ${load()}`);
});
