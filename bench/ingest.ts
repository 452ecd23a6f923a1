/**
 * Alert ingestion benchmark: OpsWatch's Alertmanager webhook (`--role http` on a fresh PostgreSQL database)
 * against a real Prometheus Alertmanager fed the same alerts through its v2 API, in the same run.
 *
 *   npx tsx bench/ingest.ts            (BENCH_* knobs: see bench/README.md)
 *
 * Phases: single (1 alert/request, 32 in flight), batched (100 alerts/request, 8 in flight), paced (open
 * loop at 1,000 alerts/s). Throughput phases run BENCH_RUNS times; the median run is the reported figure.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeShots, opswatchCheck, type Shape } from './lib/alerts.js';
import {
  analyze,
  autovacuumOn,
  backendPids,
  benchDatabase,
  DEFAULT_ADMIN_URL,
  ingestCounts,
} from './lib/database.js';
import { ingestReport, type SystemResult } from './lib/ingest-report.js';
import { closedLoop, openLoop, type RunResult, type Shot, type Target } from './lib/load.js';
import { cpuSeconds, cpuSecondsOf, machineCpuSeconds, procMemory } from './lib/procs.js';
import { type PhaseName, type PhaseRun, summarize } from './lib/report.js';
import { cleanups, runBench } from './lib/run.js';
import { startAlertmanager, startOpsWatch } from './lib/servers.js';
import { fmtInt, fmtMs } from './lib/stats.js';

const num = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return process.env[name] && Number.isFinite(v) && v > 0 ? v : fallback;
};
const SCALE = num('BENCH_SCALE', 1);
const RUNS = Math.round(num('BENCH_RUNS', 3));
const GROUPS = Math.round(num('BENCH_GROUPS', 50));
const MAX_RUN_SECONDS = num('BENCH_MAX_RUN_SECONDS', 10) * Math.max(1, SCALE);
const PACED_RATE = num('BENCH_PACED_RATE', 1000);
const PACED_SECONDS = num('BENCH_PACED_SECONDS', 15) * SCALE;
const AM_BIN = process.env.BENCH_ALERTMANAGER_BIN ?? '/usr/bin/prometheus-alertmanager';
const BASELINE = process.env.BENCH_BASELINE !== '0';
const ANALYZE = process.env.BENCH_ANALYZE !== '0';
const GOALS = { single: 2000, batched: 20_000, pacedP99Ms: 50 };

interface PhaseSpec {
  phase: PhaseName;
  requests: number;
  perRequest: number;
  concurrency: number;
}
const SINGLE: PhaseSpec = {
  phase: 'single',
  requests: Math.round(5000 * SCALE),
  perRequest: 1,
  concurrency: 32,
};
const BATCHED: PhaseSpec = {
  phase: 'batched',
  requests: Math.round(300 * SCALE),
  perRequest: 100,
  concurrency: 8,
};

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RUN_ID = randomBytes(3).toString('hex');

/** A system under test: where to send, in which shape, and which processes to watch. */
interface System {
  name: string;
  target: Target;
  shape: Shape;
  pid: number;
  nextSeq: number;
  /** Alerts answered 200 (warm-up included). */
  answered: number;
  /** The database backends serving it, when it has a database. */
  backendPids?: () => Promise<number[]>;
  /** Run between the warm-up and the measured phases. */
  afterWarmup?: () => Promise<void>;
}

function take(sys: System, requests: number, perRequest: number): Shot[] {
  const shots = makeShots(sys.shape, RUN_ID, sys.nextSeq, requests, perRequest, GROUPS);
  sys.nextSeq += requests * perRequest;
  return shots;
}

async function drive<R extends RunResult>(sys: System, go: () => Promise<R>): Promise<R> {
  const result = await go();
  sys.answered += result.alerts;
  return result;
}

async function measured(
  sys: System,
  phase: PhaseName,
  run: number,
  go: () => Promise<RunResult & { unsent?: number; maxLateMs?: number }>,
): Promise<PhaseRun> {
  const server0 = cpuSeconds(sys.pid);
  const pg0 = cpuSecondsOf((await sys.backendPids?.()) ?? []);
  const machine0 = machineCpuSeconds();
  const client0 = process.cpuUsage();
  const result = await drive(sys, go);
  const client = process.cpuUsage(client0);
  const machine1 = machineCpuSeconds();
  const server = cpuSeconds(sys.pid) - server0;
  let postgres = Number.NaN;
  if (sys.backendPids) {
    postgres = 0;
    for (const [pid, s] of cpuSecondsOf(await sys.backendPids())) postgres += s - (pg0.get(pid) ?? 0);
  }
  const cpu = {
    server,
    postgres,
    client: (client.user + client.system) / 1e6,
    machineShare: (machine1.busy - machine0.busy) / (machine1.total - machine0.total),
  };
  const notes: string[] = [];
  if (result.unsent) notes.push(`${fmtInt(result.unsent)} not sent: server fell behind`);
  if (result.maxLateMs !== undefined) notes.push(`timer late ≤ ${fmtMs(result.maxLateMs)} ms`);
  const r = summarize(sys.name, phase, run, result, cpu, notes.join('; '));
  process.stderr.write(
    `  ${sys.name} ${phase} run ${run}: ${fmtInt(r.alertsPerSecond)} alerts/s, ` +
      `p50 ${fmtMs(r.p50)} ms, p99 ${fmtMs(r.p99)} ms, ${r.result.errors} errors\n`,
  );
  return r;
}

/** Warm-up, then every phase against one system. */
async function runPhases(sys: System, withPaced: boolean): Promise<PhaseRun[]> {
  process.stderr.write(`${sys.name}: warm-up\n`);
  const warm1 = take(sys, Math.round(500 * SCALE), 1);
  await drive(sys, () => closedLoop(sys.target, warm1, SINGLE.concurrency, MAX_RUN_SECONDS));
  const warm2 = take(sys, Math.round(30 * SCALE), 100);
  await drive(sys, () => closedLoop(sys.target, warm2, BATCHED.concurrency, MAX_RUN_SECONDS));
  await sys.afterWarmup?.();
  const runs: PhaseRun[] = [];
  for (const spec of [SINGLE, BATCHED]) {
    for (let run = 1; run <= RUNS; run++) {
      const shots = take(sys, spec.requests, spec.perRequest);
      const go = () => closedLoop(sys.target, shots, spec.concurrency, MAX_RUN_SECONDS);
      runs.push(await measured(sys, spec.phase, run, go));
    }
  }
  if (withPaced) {
    const shots = take(sys, Math.round(PACED_RATE * PACED_SECONDS), 1);
    runs.push(await measured(sys, 'paced', 1, () => openLoop(sys.target, shots, PACED_RATE, PACED_RATE * 5)));
  }
  return runs;
}

async function benchOpsWatch(): Promise<SystemResult> {
  const adminUrl = process.env.BENCH_ADMIN_URL ?? process.env.TEST_DATABASE_URL ?? DEFAULT_ADMIN_URL;
  const db = await benchDatabase(adminUrl, process.env.BENCH_DATABASE_URL);
  cleanups.push(() => db.drop());
  const dbName = decodeURIComponent(new URL(db.url).pathname.slice(1));
  const apiKey = `bench-${randomBytes(16).toString('hex')}`;
  const nodeArgs = (process.env.BENCH_OPSWATCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  process.stderr.write(`OpsWatch: starting on database ${dbName}\n`);
  const server = await startOpsWatch({ root: ROOT, databaseUrl: db.url, apiKey, nodeArgs });
  cleanups.push(() => server.stop());
  const notes = [
    `database ${dbName}${db.createdName ? ' (created for this run)' : ' (BENCH_DATABASE_URL)'}; autovacuum ` +
      `${(await autovacuumOn(db.url)) ? 'on' : 'off'} on this server; ` +
      (ANALYZE ? 'ANALYZE run after the warm-up' : 'no ANALYZE (BENCH_ANALYZE=0)'),
  ];
  const readyRss = procMemory(server.child.pid, 'VmRSS');
  const sys: System = {
    name: 'OpsWatch',
    shape: 'webhook',
    pid: server.child.pid,
    nextSeq: 0,
    answered: 0,
    backendPids: () => backendPids(db.url, dbName),
    afterWarmup: ANALYZE ? () => analyze(db.url) : undefined,
    target: {
      port: server.port,
      path: '/api/v1/webhooks/alertmanager',
      headers: { authorization: `Bearer ${apiKey}` },
      check: opswatchCheck,
    },
  };
  const runs = await runPhases(sys, true);
  const peakRss = procMemory(server.child.pid, 'VmHWM');
  if (!server.child.running)
    throw new Error(`OpsWatch exited during the benchmark:\n${server.child.output()}`);
  const counts = await ingestCounts(db.url);
  notes.push(
    `stored ${fmtInt(counts.alerts)} alerts, ${fmtInt(counts.incidents)} incidents, ` +
      `${fmtInt(counts.timeline)} timeline rows; ${fmtInt(sys.answered)} alerts answered 200 (warm-up included)`,
  );
  if (db.createdName && counts.alerts < sys.answered) {
    notes.push(`LOST: ${fmtInt(sys.answered)} alerts answered 200 but only ${fmtInt(counts.alerts)} stored`);
  } else if (db.createdName && counts.alerts > sys.answered) {
    notes.push(
      `(${fmtInt(counts.alerts - sys.answered)} stored from requests the bench gave up waiting for)`,
    );
  }
  await server.stop();
  await db.drop();
  return { runs, readyRss, peakRss, notes };
}

async function benchAlertmanager(): Promise<SystemResult | string> {
  if (!BASELINE) return 'baseline skipped: BENCH_BASELINE=0';
  if (!existsSync(AM_BIN)) return 'baseline skipped: prometheus-alertmanager not installed';
  process.stderr.write('Alertmanager: starting\n');
  const server = await startAlertmanager(AM_BIN);
  cleanups.push(() => server.stop());
  const sys: System = {
    name: 'Alertmanager',
    shape: 'api-v2',
    pid: server.child.pid,
    nextSeq: 0,
    answered: 0,
    target: { port: server.port, path: '/api/v2/alerts', headers: {} },
  };
  const runs = await runPhases(sys, process.env.BENCH_PACED_BASELINE !== '0');
  const peakRss = procMemory(server.child.pid, 'VmHWM');
  await server.stop();
  return { runs, peakRss };
}

async function main(): Promise<void> {
  const started = Date.now();
  console.log(
    `OpsWatch ingest benchmark — ${new Date().toISOString()}, Node ${process.version}, ` +
      `${availableParallelism()} cores, scale ${SCALE}, ${RUNS} runs per throughput phase, ${GROUPS} groups`,
  );
  const ours = await benchOpsWatch();
  const base = await benchAlertmanager();
  console.log(ingestReport(ours, base, { ...GOALS, pacedRate: PACED_RATE }));
  console.log(`\ntotal ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

await runBench(main);
