import { describe, expect, it } from '@jest/globals';
import { checkLimits, describeViolation } from './limits.js';
import { type SlaReportLineView, slaReportEntry, slaWeeklyReport } from './sla-report.blocks.js';

const checkout: SlaReportLineView = {
  service: 'checkout',
  objective: 'success rate',
  target: 99.9,
  window: '30d',
  week: 99.95,
  windowAttainment: 99.93,
  budgetLeft: 30,
  trend: 'up',
  breaches: 2,
};
const week = { week: '2026-W48', from: '2026-11-23', to: '2026-11-29', more: 0 };

describe('slaReportEntry', () => {
  it('says the week with its trend, the window, the budget left and the breaches', () => {
    expect(slaReportEntry(checkout)).toBe(
      ':large_orange_circle: *checkout* · 99.9% success rate (30 d)\n99.95% this week ↗ · 99.93% this 30 d · budget 30% left · 2 breaches',
    );
    expect(
      slaReportEntry({ ...checkout, window: 'quarterly', budgetLeft: -5, trend: 'down', breaches: 0 }),
    ).toBe(
      ':red_circle: *checkout* · 99.9% success rate (quarter)\n99.95% this week ↘ · 99.93% this quarter · budget -5% left · no breaches',
    );
    expect(slaReportEntry({ ...checkout, week: null, windowAttainment: null, budgetLeft: null })).toContain(
      'no snapshot yet',
    );
  });
});

describe('slaWeeklyReport', () => {
  it('names the week and its days, and sums up budgets spent and breaches', () => {
    const out = slaWeeklyReport({ ...week, lines: [{ ...checkout, budgetLeft: -1 }, checkout] });
    expect(out.text).toBe(
      'Weekly SLA report · 2026-W48 (23 Nov 2026 – 29 Nov 2026): 2 SLAs, 1 budget(s) spent',
    );
    const text = JSON.stringify(out.blocks);
    expect(text).toContain(
      '23 Nov 2026 – 29 Nov 2026 (UTC) · 2 SLAs · :red_circle: 1 error budget spent · 4 breaches',
    );
  });
  it('stays within Slack’s limits with 500 long lines and more past them', () => {
    const lines = Array.from({ length: 500 }, (_, i) => ({
      ...checkout,
      service: `svc-${i}-${'x'.repeat(200)}`,
      objective: 'o'.repeat(300),
    }));
    const out = slaWeeklyReport({ ...week, lines, more: 1500 });
    expect(checkLimits('message', out).map(describeViolation)).toEqual([]);
    expect(JSON.stringify(out.blocks.at(-1))).toContain('more SLAs');
  });
  it('with no SLA left, says so', () => {
    expect(JSON.stringify(slaWeeklyReport({ ...week, lines: [] }).blocks)).toContain('no SLAs any more');
  });
});

describe('slaWeeklyReport’s count of SLAs past the payload', () => {
  it('is shown even when every line fits, and added to the lines cut', () => {
    const few = slaWeeklyReport({ ...week, lines: [checkout], more: 3 });
    expect(JSON.stringify(few.blocks.at(-1))).toContain('and 3 more SLAs');
    const lines = Array.from({ length: 500 }, (_, i) => ({
      ...checkout,
      service: `svc-${i}-${'x'.repeat(400)}`,
    }));
    const many = slaWeeklyReport({ ...week, lines, more: 1500 });
    expect(checkLimits('message', many).map(describeViolation)).toEqual([]);
    expect(JSON.stringify(many.blocks.at(-1))).toMatch(/and \d{4} more SLAs/);
  });
});
