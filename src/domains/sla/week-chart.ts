import { DAY_MS } from '../../shared/durations.js';
import { chartPng } from './chart.png.js';
import type { ChartPoint } from './chart.svg.js';
import type { ReportLine, ReportWeek } from './report.calc.js';
import { dayStart } from './sla.calc.js';
import type { SlaChart } from './sla-chart.service.js';

/** Charts a report uploads at most (one file each, shared in one message): the SLAs with the least budget. */
export const MAX_REPORT_CHARTS = 10;

/**
 * Pure: an SLA's week as a chart — each day's shortfall (100 − attainment, %) of the reported week against the
 * week before, with the SLO's allowance (100 − target) as the dashed line. The same chart as a burn's, by day:
 * a day above the line spent more than its share of the budget. Null when the week has no snapshot.
 */
export function weekChart(w: ReportWeek, line: ReportLine): SlaChart | null {
  const from = dayStart(w.from).getTime();
  const to = from + 7 * DAY_MS;
  const point =
    (shift: number) =>
    (d: { day: string; pct: number }): ChartPoint => ({
      at: dayStart(d.day).getTime() + shift + DAY_MS / 2,
      value: Math.max(0, 100 - d.pct),
    });
  const current = line.days.filter((d) => d.day >= w.from).map(point(0));
  if (current.length === 0) return null;
  const previous = line.days.filter((d) => d.day < w.from).map(point(7 * DAY_MS));
  const title = `${line.service}: ${line.target}% ${line.objective}`;
  const png = chartPng({
    title,
    unit: 'shortfall % (100 − attainment)',
    legend: 'this week (blue) vs the week before (grey)',
    axis: 'days',
    current,
    previous,
    from,
    to,
    threshold: 100 - line.target,
  });
  const safe = line.service.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 80);
  return { filename: `sla-${safe}-${w.week}.png`, title: `${title} — ${w.week}, day by day`, png };
}

/** Pure: the report's charts, least budget left first, at most MAX_REPORT_CHARTS. */
export function weekCharts(w: ReportWeek, lines: readonly ReportLine[]): SlaChart[] {
  const out: SlaChart[] = [];
  for (const line of lines) {
    if (out.length >= MAX_REPORT_CHARTS) break;
    const chart = weekChart(w, line);
    if (chart) out.push(chart);
  }
  return out;
}
