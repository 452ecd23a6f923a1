/**
 * Alert ingestion benchmark: OpsWatch's Alertmanager webhook (`--role http` on the embedded PostgreSQL that
 * `npm start` runs, in a fresh data folder) against a real Prometheus Alertmanager fed the same alerts through
 * its v2 API, side by side: each run of a phase goes to OpsWatch, then to Alertmanager, before the next run.
 *
 *   npx tsx bench/ingest.ts            (BENCH_* knobs: see bench/README.md)
 *
 * Phases: opening (1 alert/request, each its own group, so each opens a new incident; 16 in flight), joining
 * (1 alert/request into 50 groups whose incidents are open; 32 in flight), batched (100 alerts/request, 8 in
 * flight), paced (open loop at 1,000 alerts/s). Throughput phases run BENCH_RUNS times; the median run is the
 * reported figure. OpsWatch's RSS is read when ready and its peak (VmHWM) at the end.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { embeddedUrl } from '../src/db/embedded.js';
import { readPostmasterLock } from '../src/db/embedded-folder.js';
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
import { buildBundle, type Started, startAlertmanager, startOpsWatch } from './lib/servers.js';
import { fmtInt, fmtMiB, fmtMs } from './lib/stats.js';

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
/** `embedded` (default: `npm start`'s embedded PostgreSQL) or `server` (a database created on BENCH_ADMIN_URL). */
const DATABASE = process.env.BENCH_DATABASE === 'server' ? 'server' : 'embedded';
const GOALS = {
  opening: 6000,
  openingRatio: 0.3,
  joining: 2000,
  joiningRatio: 0.5,
  batched: 20_000,
  pacedP99Ms: 50,
  readyRssMiB: 150,
  peakRssMiB: 300,
};

interface PhaseSpec {
  phase: PhaseName;
  requests: number;
  perRequest: number;
  concurrency: number;
  /** Every request a group of its own, never seen before (a new incident each). */
  newGroups?: boolean;
}
const OPENING: PhaseSpec = {
  phase: 'opening',
  requests: Math.round(10_000 * SCALE),
  perRequest: 1,
  concurrency: 16,
  newGroups: true,
};
const JOINING: PhaseSpec = {
  phase: 'joining',
  requests: Math.round(10_000 * SCALE),
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
  /** Its peak RSS (VmHWM) after the warm-up and after each measured run, to show which phase set the peak. */
  peaks?: string[];
}

/** Notes the process's peak RSS so far, after `stage` (systems that keep `peaks`). */
function notePeak(sys: System, stage: string): void {
  sys.peaks?.push(`${stage} ${fmtMiB(procMemory(sys.pid, 'VmHWM')).replace(' MiB', '')}`);
}

/** Groups of the opening phase are numbered from here on, apart from the GROUPS the other phases share. */
const FIRST_NEW_GROUP = 1_000_000;

function take(sys: System, requests: number, perRequest: number, newGroups = false): Shot[] {
  const shots = newGroups
    ? makeShots(sys.shape, RUN_ID, sys.nextSeq, requests, perRequest, requests, FIRST_NEW_GROUP + sys.nextSeq)
    : makeShots(sys.shape, RUN_ID, sys.nextSeq, requests, perRequest, GROUPS);
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
  notePeak(sys, `${phase} ${run}`);
  process.stderr.write(
    `  ${sys.name} ${phase} run ${run}: ${fmtInt(r.alertsPerSecond)} alerts/s, ` +
      `p50 ${fmtMs(r.p50)} ms, p99 ${fmtMs(r.p99)} ms, ${r.result.errors} errors\n`,
  );
  return r;
}

async function warmUp(sys: System): Promise<void> {
  process.stderr.write(`${sys.name}: warm-up\n`);
  const warm0 = take(sys, Math.round(500 * SCALE), 1, true);
  await drive(sys, () => closedLoop(sys.target, warm0, OPENING.concurrency, MAX_RUN_SECONDS));
  const warm1 = take(sys, Math.round(500 * SCALE), 1);
  await drive(sys, () => closedLoop(sys.target, warm1, JOINING.concurrency, MAX_RUN_SECONDS));
  const warm2 = take(sys, Math.round(30 * SCALE), 100);
  await drive(sys, () => closedLoop(sys.target, warm2, BATCHED.concurrency, MAX_RUN_SECONDS));
  await sys.afterWarmup?.();
  notePeak(sys, 'warm-up');
}

/**
 * Every phase, side by side: each run goes to every system in turn before the next run, so a noisy spell
 * of the shared machine hits both rather than one. The paced phase runs once per system (with `paced`).
 */
async function runPhases(systems: { sys: System; paced: boolean }[]): Promise<Map<System, PhaseRun[]>> {
  const runs = new Map<System, PhaseRun[]>(systems.map(({ sys }) => [sys, []]));
  for (const { sys } of systems) await warmUp(sys);
  for (const spec of [OPENING, JOINING, BATCHED]) {
    for (let run = 1; run <= RUNS; run++) {
      for (const { sys } of systems) {
        const shots = take(sys, spec.requests, spec.perRequest, spec.newGroups);
        const go = () => closedLoop(sys.target, shots, spec.concurrency, MAX_RUN_SECONDS);
        runs.get(sys)!.push(await measured(sys, spec.phase, run, go));
      }
    }
  }
  for (const { sys, paced } of systems) {
    if (!paced) continue;
    const shots = take(sys, Math.round(PACED_RATE * PACED_SECONDS), 1);
    runs
      .get(sys)!
      .push(await measured(sys, 'paced', 1, () => openLoop(sys.target, shots, PACED_RATE, PACED_RATE * 5)));
  }
  return runs;
}

interface OpsWatchUnderTest {
  sys: System;
  server: Started;
  readyRss: number;
  notes: string[];
  /** Checks what was stored, reads the peak RSS, stops everything. */
  finish(runs: PhaseRun[]): Promise<SystemResult>;
}

/** The embedded PostgreSQL's URL, from the lock file of the data folder OpsWatch runs it in. */
async function embeddedDatabaseUrl(dataDir: string): Promise<string> {
  const lock = await readPostmasterLock(join(dataDir, 'pg'));
  if (!lock?.port) throw new Error(`no running embedded PostgreSQL in ${dataDir}`);
  return embeddedUrl(lock.port, lock.host);
}

async function startOpsWatchUnderTest(): Promise<OpsWatchUnderTest> {
  const apiKey = `bench-${randomBytes(16).toString('hex')}`;
  const nodeArgs = (process.env.BENCH_OPSWATCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  if (process.env.OPSWATCH_FROM_SOURCE !== '1') buildBundle(ROOT);
  let server: Started;
  let dbUrl: string;
  let dbName: string;
  let created = true;
  let dropDb: () => Promise<void>;
  if (DATABASE === 'embedded') {
    const dataDir = mkdtempSync(join(tmpdir(), 'ow-bench-data-'));
    const removeDir = async () => rmSync(dataDir, { recursive: true, force: true });
    cleanups.push(removeDir);
    process.stderr.write(`OpsWatch: starting on an embedded PostgreSQL in ${dataDir}\n`);
    server = await startOpsWatch({ root: ROOT, dataDir, apiKey, nodeArgs });
    cleanups.push(() => server.stop());
    dbUrl = await embeddedDatabaseUrl(dataDir);
    dbName = 'postgres';
    dropDb = removeDir;
  } else {
    const adminUrl = process.env.BENCH_ADMIN_URL ?? process.env.TEST_DATABASE_URL ?? DEFAULT_ADMIN_URL;
    const db = await benchDatabase(adminUrl, process.env.BENCH_DATABASE_URL);
    cleanups.push(() => db.drop());
    created = db.createdName !== null;
    dbUrl = db.url;
    dbName = decodeURIComponent(new URL(db.url).pathname.slice(1));
    process.stderr.write(`OpsWatch: starting on database ${dbName}\n`);
    server = await startOpsWatch({ root: ROOT, databaseUrl: db.url, apiKey, nodeArgs });
    cleanups.push(() => server.stop());
    dropDb = () => db.drop();
  }
  const readyRss = procMemory(server.child.pid, 'VmRSS');
  const notes = [
    `${DATABASE === 'embedded' ? 'embedded PostgreSQL (as `npm start` runs it)' : `database ${dbName}${created ? ' (created for this run)' : ' (BENCH_DATABASE_URL)'}`}; ` +
      `autovacuum ${(await autovacuumOn(dbUrl)) ? 'on' : 'off'}; ` +
      (ANALYZE ? 'ANALYZE run after the warm-up' : 'no ANALYZE (BENCH_ANALYZE=0)'),
  ];
  const sys: System = {
    name: 'OpsWatch',
    shape: 'webhook',
    pid: server.child.pid,
    nextSeq: 0,
    answered: 0,
    backendPids: () => backendPids(dbUrl, dbName),
    afterWarmup: ANALYZE ? () => analyze(dbUrl) : undefined,
    peaks: [],
    target: {
      port: server.port,
      path: '/api/v1/webhooks/alertmanager',
      headers: { authorization: `Bearer ${apiKey}` },
      check: opswatchCheck,
    },
  };
  const finish = async (runs: PhaseRun[]): Promise<SystemResult> => {
    const peakRss = procMemory(server.child.pid, 'VmHWM');
    notes.push(`peak RSS so far (MiB), after: ${sys.peaks?.join(', ')}`);
    if (!server.child.running)
      throw new Error(`OpsWatch exited during the benchmark:\n${server.child.output()}`);
    const counts = await ingestCounts(dbUrl);
    notes.push(
      `stored ${fmtInt(counts.alerts)} alerts, ${fmtInt(counts.incidents)} incidents, ` +
        `${fmtInt(counts.timeline)} timeline rows; ${fmtInt(sys.answered)} alerts answered 200 (warm-up included)`,
    );
    if (created && counts.alerts < sys.answered) {
      notes.push(
        `LOST: ${fmtInt(sys.answered)} alerts answered 200 but only ${fmtInt(counts.alerts)} stored`,
      );
    } else if (created && counts.alerts > sys.answered) {
      notes.push(
        `(${fmtInt(counts.alerts - sys.answered)} stored from requests the bench gave up waiting for)`,
      );
    }
    await server.stop();
    await dropDb();
    return { runs, readyRss, peakRss, notes };
  };
  return { sys, server, readyRss, notes, finish };
}

async function startAlertmanagerUnderTest(): Promise<{ sys: System; server: Started } | string> {
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
  return { sys, server };
}

async function main(): Promise<void> {
  const started = Date.now();
  console.log(
    `OpsWatch ingest benchmark — ${new Date().toISOString()}, Node ${process.version}, ` +
      `${availableParallelism()} cores, scale ${SCALE}, ${RUNS} runs per throughput phase, ${GROUPS} groups`,
  );
  const ours = await startOpsWatchUnderTest();
  const am = await startAlertmanagerUnderTest();
  const systems = [{ sys: ours.sys, paced: true }];
  if (typeof am !== 'string') systems.push({ sys: am.sys, paced: process.env.BENCH_PACED_BASELINE !== '0' });
  const runs = await runPhases(systems);
  const oursResult = await ours.finish(runs.get(ours.sys)!);
  let base: SystemResult | string = typeof am === 'string' ? am : '';
  if (typeof am !== 'string') {
    const peakRss = procMemory(am.server.child.pid, 'VmHWM');
    await am.server.stop();
    base = { runs: runs.get(am.sys)!, peakRss };
  }
  console.log(ingestReport(oursResult, base, { ...GOALS, pacedRate: PACED_RATE }));
  console.log(`\ntotal ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

await runBench(main);
