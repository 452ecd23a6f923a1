import { describe, expect, it } from '@jest/globals';
import {
  attainment,
  budgetLeft,
  burnOf,
  burnRate,
  downtimeMinutes,
  dueDays,
  trendOf,
  windowAttainment,
  windowStart,
} from './sla.calc.js';

const at = (iso: string) => new Date(iso);

describe('dueDays', () => {
  const range = { activeFrom: at('2026-11-27T00:00:00Z'), activeTo: null };
  it('owes every whole day since the start, oldest first, none for today', () => {
    expect(dueDays(range, null, at('2026-11-29T00:00:01Z'), 10)).toEqual(['2026-11-27', '2026-11-28']);
    expect(dueDays(range, null, at('2026-11-27T23:59:59Z'), 10)).toEqual([]);
  });
  it('goes on after the latest snapshot, bounded', () => {
    expect(dueDays(range, '2026-11-28', at('2026-12-03T10:00:00Z'), 2)).toEqual(['2026-11-29', '2026-11-30']);
  });
  it('a version starting mid-day covers days from the next one; a closed version stops at its end', () => {
    const mid = { activeFrom: at('2026-12-05T14:00:00Z'), activeTo: at('2026-12-08T00:00:00Z') };
    expect(dueDays(mid, null, at('2026-12-20T00:00:00Z'), 10)).toEqual(['2026-12-06', '2026-12-07']);
  });
});

describe('downtimeMinutes', () => {
  const none = () => 0;
  it('counts overlapping incidents once, clipped to the day', () => {
    const r = downtimeMinutes(
      [
        { triggeredAt: at('2026-11-27T23:30:00Z'), resolvedAt: at('2026-11-28T00:30:00Z') },
        { triggeredAt: at('2026-11-28T10:00:00Z'), resolvedAt: at('2026-11-28T11:00:00Z') },
        { triggeredAt: at('2026-11-28T10:30:00Z'), resolvedAt: at('2026-11-28T11:30:00Z') },
      ],
      at('2026-11-28T00:00:00Z'),
      at('2026-11-29T00:00:00Z'),
      at('2026-11-30T00:00:00Z'),
      none,
    );
    expect(r.minutes).toBe(30 + 90);
    expect(r.spans).toHaveLength(2);
  });
  it('an open incident counts up to now; maintenance inside a span is left out', () => {
    const r = downtimeMinutes(
      [{ triggeredAt: at('2026-11-28T22:00:00Z'), resolvedAt: null }],
      at('2026-11-28T00:00:00Z'),
      at('2026-11-29T00:00:00Z'),
      at('2026-11-28T23:00:00Z'),
      () => 15,
    );
    expect(r.minutes).toBe(45);
  });
});

describe('attainment, burn and budget', () => {
  it('UPTIME: minutes up of the minutes outside maintenance', () => {
    expect(
      attainment('UPTIME', { totalEvents: 0, errorEvents: 0, downtimeMinutes: 45, maintenanceMinutes: 15 }),
    ).toBe(96.8421);
  });
  it('ERROR_RATE: good events of all; a day without events is 100%', () => {
    expect(
      attainment('ERROR_RATE', {
        totalEvents: 10_000,
        errorEvents: 5,
        downtimeMinutes: 0,
        maintenanceMinutes: 0,
      }),
    ).toBe(99.95);
    expect(
      attainment('ERROR_RATE', { totalEvents: 0, errorEvents: 0, downtimeMinutes: 0, maintenanceMinutes: 0 }),
    ).toBe(100);
  });
  it('burn: 1× spends the budget exactly by the end of the window', () => {
    expect(burnRate(1, 1000, 99.9)).toBe(1);
    expect(burnRate(144, 10_000, 99.9)).toBe(14.4);
    expect(burnOf(99.95, 99.9)).toBe(0.5);
  });
  it('budget left of the window, negative when overspent', () => {
    expect(budgetLeft(99.938, 99.9)).toBe(38);
    expect(budgetLeft(99.8, 99.9)).toBe(-100);
  });
  it('the window attainment weighs days by events (minutes for UPTIME)', () => {
    const days = [
      { day: '2026-12-01', uptimePct: 100, totalEvents: 9000, maintenanceMinutes: 0 },
      { day: '2026-12-02', uptimePct: 99, totalEvents: 1000, maintenanceMinutes: 1440 },
    ];
    expect(windowAttainment('ERROR_RATE', days)).toBe(99.9);
    expect(windowAttainment('UPTIME', days)).toBe(100);
    expect(windowAttainment('ERROR_RATE', [])).toBeNull();
  });
  it('windows: the last 30 days, or the quarter so far', () => {
    expect(windowStart('30d', '2026-12-30')).toBe('2026-12-01');
    expect(windowStart('quarterly', '2026-12-30')).toBe('2026-10-01');
    expect(windowStart('quarterly', '2027-01-01')).toBe('2027-01-01');
  });
  it('trend', () => {
    expect(trendOf(99.99, 99.9)).toBe('up');
    expect(trendOf(99.8, 99.9)).toBe('down');
    expect(trendOf(99.9, 99.905)).toBe('flat');
    expect(trendOf(null, 99.9)).toBe('flat');
  });
});
