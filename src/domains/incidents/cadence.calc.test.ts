import { describe, expect, it } from '@jest/globals';
import {
  cadenceMinutes,
  DEFAULT_CADENCE,
  firstDue,
  parseCadence,
  reminderAt,
  remindWhom,
} from './cadence.calc.js';

const at = (s: string) => new Date(s);
const anchor = at('2026-03-02T09:00:00Z');

describe('update cadence', () => {
  it('defaults to P1 every 30 min, P2 every 60 min, others none', () => {
    expect([1, 2, 3, 4, 5].map((s) => cadenceMinutes(DEFAULT_CADENCE, s))).toEqual([
      30,
      60,
      null,
      null,
      null,
    ]);
  });

  it('reads UPDATE_CADENCE', () => {
    expect(parseCadence(undefined)).toEqual(DEFAULT_CADENCE);
    expect(parseCadence('')).toEqual(DEFAULT_CADENCE);
    expect(parseCadence('off')).toEqual({});
    expect(parseCadence('P1=15m, P2=1h,p3=240')).toEqual({ 1: 15, 2: 60, 3: 240 });
    expect(() => parseCadence('P1=soon')).toThrow('"P1=soon" is not SEVERITY=INTERVAL');
    expect(() => parseCadence('P1=0m')).toThrow('1 minute to 7 days');
  });

  it('is due an interval after the anchor, not before', () => {
    expect(firstDue(anchor, 30)).toEqual(at('2026-03-02T09:30:00Z'));
    expect(reminderAt(anchor, 30, at('2026-03-02T09:29:59Z'))).toBeNull();
    expect(reminderAt(anchor, 30, at('2026-03-02T09:30:00Z'))).toEqual({
      interval: 1,
      silentMinutes: 30,
      nextDue: at('2026-03-02T10:00:00Z'),
    });
    expect(reminderAt(anchor, 30, at('2026-03-02T10:00:10Z'))).toEqual({
      interval: 2,
      silentMinutes: 60,
      nextDue: at('2026-03-02T10:30:00Z'),
    });
  });

  it('after an outage reminds once, for the interval now is in', () => {
    expect(reminderAt(anchor, 30, at('2026-03-02T12:10:00Z'))).toEqual({
      interval: 6,
      silentMinutes: 180,
      nextDue: at('2026-03-02T12:30:00Z'),
    });
  });

  it('reminds the commander, else the assignee, else whoever acknowledged', () => {
    expect(remindWhom({ commander: 'c', assignee: 'a', acknowledger: 'k' })).toBe('c');
    expect(remindWhom({ commander: null, assignee: 'a', acknowledger: 'k' })).toBe('a');
    expect(remindWhom({ commander: null, assignee: null, acknowledger: 'k' })).toBe('k');
    expect(remindWhom({ commander: null, assignee: null, acknowledger: null })).toBeNull();
  });
});
