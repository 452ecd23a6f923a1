import { describe, expect, it } from '@jest/globals';
import { isOverdue, latestLocalDate, reminderDay } from './reminder.calc.js';

const now = (iso: string) => new Date(iso);

describe('overdue reminders', () => {
  it('an item is overdue once its due date has passed in the owner’s zone', () => {
    expect(isOverdue('2026-03-02', now('2026-03-02T23:00:00Z'), 'UTC')).toBe(false);
    expect(isOverdue('2026-03-02', now('2026-03-02T23:30:00Z'), 'Europe/Berlin')).toBe(true);
    expect(isOverdue(null, now('2030-01-01T00:00:00Z'), 'UTC')).toBe(false);
  });

  it('reminds once per local day, from 09:00 there', () => {
    const item = { dueOn: '2026-03-01', remindedOn: null };
    expect(reminderDay(item, 'Europe/Berlin', now('2026-03-02T07:59:00Z'))).toBeNull();
    expect(reminderDay(item, 'Europe/Berlin', now('2026-03-02T08:00:00Z'))).toBe('2026-03-02');
    const reminded = { ...item, remindedOn: '2026-03-02' };
    expect(reminderDay(reminded, 'Europe/Berlin', now('2026-03-02T20:00:00Z'))).toBeNull();
    expect(reminderDay(reminded, 'Europe/Berlin', now('2026-03-03T08:00:00Z'))).toBe('2026-03-03');
    expect(reminderDay(reminded, 'America/New_York', now('2026-03-03T13:59:00Z'))).toBeNull();
    expect(reminderDay(reminded, 'America/New_York', now('2026-03-03T14:00:00Z'))).toBe('2026-03-03');
  });

  it('the candidates’ bound is the latest date anywhere', () => {
    expect(latestLocalDate(now('2026-03-02T23:00:00Z'))).toBe('2026-03-03');
  });
});
