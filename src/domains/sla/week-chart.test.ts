import { describe, expect, it } from '@jest/globals';
import { chartSvg } from './chart.svg.js';
import type { ReportLine } from './report.calc.js';
import { MAX_REPORT_CHARTS, weekChart, weekCharts } from './week-chart.js';

const w = { week: '2026-W48', from: '2026-11-23', to: '2026-11-29' };
const line: ReportLine = {
  service: 'checkout/api v2',
  objective: 'success rate',
  target: 99.9,
  window: '30d',
  week: 99.95,
  windowAttainment: 99.93,
  budgetLeft: 30,
  trend: 'up',
  breaches: 2,
  days: [
    { day: '2026-11-16', pct: 99.8 },
    { day: '2026-11-23', pct: 99.99 },
    { day: '2026-11-24', pct: 99.7 },
  ],
};

describe('the weekly report’s chart', () => {
  it('is a PNG named for the service and week, this week against the week before', () => {
    const chart = weekChart(w, line);
    expect(chart?.filename).toBe('sla-checkout-api-v2-2026-W48.png');
    expect(chart?.title).toBe('checkout/api v2: 99.9% success rate — 2026-W48, day by day');
    expect(chart?.png.subarray(1, 4).toString('ascii')).toBe('PNG');
  });
  it('labels the days of the week and says what the series are', () => {
    const svg = chartSvg({
      title: 't',
      unit: 'u',
      legend: 'this week (blue) vs the week before (grey)',
      axis: 'days',
      current: [],
      previous: [],
      from: Date.parse('2026-11-23T00:00:00Z'),
      to: Date.parse('2026-11-30T00:00:00Z'),
    });
    expect(svg).toContain('>Mon 23<');
    expect(svg).toContain('>Sun 29<');
    expect(svg).toContain('this week (blue) vs the week before (grey)');
  });
  it('no snapshot in the week: no chart; at most MAX_REPORT_CHARTS charts', () => {
    expect(weekChart(w, { ...line, days: [{ day: '2026-11-16', pct: 99 }] })).toBeNull();
    const many = Array.from({ length: 15 }, (_, i) => ({ ...line, service: `s${i}` }));
    expect(weekCharts(w, many)).toHaveLength(MAX_REPORT_CHARTS);
  });
});
