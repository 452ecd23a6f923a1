import { describe, expect, it } from '@jest/globals';
import { checkLimits, describeViolation } from './limits.js';
import { type SlaView, slaEntry, slaHomeSection, slaList } from './sla.blocks.js';

const checkout: SlaView = {
  service: 'checkout',
  objective: 'uptime',
  target: 99.9,
  window: '30 d',
  attainment: 99.962,
  budgetLeft: 62,
  burn: 0.4,
  trend: 'up',
  version: 2,
};
const search: SlaView = {
  ...checkout,
  service: 'search',
  objective: 'p99 ≤ 300 ms',
  budgetLeft: -12,
  trend: 'down',
};
const fresh: SlaView = { ...checkout, service: 'billing', attainment: null, budgetLeft: null, burn: null };

describe('slaEntry', () => {
  it('says objective, attainment, budget, burn and trend', () => {
    expect(slaEntry(checkout)).toBe(
      ':large_green_circle: *checkout* · 99.9% uptime (30 d)\n99.962% this window ↗ · budget 62% left · burning 0.4×',
    );
    expect(slaEntry(search)).toContain(':red_circle: *search* · 99.9% p99 ≤ 300 ms');
    expect(slaEntry(fresh)).toContain('no snapshot yet');
  });
});

describe('slaList', () => {
  it('puts the SLA with the least budget first and counts the budgets spent', () => {
    const out = slaList([checkout, fresh, search]);
    const text = JSON.stringify(out.blocks);
    expect(text.indexOf('search')).toBeLessThan(text.indexOf('checkout'));
    expect(text.indexOf('checkout')).toBeLessThan(text.indexOf('billing'));
    expect(text).toContain('1 error budget spent');
  });
  it('says when there is none, for everything or one service', () => {
    expect(slaList([]).text).toBe('No SLAs yet.');
    expect(slaList([], 'search').text).toBe('search has no SLA.');
  });
  it('stays within Slack’s limits with thousands of SLAs, and App Home’s section is bounded', () => {
    const many = Array.from({ length: 3000 }, (_, i) => ({
      ...checkout,
      service: `svc-${i}-${'x'.repeat(90)}`,
    }));
    const out = slaList(many);
    expect(checkLimits('message', out).map(describeViolation)).toEqual([]);
    expect(JSON.stringify(out)).toContain('more SLAs');
    const home = slaHomeSection(many, 4);
    expect(home.length).toBeLessThanOrEqual(4);
    expect(checkLimits('home', { type: 'home', blocks: home }).map(describeViolation)).toEqual([]);
  });
});
