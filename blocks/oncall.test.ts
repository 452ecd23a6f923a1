import { describe, expect, it } from '@jest/globals';
import type { ActionsBlock, HeaderBlock, KnownBlock } from '@slack/types';
import { ONCALL_ACTIONS } from './ids.js';
import { checkLimits, describeViolation } from './limits.js';
import { decodeMetadata } from './metadata.js';
import {
  myOnCall,
  OverrideButtonValue,
  onCallOverview,
  scheduleNotFound,
  scheduleOnCall,
} from './oncall.blocks.js';
import { packLines, range } from './oncall-lines.js';
import type { OnCallScheduleView, ScheduleDetailView } from './types.js';
import { FIXED_NOW } from './view-fixtures.js';

// FIXED_NOW is Mon 5 Jan 2026 09:00Z; the reader is in London (GMT in January).
const opts = { now: FIXED_NOW, baseUrl: 'https://opswatch.example.com', timeZone: 'Europe/London' };
const at = (iso: string) => new Date(iso);
const alice = { name: 'Alice', slackUserId: 'U0ALICE' };
const bob = { name: 'Bob <b>', slackUserId: null };
const long = (n: number, unit = 'x') => unit.repeat(n);

const payments: OnCallScheduleView = { name: 'Payments', onCall: [alice], until: at('2026-01-06T09:00:00Z') };
const support: OnCallScheduleView = {
  name: 'Support',
  onCall: [],
  until: at('2026-01-05T14:00:00Z'),
  gaps: [{ start: at('2026-01-05T09:00:00Z'), end: at('2026-01-05T14:00:00Z') }],
};
const text = (blocks: KnownBlock[]) => JSON.stringify(blocks);
const clean = (payload: object) => expect(checkLimits('message', payload).map(describeViolation)).toEqual([]);

describe('onCallOverview', () => {
  it('says who is on call until when, flags schedules with nobody on call first, and names the zone', () => {
    const msg = onCallOverview({ at: FIXED_NOW, isNow: true, schedules: [payments, support] }, opts);
    expect((msg.blocks[0] as HeaderBlock).text.text).toBe('On call now');
    const t = text(msg.blocks);
    expect(t).toContain(
      '2 schedules · :warning: 1 with nobody on call · 1 schedule with gaps in the next 14 days',
    );
    expect(t).toContain(
      '*Support*: :warning: *nobody on call* until Mon 14:00 GMT  _(1 gap in the next 14 days)_\\n*Payments*: <@U0ALICE> until Tue 09:00 GMT',
    );
    expect(t).toContain(':clock3: Times in Europe/London');
    expect(msg.text).toBe('On call now: 2 schedules (1 with nobody on call)');
    clean(msg);
  });

  it('heads an answer about another time with that time, in the reader’s zone', () => {
    const msg = onCallOverview(
      { at: at('2026-01-06T14:00:00Z'), isNow: false, schedules: [payments] },
      { ...opts, timeZone: 'America/New_York' },
    );
    expect((msg.blocks[0] as HeaderBlock).text.text).toBe('On call at Tue 09:00 EST');
    expect(text(msg.blocks)).toContain('Times in America/New_York');
  });

  it('says when there are no schedules', () => {
    const msg = onCallOverview({ at: FIXED_NOW, isNow: true, schedules: [] }, opts);
    expect(text(msg.blocks)).toContain('no on-call schedules yet');
  });
});

describe('scheduleOnCall', () => {
  const detail: ScheduleDetailView = {
    ...payments,
    id: '7f1c2a8e-0b7e-4c61-9a35-2d2f1a6b9c01',
    timeZone: 'Europe/London',
    slackChannel: 'C0PAY',
    gaps: [],
    next: [
      { person: bob, start: at('2026-01-06T09:00:00Z'), end: at('2026-01-07T09:00:00Z'), override: false },
      { person: alice, start: at('2026-01-07T09:00:00Z'), end: at('2026-01-07T12:00:00Z'), override: true },
    ],
  };

  it('shows now, until when, the next shifts and an Add override button for the schedule', () => {
    const msg = scheduleOnCall(detail, opts);
    const t = text(msg.blocks);
    expect(t).toContain(':large_green_circle: On call now: <@U0ALICE> until Tue 09:00 GMT');
    expect(t).toContain('• Tue 09:00 GMT – Wed 09:00 GMT — *Bob &lt;b&gt;*');
    expect(t).toContain('• Wed 09:00 GMT – 12:00 GMT — <@U0ALICE> _(override)_');
    expect(t).toContain('No gaps in the next 14 days');
    expect(t).toContain('Schedule zone Europe/London · <#C0PAY>');
    const actions = msg.blocks.find((b): b is ActionsBlock => b.type === 'actions');
    const button = actions?.elements[0] as { action_id: string; value: string };
    expect(button.action_id).toBe(ONCALL_ACTIONS.addOverride);
    expect(decodeMetadata(OverrideButtonValue, button.value)).toEqual({ s: detail.id });
    clean(msg);
  });

  it('flags nobody on call and lists the gaps, first few and +N more', () => {
    const gaps = Array.from({ length: 7 }, (_, i) => ({
      start: at(`2026-01-0${i + 5}T17:00:00Z`),
      end: at(`2026-01-0${i + 6}T09:00:00Z`),
    }));
    const t = text(scheduleOnCall({ ...detail, onCall: [], gaps }, opts).blocks);
    expect(t).toContain(
      ':warning: *Nobody is on call* for *Payments* right now (a gap until Tue 09:00 GMT).',
    );
    expect(t).toContain(
      ':warning: Gaps in the next 14 days: Mon 17:00 GMT – Tue 09:00 GMT, Tue 17:00 GMT – Wed 09:00 GMT, Wed 17:00 GMT – Thu 09:00 GMT, +4 more',
    );
  });
});

describe('myOnCall', () => {
  it('says whether I am on call, my next shifts and my schedules', () => {
    const msg = myOnCall(
      {
        current: [
          {
            scheduleName: 'Payments',
            start: at('2026-01-05T09:00:00Z'),
            end: at('2026-01-06T09:00:00Z'),
            override: false,
          },
        ],
        next: [
          {
            scheduleName: 'Payments',
            start: at('2026-01-08T09:00:00Z'),
            end: at('2026-01-09T09:00:00Z'),
            override: false,
          },
        ],
        schedules: [payments, support],
      },
      { ...opts, timeZone: 'America/New_York' },
    );
    const t = text(msg.blocks);
    expect(t).toContain('You are on call for *Payments* until Tue 04:00 EST');
    expect(t).toContain('• Thu 04:00 EST – Fri 04:00 EST — *Payments*');
    expect(t).toContain('*Support*: :warning: *nobody on call* until Mon 09:00 EST');
    expect(t).toContain('Times in America/New_York');
    expect(msg.text).toBe('You are on call for Payments until Tue 04:00 EST');
  });

  it('says so when I am on no schedule', () => {
    const msg = myOnCall({ current: [], next: [], schedules: [] }, opts);
    expect(text(msg.blocks)).toContain('You are not on any on-call schedule.');
  });
});

describe('scheduleNotFound', () => {
  it('says the words are neither a subcommand nor a schedule, suggests one and shows the help', () => {
    const msg = scheduleNotFound(
      { asked: 'supp', names: ['Payments', 'Support'], suggestion: 'Support' },
      opts,
    );
    const t = text(msg.blocks);
    expect(t).toContain("I don't know `/oncall supp`");
    expect(t).toContain(
      'No schedule is named *supp* either. Did you mean *Support*?\\nSchedules: *Payments* · *Support*',
    );
    expect(t).toContain('`/oncall at time`');
    clean(msg);
  });
});

describe('on-call lines', () => {
  it('writes ranges in the reader’s zone, the end’s date only when it differs', () => {
    expect(range({ start: at('2026-01-05T10:00:00Z'), end: at('2026-01-05T12:00:00Z') }, opts)).toBe(
      'Mon 10:00 GMT – 12:00 GMT',
    );
    expect(range({ start: at('2026-01-05T10:00:00Z'), end: at('2026-03-30T12:00:00Z') }, opts)).toBe(
      'Mon 10:00 GMT – Mon 30 Mar 13:00 BST',
    );
  });

  it('packs lines into sections and counts what did not fit', () => {
    const blocks = packLines(
      Array.from({ length: 10 }, () => long(1400)),
      3,
      (n) => `+${n} more`,
    );
    expect(blocks.map((b) => b.type)).toEqual(['section', 'section', 'context']);
    expect(text(blocks)).toContain('+6 more');
  });
});

describe('on-call messages with huge inputs', () => {
  const huge = (i: number): OnCallScheduleView => ({
    name: `${i} ${long(3000, '<&>')}`,
    onCall:
      i % 3 ? Array.from({ length: 300 }, (_, k) => ({ name: `p${k} ${long(200)}`, slackUserId: null })) : [],
    until: FIXED_NOW,
    gaps: Array.from({ length: 100 }, () => ({ start: FIXED_NOW, end: FIXED_NOW })),
  });
  const schedules = Array.from({ length: 500 }, (_, i) => huge(i));

  it('overview of 500 schedules with long names stays within Slack’s limits and says what was left out', () => {
    const msg = onCallOverview({ at: FIXED_NOW, isNow: false, schedules }, opts);
    clean(msg);
    expect(text(msg.blocks)).toMatch(/… and \d+ more schedules/);
    expect(text(msg.blocks)).toContain('…');
  });

  it('one schedule, me, not found', () => {
    const next = Array.from({ length: 500 }, () => ({
      person: { name: long(5000), slackUserId: null },
      start: FIXED_NOW,
      end: FIXED_NOW,
      override: true,
    }));
    const s = huge(1);
    clean(scheduleOnCall({ ...s, id: long(100), timeZone: long(500), slackChannel: long(500), next }, opts));
    const mine = Array.from({ length: 500 }, () => ({
      scheduleName: long(5000),
      start: FIXED_NOW,
      end: FIXED_NOW,
      override: false,
    }));
    clean(myOnCall({ current: mine, next: mine, schedules }, opts));
    clean(
      scheduleNotFound(
        { asked: long(10_000), names: schedules.map((x) => x.name), suggestion: long(10_000) },
        opts,
      ),
    );
  });
});
