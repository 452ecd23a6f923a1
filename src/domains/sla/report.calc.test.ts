import { describe, expect, it } from '@jest/globals';
import { dueWeek, firstDayNeeded, isoWeek, reportLine } from './report.calc.js';

describe('dueWeek', () => {
  it('from Monday 09:00 UTC for 48 hours, the ISO week that ended on Sunday; nothing the rest of the week', () => {
    const w48 = { week: '2026-W48', from: '2026-11-23', to: '2026-11-29' };
    expect(dueWeek(new Date('2026-11-30T09:00:00Z'))).toEqual(w48);
    expect(dueWeek(new Date('2026-12-02T08:59:59Z'))).toEqual(w48);
    expect(dueWeek(new Date('2026-12-02T09:00:00Z'))).toBeNull();
    expect(dueWeek(new Date('2026-12-07T08:59:59Z'))).toBeNull();
    expect(dueWeek(new Date('2026-11-30T08:59:59Z'))).toBeNull();
    expect(dueWeek(new Date('2026-12-07T09:00:00Z'))?.week).toBe('2026-W49');
  });
  it('ISO weeks across the year’s end', () => {
    expect(isoWeek('2026-12-28')).toBe('2026-W53');
    expect(isoWeek('2027-01-03')).toBe('2026-W53');
    expect(isoWeek('2027-01-04')).toBe('2027-W01');
    expect(isoWeek('2024-12-30')).toBe('2025-W01');
    expect(dueWeek(new Date('2027-01-04T10:00:00Z'))).toEqual({
      week: '2026-W53',
      from: '2026-12-28',
      to: '2027-01-03',
    });
  });
});

describe('reportLine', () => {
  const w = { week: '2026-W48', from: '2026-11-23', to: '2026-11-29' };
  const def = {
    service: 'checkout',
    metric: 'ERROR_RATE' as const,
    target: 99,
    window: '30d' as const,
    objective: 'success rate',
  };
  const snap = (day: string, pct: number, breaches = 0) => ({
    day,
    uptimePct: pct,
    totalEvents: 1000,
    maintenanceMinutes: 0,
    breachCount: breaches,
  });
  it('the week, the window, budget, trend against the week before, breaches and the daily series', () => {
    const snaps = [
      snap('2026-11-15', 90), // before both weeks: in the window only
      snap('2026-11-16', 100),
      snap('2026-11-22', 100),
      snap('2026-11-23', 99, 2),
      snap('2026-11-29', 98, 1),
      snap('2026-11-30', 50), // after the week: ignored
    ];
    const line = reportLine(w, def, snaps);
    expect(line).toMatchObject({ week: 98.5, windowAttainment: 97.4, trend: 'down', breaches: 3 });
    expect(line.budgetLeft).toBeCloseTo(-160, 6);
    expect(line.days.map((d) => d.day)).toEqual(['2026-11-16', '2026-11-22', '2026-11-23', '2026-11-29']);
  });
  it('no snapshot: nothing known, flat', () => {
    expect(reportLine(w, def, [])).toMatchObject({
      week: null,
      budgetLeft: null,
      trend: 'flat',
      breaches: 0,
    });
  });
  it('the snapshots needed reach back to the longest window', () => {
    expect(firstDayNeeded(w, ['30d'])).toBe('2026-10-31');
    expect(firstDayNeeded(w, ['30d', 'quarterly'])).toBe('2026-10-01');
    expect(firstDayNeeded(w, [])).toBe('2026-11-16');
  });
});
