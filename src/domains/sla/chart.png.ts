import { Resvg } from '@resvg/resvg-js';
import { type ChartInput, chartSvg } from './chart.svg.js';

/**
 * The chart as PNG bytes: the SVG of `chartSvg`, rasterized by resvg (a Rust SVG renderer whose prebuilt binary
 * comes from npm as an optional dependency: no native canvas build, no system libraries). Pure: same series,
 * same bytes. Text uses the system's fonts when there are any (labels are left out on a machine with none; the
 * lines are drawn either way).
 */
export function chartPng(c: ChartInput): Buffer {
  const resvg = new Resvg(chartSvg(c), {
    background: '#ffffff',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return Buffer.from(resvg.render().asPng());
}
