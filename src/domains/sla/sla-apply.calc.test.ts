import { describe, expect, it } from '@jest/globals';
import { slaInputSchema } from './sla.types.js';
import { sameContent } from './sla-apply.calc.js';

const open = {
  target: 99.9,
  window: '30d',
  thresholdMs: null,
  metricName: 'http.server.duration',
  errorFilter: { status: '>=500', error: 'true' },
};
const input = (v: Record<string, unknown>) =>
  slaInputSchema.parse({ service: 'checkout', metric: 'ERROR_RATE', target: 99.9, ...v });

describe('sameContent', () => {
  it('the defaults written out or left out, and the filter in any order, are the same SLA', () => {
    expect(sameContent(open, input({}))).toBe(true);
    expect(sameContent(open, input({ errorFilter: { error: 'true', status: '>=500' }, window: '30d' }))).toBe(
      true,
    );
    expect(sameContent(open, input({ activeFrom: '2026-01-01T00:00:00Z' }))).toBe(true);
  });
  it('a different target, window, metric name or filter is a new version', () => {
    expect(sameContent(open, input({ target: 99.95 }))).toBe(false);
    expect(sameContent(open, input({ window: 'quarterly' }))).toBe(false);
    expect(sameContent(open, input({ metricName: 'rpc.server.duration' }))).toBe(false);
    expect(sameContent(open, input({ errorFilter: { status: '>=500' } }))).toBe(false);
  });
  it('a latency SLA compares its threshold', () => {
    const lat = { ...open, thresholdMs: 300 };
    expect(sameContent(lat, input({ metric: 'LATENCY_P99', thresholdMs: 300 }))).toBe(true);
    expect(sameContent(lat, input({ metric: 'LATENCY_P99', thresholdMs: 250 }))).toBe(false);
  });
});
