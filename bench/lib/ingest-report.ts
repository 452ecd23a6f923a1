/** The ingest benchmark's printed report: per-run tables, memory, errors, goals and ratios. */
import { availableParallelism } from 'node:os';
import { comparisonTable, errorsReport, medianRun, type PhaseRun, runsTable } from './report.js';
import { fmtInt, fmtMiB, fmtMs } from './stats.js';

export interface SystemResult {
  runs: PhaseRun[];
  peakRss: number;
  readyRss?: number;
  notes?: string[];
}

export interface Goals {
  single: number;
  batched: number;
  pacedP99Ms: number;
  pacedRate: number;
}

function goalLine(label: string, value: string, ok: boolean, extra = ''): string {
  return `  ${label.padEnd(36)} ${value.padStart(10)}  ${ok ? 'PASS' : 'FAIL'}${extra}`;
}

function goalLines(runs: readonly PhaseRun[], goals: Goals): string[] {
  const single = medianRun(runs.filter((r) => r.phase === 'single'));
  const batched = medianRun(runs.filter((r) => r.phase === 'batched'));
  const paced = medianRun(runs.filter((r) => r.phase === 'paced'));
  const behind = paced.note.includes('not sent');
  return [
    'goals (OpsWatch, median run)',
    goalLine(
      `single  ≥ ${fmtInt(goals.single)} alerts/s`,
      fmtInt(single.alertsPerSecond),
      single.alertsPerSecond >= goals.single,
    ),
    goalLine(
      `batched ≥ ${fmtInt(goals.batched)} alerts/s`,
      fmtInt(batched.alertsPerSecond),
      batched.alertsPerSecond >= goals.batched,
    ),
    goalLine(
      `paced   p99 < ${goals.pacedP99Ms} ms at ${fmtInt(goals.pacedRate)} alerts/s`,
      `${fmtMs(paced.p99)} ms`,
      paced.p99 < goals.pacedP99Ms && paced.result.errors === 0 && !behind,
      behind ? ' (fell behind the schedule)' : '',
    ),
  ];
}

/** `base` is the Alertmanager result, or the reason there is none. */
export function ingestReport(ours: SystemResult, base: SystemResult | string, goals: Goals): string {
  const out: string[] = [
    '',
    'OpsWatch — POST /api/v1/webhooks/alertmanager (webhook v4), --role http, PostgreSQL',
    runsTable(ours.runs),
    `peak RSS ${fmtMiB(ours.peakRss)} (VmHWM; ${fmtMiB(ours.readyRss ?? Number.NaN)} when ready)`,
    ...(ours.notes ?? []),
    '',
  ];
  if (typeof base === 'string') {
    out.push(base);
  } else {
    out.push(
      'Alertmanager baseline — POST /api/v2/alerts, same alerts, same request shapes and concurrency',
      runsTable(base.runs),
      `peak RSS ${fmtMiB(base.peakRss)} (VmHWM)`,
    );
  }
  out.push(
    '',
    '* = median run (the reported figure). cpu columns are % of one core over the run: server = the',
    '  process under test, pg = PostgreSQL backends of the bench database, bench = this load generator;',
    `  machine = busy share of all ${availableParallelism()} cores, whoever used them (the machine is shared).`,
    '',
  );
  const errors = errorsReport([...ours.runs, ...(typeof base === 'string' ? [] : base.runs)]);
  out.push(
    errors.length
      ? `errors:\n${errors.join('\n')}`
      : 'errors: none (every response 200; every OpsWatch answer created every alert of its request)',
    '',
    ...goalLines(ours.runs, goals),
  );
  if (typeof base !== 'string') {
    out.push(
      '',
      'OpsWatch / Alertmanager, median runs (throughput ratio > 1 and p99 ratio < 1 favour OpsWatch)',
      comparisonTable(ours.runs, base.runs),
    );
  }
  return out.join('\n');
}
