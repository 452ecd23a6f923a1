/** The ingest benchmark's printed report: per-run tables, memory, errors, goals and ratios. */
import { availableParallelism, loadavg } from 'node:os';
import { comparisonTable, errorsReport, medianRun, type PhaseRun, runsTable } from './report.js';
import { fmtInt, fmtMiB, fmtMs, fmtRatio } from './stats.js';

export interface SystemResult {
  runs: PhaseRun[];
  peakRss: number;
  readyRss?: number;
  notes?: string[];
}

export interface Goals {
  opening: number;
  openingRatio: number;
  joining: number;
  joiningRatio: number;
  batched: number;
  pacedP99Ms: number;
  pacedRate: number;
  readyRssMiB: number;
  peakRssMiB: number;
}

function goalLine(label: string, value: string, ok: boolean, extra = ''): string {
  return `  ${label.padEnd(44)} ${value.padStart(12)}  ${ok ? 'PASS' : 'FAIL'}${extra}`;
}

const MiB = 1024 * 1024;

function goalLines(ours: SystemResult, base: SystemResult | string, goals: Goals): string[] {
  const runs = ours.runs;
  const median = (rs: readonly PhaseRun[], phase: string) => {
    const of = rs.filter((r) => r.phase === phase);
    return of.length ? medianRun(of) : undefined;
  };
  const ratio = (phase: string): number => {
    if (typeof base === 'string') return Number.NaN;
    const a = median(runs, phase);
    const b = median(base.runs, phase);
    return a && b ? a.alertsPerSecond / b.alertsPerSecond : Number.NaN;
  };
  const lines = [
    'goals (OpsWatch, median run; ratios against the Alertmanager median run of the same phase)',
  ];
  const opening = median(runs, 'opening');
  const joining = median(runs, 'joining');
  const batched = median(runs, 'batched');
  const paced = median(runs, 'paced');
  if (opening) {
    lines.push(
      goalLine(
        `opening ≥ ${fmtInt(goals.opening)} new incidents/s`,
        fmtInt(opening.alertsPerSecond),
        opening.alertsPerSecond >= goals.opening,
      ),
      goalLine(
        `opening ≥ ${goals.openingRatio}× Alertmanager`,
        fmtRatio(ratio('opening')),
        ratio('opening') >= goals.openingRatio,
      ),
    );
  }
  if (joining) {
    lines.push(
      goalLine(
        `joining ≥ ${fmtInt(goals.joining)} alerts/s`,
        fmtInt(joining.alertsPerSecond),
        joining.alertsPerSecond >= goals.joining,
      ),
      goalLine(
        `joining ≥ ${goals.joiningRatio}× Alertmanager`,
        fmtRatio(ratio('joining')),
        ratio('joining') >= goals.joiningRatio,
      ),
    );
  }
  if (batched)
    lines.push(
      goalLine(
        `batched ≥ ${fmtInt(goals.batched)} alerts/s`,
        fmtInt(batched.alertsPerSecond),
        batched.alertsPerSecond >= goals.batched,
        ` (${fmtRatio(ratio('batched'))} Alertmanager)`,
      ),
    );
  if (paced) {
    const behind = paced.note.includes('not sent');
    lines.push(
      goalLine(
        `paced   p99 < ${goals.pacedP99Ms} ms at ${fmtInt(goals.pacedRate)} alerts/s`,
        `${fmtMs(paced.p99)} ms`,
        paced.p99 < goals.pacedP99Ms && paced.result.errors === 0 && !behind,
        behind ? ' (fell behind the schedule)' : '',
      ),
    );
  }
  lines.push(
    goalLine(
      `RSS when ready ≤ ${goals.readyRssMiB} MiB`,
      fmtMiB(ours.readyRss ?? Number.NaN),
      (ours.readyRss ?? Number.POSITIVE_INFINITY) <= goals.readyRssMiB * MiB,
    ),
    goalLine(
      `peak RSS through the bench ≤ ${goals.peakRssMiB} MiB`,
      fmtMiB(ours.peakRss),
      ours.peakRss <= goals.peakRssMiB * MiB,
    ),
  );
  return lines;
}

/** `base` is the Alertmanager result, or the reason there is none. */
export function ingestReport(ours: SystemResult, base: SystemResult | string, goals: Goals): string {
  const out: string[] = [
    '',
    'OpsWatch — POST /api/v1/webhooks/alertmanager (webhook v4), --role http',
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
    `  load average at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')} (1, 5, 15 min)`,
    '',
  );
  const errors = errorsReport([...ours.runs, ...(typeof base === 'string' ? [] : base.runs)]);
  out.push(
    errors.length
      ? `errors:\n${errors.join('\n')}`
      : 'errors: none (every response 200; every OpsWatch answer created every alert of its request)',
    '',
    ...goalLines(ours, base, goals),
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
