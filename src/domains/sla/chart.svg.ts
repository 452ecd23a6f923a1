import { DAY_MS } from '../../shared/durations.js';
/**
 * The burn alert's and weekly report's chart: a series against the same span a week before (hours of a day, or
 * days of a week), as SVG.
 */

export interface ChartPoint {
  /** ms since the epoch */
  at: number;
  value: number;
}

export interface ChartInput {
  title: string;
  /** e.g. `error rate %`, `p99 ms` */
  unit: string;
  current: readonly ChartPoint[];
  /** The same hours a week before, shifted onto the current hours. */
  previous: readonly ChartPoint[];
  from: number;
  to: number;
  /** A horizontal line (the SLO threshold), when there is one. */
  threshold?: number | null;
  /** What the two series are (default: the last 24 h vs a week before). */
  legend?: string;
  /** The x axis: five times of day (default), or each day's weekday and date under its middle. */
  axis?: 'hours' | 'days';
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

export const CHART_WIDTH = 800;
export const CHART_HEIGHT = 360;
const PAD = { left: 64, right: 20, top: 40, bottom: 40 };

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmt = (n: number) =>
  Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 1 ? n.toFixed(1) : n.toFixed(3);

/** Pure: the chart as an SVG document (axes, grid, both series, threshold, legend). */
export function chartSvg(c: ChartInput): string {
  const w = CHART_WIDTH - PAD.left - PAD.right;
  const h = CHART_HEIGHT - PAD.top - PAD.bottom;
  const values = [...c.current, ...c.previous].map((p) => p.value);
  if (c.threshold != null) values.push(c.threshold);
  const max = Math.max(1e-9, ...values) * 1.1;
  const span = Math.max(1, c.to - c.from);
  const x = (at: number) => PAD.left + ((at - c.from) / span) * w;
  const y = (v: number) => PAD.top + h - (Math.max(0, v) / max) * h;
  const path = (pts: readonly ChartPoint[]) =>
    pts
      .filter((p) => p.at >= c.from && p.at <= c.to && Number.isFinite(p.value))
      .map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.at).toFixed(1)},${y(p.value).toFixed(1)}`)
      .join(' ');
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => {
      const v = max * f;
      const yy = y(v).toFixed(1);
      return (
        `<line x1="${PAD.left}" y1="${yy}" x2="${PAD.left + w}" y2="${yy}" stroke="#e5e7eb" stroke-width="1"/>` +
        `<text x="${PAD.left - 8}" y="${yy}" font-size="11" text-anchor="end" dominant-baseline="middle" fill="#6b7280">${fmt(v)}</text>`
      );
    })
    .join('');
  const ticks =
    c.axis === 'days'
      ? Array.from(
          { length: Math.max(1, Math.round(span / DAY_MS)) },
          (_, i) => c.from + i * DAY_MS + DAY_MS / 2,
        )
      : Array.from({ length: 5 }, (_, i) => c.from + (span * i) / 4);
  const hours = ticks
    .map((at) => {
      const d = new Date(at);
      const label =
        c.axis === 'days'
          ? `${WEEKDAYS[d.getUTCDay()]} ${d.getUTCDate()}`
          : `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}Z`;
      return `<text x="${x(at).toFixed(1)}" y="${PAD.top + h + 20}" font-size="11" text-anchor="middle" fill="#6b7280">${label}</text>`;
    })
    .join('');
  const threshold =
    c.threshold != null
      ? `<line x1="${PAD.left}" y1="${y(c.threshold).toFixed(1)}" x2="${PAD.left + w}" y2="${y(c.threshold).toFixed(1)}" stroke="#dc2626" stroke-width="1.5" stroke-dasharray="6 4"/>`
      : '';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CHART_WIDTH}" height="${CHART_HEIGHT}" viewBox="0 0 ${CHART_WIDTH} ${CHART_HEIGHT}">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${PAD.left}" y="24" font-size="15" font-weight="bold" fill="#111827">${esc(c.title)}</text>`,
    `<text x="${CHART_WIDTH - PAD.right}" y="24" font-size="11" text-anchor="end" fill="#6b7280">${esc(c.unit)} · ${esc(c.legend ?? 'last 24 h (blue) vs a week before (grey)')}</text>`,
    grid,
    hours,
    `<line x1="${PAD.left}" y1="${PAD.top + h}" x2="${PAD.left + w}" y2="${PAD.top + h}" stroke="#9ca3af" stroke-width="1"/>`,
    threshold,
    `<path d="${path(c.previous)}" fill="none" stroke="#9ca3af" stroke-width="1.5"/>`,
    `<path d="${path(c.current)}" fill="none" stroke="#2563eb" stroke-width="2"/>`,
    `</svg>`,
  ].join('');
}
