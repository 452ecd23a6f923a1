import { describe, expect, it } from '@jest/globals';
import { chartPng } from './chart.png.js';
import { CHART_HEIGHT, CHART_WIDTH, chartSvg } from './chart.svg.js';

const from = Date.parse('2026-12-01T12:00:00Z');
const to = from + 86_400_000;
const hourly = (f: (i: number) => number) =>
  Array.from({ length: 24 }, (_, i) => ({ at: from + i * 3_600_000, value: f(i) }));
const input = {
  title: 'checkout <error rate> & budget',
  unit: 'error rate %',
  current: hourly((i) => (i > 20 ? 2.5 : 0.05)),
  previous: hourly(() => 0.04),
  from,
  to,
  threshold: 0.1,
};

describe('the burn chart', () => {
  it('is an SVG of both series, the threshold and escaped text', () => {
    const svg = chartSvg(input);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('checkout &lt;error rate&gt; &amp; budget');
    expect(svg.match(/<path d="M/g)).toHaveLength(2);
    expect(svg).toContain('stroke-dasharray');
  });

  it('rasterizes to a PNG of the chart’s size (read from its IHDR header)', () => {
    const png = chartPng(input);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
    expect(png.readUInt32BE(16)).toBe(CHART_WIDTH);
    expect(png.readUInt32BE(20)).toBe(CHART_HEIGHT);
    expect(png.length).toBeGreaterThan(1000);
    // Pure: the same series give the same bytes.
    expect(chartPng(input).equals(png)).toBe(true);
  });

  it('draws an empty chart without data', () => {
    const png = chartPng({ ...input, current: [], previous: [], threshold: null });
    expect(png.readUInt32BE(16)).toBe(CHART_WIDTH);
  });
});
