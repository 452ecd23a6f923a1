import { describe, expect, it } from '@jest/globals';
import { fromLocalMs, resolveLocalMs } from './zone-time.calc.js';

const local = (iso: string) => Date.parse(`${iso}Z`);
const at = (iso: string) => Date.parse(iso);
const HOUR = 3_600_000;

describe('resolveLocalMs: the one DST rule for wall-clock times', () => {
  it('a time that happens once', () => {
    expect(resolveLocalMs('Europe/London', local('2026-07-06T10:00'))).toEqual({
      kind: 'exact',
      at: at('2026-07-06T09:00:00Z'),
    });
    expect(resolveLocalMs('Asia/Kolkata', local('2026-01-05T09:15'))).toEqual({
      kind: 'exact',
      at: at('2026-01-05T03:45:00Z'),
    });
    // Just either side of New York's spring-forward gap.
    expect(resolveLocalMs('America/New_York', local('2026-03-08T01:59'))).toEqual({
      kind: 'exact',
      at: at('2026-03-08T06:59:00Z'),
    });
    expect(resolveLocalMs('America/New_York', local('2026-03-08T03:00'))).toEqual({
      kind: 'exact',
      at: at('2026-03-08T07:00:00Z'),
    });
  });

  it('a time the clocks skip: the moment they jump, with the offsets either side', () => {
    expect(resolveLocalMs('America/New_York', local('2026-03-08T02:30'))).toEqual({
      kind: 'skipped',
      at: at('2026-03-08T07:00:00Z'),
      offsetBefore: -5 * HOUR,
      offsetAfter: -4 * HOUR,
    });
    // Lord Howe Island moves its clocks by half an hour.
    expect(resolveLocalMs('Australia/Lord_Howe', local('2026-10-04T02:15'))).toEqual({
      kind: 'skipped',
      at: at('2026-10-03T15:30:00Z'),
      offsetBefore: 10.5 * HOUR,
      offsetAfter: 11 * HOUR,
    });
  });

  it('a time that happens twice: the first, and the second', () => {
    expect(resolveLocalMs('Europe/London', local('2026-10-25T01:30'))).toEqual({
      kind: 'repeated',
      at: at('2026-10-25T00:30:00Z'),
      later: at('2026-10-25T01:30:00Z'),
    });
    expect(fromLocalMs('Europe/London', local('2026-10-25T01:30'))).toBe(at('2026-10-25T00:30:00Z'));
  });

  it('refuses an unknown zone, and still computes with an offset a schedule may have been stored with', () => {
    expect(() => resolveLocalMs('Mars/Olympus', 0)).toThrow('Unknown time zone "Mars/Olympus".');
    expect(resolveLocalMs('+03:00', local('2026-03-29T01:30'))).toEqual({
      kind: 'exact',
      at: at('2026-03-28T22:30:00Z'),
    });
  });
});
