import { describe, expect, it } from '@jest/globals';
import { handoffDm, handoffPost } from './handoff.blocks.js';
import { checkLimits } from './limits.js';
import type { HandoffView } from './types.js';

const alice = { name: 'Alice Smith', slackUserId: 'U0ALICE' };
const bob = { name: 'Bob', slackUserId: null };
const view: HandoffView = {
  scheduleName: 'Payments',
  at: new Date('2026-03-02T08:00:00Z'),
  until: new Date('2026-03-09T08:00:00Z'),
  from: alice,
  to: { name: 'Bob Jones', slackUserId: 'U0BOB' },
};
const now = new Date('2026-03-02T08:00:02Z');
const section = (m: { blocks: unknown[] }) => (m.blocks[0] as { text: { text: string } }).text.text;

describe('handoff notices', () => {
  it('announces the incoming person in the channel in the schedule zone, naming it', () => {
    const m = handoffPost(view, { now, baseUrl: '', timeZone: 'Europe/Berlin' });
    expect(section(m)).toBe(
      ':pager: <@U0BOB> is now on call for *Payments* until Mon 9 Mar 09:00 CET, taking over from <@U0ALICE>.',
    );
    expect(m.text).toBe(
      'Bob Jones is now on call for Payments until Mon 9 Mar 09:00 CET, taking over from Alice Smith.',
    );
    expect(JSON.stringify(m.blocks[1])).toContain('Times in Europe/Berlin');
    expect(checkLimits('message', m)).toEqual([]);
  });

  it('warns the channel when a gap starts, and writes names for people without Slack ids', () => {
    const m = handoffPost(
      { ...view, to: null, from: bob, until: new Date('2026-03-02T12:00:00Z') },
      { now, baseUrl: '', timeZone: 'UTC' },
    );
    expect(section(m)).toBe(
      ':warning: Nobody is on call for *Payments* until Mon 12:00 UTC after *Bob*. Alerts for it will not page anyone.',
    );
  });

  it('DMs the incoming person in their own zone', () => {
    const m = handoffDm({ ...view, from: null }, { now, baseUrl: '', timeZone: 'America/New_York' });
    expect(section(m)).toBe(':pager: You are now on call for *Payments* until Mon 9 Mar 04:00 EDT.');
    expect(JSON.stringify(m.blocks[1])).toContain('Times in America/New_York');
  });

  it('stays within Slack limits whatever the names', () => {
    const long = { name: 'x'.repeat(5_000), slackUserId: null };
    const m = handoffPost(
      { ...view, scheduleName: 'S'.repeat(10_000), from: long, to: long },
      { now, baseUrl: '', timeZone: 'UTC' },
    );
    expect(checkLimits('message', m)).toEqual([]);
    expect(section(m)).toContain('…');
  });
});
