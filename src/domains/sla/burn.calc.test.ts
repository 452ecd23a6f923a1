import { describe, expect, it } from '@jest/globals';
import { evaluateBurn as evaluate, type MinuteCounts, windowsFromMinutes } from './burn.calc.js';

const evaluateBurn = (series: MinuteCounts[], now: Date, target: number) =>
  evaluate(windowsFromMinutes(series, now), target);

const NOW = Date.parse('2026-12-02T12:00:00Z');
/** `minutes` minutes before now with 1000 events each and `bad` of them bad. */
const minutes = (from: number, to: number, bad: number): MinuteCounts[] =>
  Array.from({ length: from - to }, (_, i) => ({ at: NOW - (from - i) * 60_000, total: 1000, bad }));

describe('multi-window, multi-burn-rate rules (99.9% target)', () => {
  it('pages at 14.4× over both the last hour and the last 5 minutes', () => {
    const v = evaluateBurn(minutes(60, 0, 15), new Date(NOW), 99.9);
    expect(v).toMatchObject({ firing: true, rule: 'fast' });
    expect(v.rates[60]).toBe(15);
  });
  it('a spike that already stopped does not page (the short window is calm)', () => {
    const series = [...minutes(60, 30, 40), ...minutes(30, 0, 0)];
    const v = evaluateBurn(series, new Date(NOW), 99.9);
    expect(v.rates[60]).toBeGreaterThan(14.4);
    expect(v.firing).toBe(false);
  });
  it('pages at 6× over both the last 6 hours and the last 30 minutes', () => {
    const v = evaluateBurn(minutes(360, 0, 7), new Date(NOW), 99.9);
    expect(v).toMatchObject({ firing: true, rule: 'slow' });
  });
  it('a sustainable burn, or no traffic, does not page', () => {
    expect(evaluateBurn(minutes(360, 0, 1), new Date(NOW), 99.9).firing).toBe(false);
    expect(evaluateBurn([], new Date(NOW), 99.9).firing).toBe(false);
  });
});
