import { describe, expect, it } from '@jest/globals';
import type { HeaderBlock } from '@slack/types';
import { checkLimits, describeViolation } from './limits.js';
import { scheduleEntry, scheduleList, turnText, weekdaysText } from './schedules.blocks.js';
import type { LayerView, ScheduleSummaryView } from './types.js';
import { FIXED_NOW } from './view-fixtures.js';

const opts = { now: FIXED_NOW, baseUrl: 'https://opswatch.example.com', timeZone: 'Europe/London' };
const at = (iso: string) => new Date(iso);
const long = (n: number, unit = 'x') => unit.repeat(n);

const daily: LayerView = {
  name: 'Primary',
  participants: 3,
  turn: { unit: 'days', count: 1 },
  handoffTime: '09:00',
  handoffWeekday: 1,
  restrictions: [],
};
const businessHours: LayerView = {
  name: 'Office',
  participants: 1,
  turn: { unit: 'weeks', count: 1 },
  handoffTime: '09:00',
  handoffWeekday: 1,
  restrictions: [{ weekdays: [1, 2, 3, 4, 5], startTime: '09:00', endTime: '17:00' }],
};
const payments: ScheduleSummaryView = {
  name: 'Payments',
  timeZone: 'Europe/London',
  slackChannel: 'C0PAY',
  slackUserGroup: null,
  layers: [daily],
  gaps: [],
};
const support: ScheduleSummaryView = {
  name: 'Support',
  timeZone: 'America/New_York',
  slackChannel: 'support-oncall',
  slackUserGroup: 'S0SUPPORT',
  layers: [businessHours],
  gaps: Array.from({ length: 5 }, (_, i) => ({
    start: at(`2026-01-0${i + 5}T22:00:00Z`),
    end: at(`2026-01-0${i + 6}T14:00:00Z`),
  })),
};

describe('scheduleList', () => {
  it('lists zone, layers and channel, and flags the schedules with gaps first', () => {
    const msg = scheduleList([payments, support], opts);
    expect((msg.blocks[0] as HeaderBlock).text.text).toBe('Schedules (2)');
    const t = JSON.stringify(msg.blocks);
    expect(t).toContain(':warning: 1 of 2 have uncovered time in the next 14 days');
    expect(t.indexOf('*Support*')).toBeLessThan(t.indexOf('*Payments*'));
    expect(t).toContain('*Payments* · Europe/London · <#C0PAY>');
    expect(t).toContain('Layers: *Primary* (3 people, daily at 09:00)');
    expect(t).toContain(':white_check_mark: Covered for the next 14 days');
    expect(t).toContain('*Support* · America/New_York · #support-oncall <!subteam^S0SUPPORT>');
    expect(t).toContain('*Office* (1 person, weekly on Mon at 09:00, only Mon–Fri 09:00–17:00)');
    expect(t).toContain(
      ':warning: 5 gaps in the next 14 days: Mon 22:00 GMT – Tue 14:00 GMT, Tue 22:00 GMT – Wed 14:00 GMT, Wed 22:00 GMT – Thu 14:00 GMT, +2 more',
    );
    expect(t).toContain('Times in Europe/London');
    expect(msg.text).toBe('Schedules (2): 1 with uncovered time in the next 14 days');
    expect(checkLimits('message', msg)).toEqual([]);
  });

  it('flags a schedule without layers, and says when there are no schedules', () => {
    expect(scheduleEntry({ ...payments, layers: [] }, opts)).toContain('No layers: nobody is ever on call');
    expect(JSON.stringify(scheduleList([], opts).blocks)).toContain('no on-call schedules yet');
  });

  it('describes turns and weekday runs', () => {
    expect(turnText({ turn: { unit: 'hours', count: 12 }, handoffTime: '09:00', handoffWeekday: 1 })).toBe(
      'every 12 hours',
    );
    expect(turnText({ turn: { unit: 'weeks', count: 2 }, handoffTime: '10:00', handoffWeekday: 5 })).toBe(
      'every 2 weeks on Fri at 10:00',
    );
    expect(weekdaysText([6, 1, 3, 7])).toBe('Mon, Wed, Sat–Sun');
    expect(weekdaysText([1, 2, 3, 4, 5, 6, 7])).toBe('every day');
  });

  it('stays within Slack’s limits for 300 schedules with long names, many layers and gaps', () => {
    const many = Array.from({ length: 300 }, (_, i) => ({
      name: `${i}${long(3000, '<&>')}`,
      timeZone: long(500),
      slackChannel: long(500),
      slackUserGroup: long(500),
      layers: Array.from({ length: 20 }, () => ({
        ...businessHours,
        name: long(1000),
        restrictions: Array.from({ length: 50 }, () => businessHours.restrictions[0] ?? {}),
      })),
      gaps: Array.from({ length: 200 }, () => ({ start: FIXED_NOW, end: FIXED_NOW })),
    }));
    const msg = scheduleList(many, opts);
    expect(checkLimits('message', msg).map(describeViolation)).toEqual([]);
    expect(JSON.stringify(msg.blocks)).toMatch(/… and \d+ more schedules/);
  });
});
