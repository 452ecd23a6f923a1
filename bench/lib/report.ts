/** Measured runs of a load phase and how they are printed. */
import type { RunResult } from './load.js';
import { fmtInt, fmtMs, fmtRatio, medianBy, percentile, table } from './stats.js';

/** opening: each alert opens a new incident; joining: alerts join open incidents (50 groups). */
export type PhaseName = 'opening' | 'joining' | 'batched' | 'paced';
export const PHASES: readonly PhaseName[] = ['opening', 'joining', 'batched', 'paced'];

export interface PhaseRun {
  system: string;
  phase: PhaseName;
  run: number;
  result: RunResult;
  alertsPerSecond: number;
  p50: number;
  p99: number;
  /** CPU use over the run, in % of one core. */
  serverCpu: number;
  postgresCpu: number;
  clientCpu: number;
  /** Busy share of all the machine's cores over the run, in %. */
  machineBusy: number;
  note: string;
}

export function summarize(
  system: string,
  phase: PhaseName,
  run: number,
  result: RunResult,
  cpuSeconds: { server: number; postgres: number; client: number; machineShare: number },
  note = '',
): PhaseRun {
  const pct = (s: number) => (100 * s) / result.seconds;
  return {
    system,
    phase,
    run,
    result,
    alertsPerSecond: result.alerts / result.seconds,
    p50: percentile(result.latencies, 0.5),
    p99: percentile(result.latencies, 0.99),
    serverCpu: pct(cpuSeconds.server),
    postgresCpu: pct(cpuSeconds.postgres),
    clientCpu: pct(cpuSeconds.client),
    machineBusy: 100 * cpuSeconds.machineShare,
    note,
  };
}

/** The run with the median throughput (for the paced phase, the only run). */
export function medianRun(runs: readonly PhaseRun[]): PhaseRun {
  return medianBy(runs, (r) => r.alertsPerSecond);
}

const RUN_HEADER = [
  'phase',
  'run',
  'alerts',
  'requests',
  'seconds',
  'alerts/s',
  'p50 ms',
  'p99 ms',
  'errors',
  'server cpu',
  'pg cpu',
  'bench cpu',
  'machine',
  'note',
];

function pct(n: number): string {
  return Number.isFinite(n) ? `${n.toFixed(0)}%` : '–';
}

export function runsTable(runs: readonly PhaseRun[]): string {
  const medians = new Set<PhaseRun>();
  for (const phase of new Set(runs.map((r) => r.phase))) {
    medians.add(medianRun(runs.filter((r) => r.phase === phase)));
  }
  const rows = runs.map((r) => [
    r.phase,
    `${r.run}${medians.has(r) && runs.filter((x) => x.phase === r.phase).length > 1 ? '*' : ''}`,
    fmtInt(r.result.alerts),
    fmtInt(r.result.requests),
    r.result.seconds.toFixed(1),
    fmtInt(r.alertsPerSecond),
    fmtMs(r.p50),
    fmtMs(r.p99),
    fmtInt(r.result.errors),
    pct(r.serverCpu),
    pct(r.postgresCpu),
    pct(r.clientCpu),
    pct(r.machineBusy),
    r.note,
  ]);
  return table(RUN_HEADER, rows);
}

export function errorsReport(runs: readonly PhaseRun[]): string[] {
  const lines: string[] = [];
  for (const r of runs) {
    for (const [kind, n] of r.result.errorKinds)
      lines.push(`  ${r.system} ${r.phase} run ${r.run}: ${n} × ${kind}`);
  }
  return lines;
}

/** One line per phase: OpsWatch's median run next to Alertmanager's, with the ratios. */
export function comparisonTable(ours: readonly PhaseRun[], baseline: readonly PhaseRun[]): string {
  const rows: string[][] = [];
  for (const phase of PHASES) {
    const a = ours.filter((r) => r.phase === phase);
    const b = baseline.filter((r) => r.phase === phase);
    if (a.length === 0 || b.length === 0) continue;
    const x = medianRun(a);
    const y = medianRun(b);
    rows.push([
      phase,
      fmtInt(x.alertsPerSecond),
      fmtInt(y.alertsPerSecond),
      fmtRatio(x.alertsPerSecond / y.alertsPerSecond),
      `${fmtMs(x.p50)} / ${fmtMs(y.p50)}`,
      `${fmtMs(x.p99)} / ${fmtMs(y.p99)}`,
      fmtRatio(x.p99 / y.p99),
    ]);
  }
  return table(
    [
      'phase',
      'OpsWatch alerts/s',
      'Alertmanager alerts/s',
      'throughput OW/AM',
      'p50 ms OW / AM',
      'p99 ms OW / AM',
      'p99 OW/AM',
    ],
    rows,
  );
}
