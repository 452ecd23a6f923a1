import { describe, expect, it } from '@jest/globals';
import { AppError } from '../../shared/errors.js';
import { parseWhen } from './time-parse.calc.js';

// Wednesday 25 March 2026, 14:20 in London (GMT); the clocks go forward on Sunday 29 March.
const now = new Date('2026-03-25T14:20:00Z');
const iso = (text: string, zone = 'Europe/London', at = now) => parseWhen(text, zone, at).toISOString();

describe('parseWhen', () => {
  it.each([
    ['now', '2026-03-25T14:20:00.000Z'],
    ['NOW', '2026-03-25T14:20:00.000Z'],
    ['17:00', '2026-03-25T17:00:00.000Z'],
    ['09:00', '2026-03-25T09:00:00.000Z'], // today even though past
    ['at 9:30', '2026-03-25T09:30:00.000Z'],
    ['5pm', '2026-03-25T17:00:00.000Z'],
    ['5:30 pm', '2026-03-25T17:30:00.000Z'],
    ['12am', '2026-03-25T00:00:00.000Z'],
    ['12pm', '2026-03-25T12:00:00.000Z'],
    ['today 17:00', '2026-03-25T17:00:00.000Z'],
    ['today', '2026-03-25T14:20:00.000Z'],
    ['tomorrow 09:00', '2026-03-26T09:00:00.000Z'],
    ['Tomorrow  at 9am', '2026-03-26T09:00:00.000Z'],
    ['tomorrow', '2026-03-26T14:20:00.000Z'],
    ['yesterday 18:00', '2026-03-24T18:00:00.000Z'],
    ['monday 09:00', '2026-03-30T08:00:00.000Z'], // BST by then
    ['wed 15:00', '2026-03-25T15:00:00.000Z'], // today, still ahead
    ['wednesday 09:00', '2026-04-01T08:00:00.000Z'], // today's is past: next week
    ['next friday', '2026-03-27T14:20:00.000Z'],
    ['wednesday', '2026-04-01T13:20:00.000Z'],
    ['+2h', '2026-03-25T16:20:00.000Z'],
    ['+ 90m', '2026-03-25T15:50:00.000Z'],
    ['in 3 hours', '2026-03-25T17:20:00.000Z'],
    ['in 30 minutes', '2026-03-25T14:50:00.000Z'],
    ['in 5 days', '2026-03-30T13:20:00.000Z'], // calendar days: still 14:20 on the wall
    ['+1w', '2026-04-01T13:20:00.000Z'],
    ['2026-03-29T09:00:00Z', '2026-03-29T09:00:00.000Z'],
    ['2026-03-29T09:00+02:00', '2026-03-29T07:00:00.000Z'],
    ['2026-03-29T09:00', '2026-03-29T08:00:00.000Z'],
    ['2026-03-29 09:00', '2026-03-29T08:00:00.000Z'],
    ['2026-03-29', '2026-03-29T00:00:00.000Z'],
  ])('%s', (text, expected) => {
    expect(iso(text)).toBe(expected);
  });

  it('reads wall-clock forms in the given zone', () => {
    expect(iso('17:00', 'America/New_York')).toBe('2026-03-25T21:00:00.000Z');
    expect(iso('tomorrow 09:00', 'Asia/Kolkata')).toBe('2026-03-26T03:30:00.000Z');
    expect(iso('2026-03-29T09:00', 'Australia/Lord_Howe')).toBe('2026-03-28T22:00:00.000Z');
  });

  it('resolves a skipped wall time to the moment the clocks jump', () => {
    expect(iso('tomorrow 01:30', 'Europe/London', new Date('2026-03-28T12:00:00Z'))).toBe(
      '2026-03-29T01:00:00.000Z',
    );
  });

  it('reads an ISO time without an offset by the same DST rule as the other forms', () => {
    // New York, 8 March 2026: 02:00 EST → 03:00 EDT (07:00Z); 02:30 does not happen.
    expect(iso('2026-03-08T02:30', 'America/New_York')).toBe('2026-03-08T07:00:00.000Z');
    expect(iso('2026-03-29 01:30', 'Europe/London')).toBe(
      iso('tomorrow 01:30', 'Europe/London', new Date('2026-03-28T12:00:00Z')),
    );
    // New York, 1 November 2026: 01:30 happens at 05:30Z (EDT) and again at 06:30Z (EST): the first.
    expect(iso('2026-11-01T01:30', 'America/New_York')).toBe('2026-11-01T05:30:00.000Z');
    // With an offset, the offset decides.
    expect(iso('2026-11-01T01:30-05:00', 'America/New_York')).toBe('2026-11-01T06:30:00.000Z');
    expect(iso('2026-11-01T01:30:00.000Z', 'America/New_York')).toBe('2026-11-01T01:30:00.000Z');
  });

  it.each([
    '',
    'banana',
    '25:00',
    '13pm',
    '9',
    'in 3 fortnights',
    'monday 25:00',
    'someday 09:00',
    '2026-13-01',
  ])('rejects %j with the accepted forms', (text) => {
    let error: unknown;
    try {
      parseWhen(text, 'Europe/London', now);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('validation');
    expect((error as AppError).message).toContain('tomorrow 09:00');
    expect((error as AppError).message).toContain('Europe/London');
  });
});
