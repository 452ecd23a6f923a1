import { describe, expect, it } from '@jest/globals';
import { combineDateTime, overrideDefaults } from './override-time.calc.js';

describe('combineDateTime', () => {
  it('reads the date and time as a wall clock in the zone', () => {
    expect(combineDateTime('2026-03-02', '10:00', 'Europe/London')).toEqual({
      at: new Date('2026-03-02T10:00:00Z'),
      adjustment: null,
    });
    expect(combineDateTime('2026-07-06', '10:00', 'Europe/London')?.at).toEqual(
      new Date('2026-07-06T09:00:00Z'),
    );
    expect(combineDateTime('2026-03-03', '09:00', 'America/New_York')?.at).toEqual(
      new Date('2026-03-03T14:00:00Z'),
    );
    expect(combineDateTime('2026-01-05', '09:15', 'Asia/Kolkata')?.at).toEqual(
      new Date('2026-01-05T03:45:00Z'),
    );
  });

  it('moves a time the clocks skip to the moment they jump, and says so', () => {
    // New York, 8 March 2026: 02:00 EST → 03:00 EDT (07:00Z).
    expect(combineDateTime('2026-03-08', '02:30', 'America/New_York')).toEqual({
      at: new Date('2026-03-08T07:00:00Z'),
      adjustment: { kind: 'skipped', requested: '02:30', jumpFrom: '02:00', jumpTo: '03:00' },
    });
    // London, 29 March 2026: 01:00 GMT → 02:00 BST (01:00Z).
    expect(combineDateTime('2026-03-29', '01:00', 'Europe/London')).toEqual({
      at: new Date('2026-03-29T01:00:00Z'),
      adjustment: { kind: 'skipped', requested: '01:00', jumpFrom: '01:00', jumpTo: '02:00' },
    });
    // The minutes either side of the gap are left alone.
    expect(combineDateTime('2026-03-29', '00:59', 'Europe/London')).toEqual({
      at: new Date('2026-03-29T00:59:00Z'),
      adjustment: null,
    });
    expect(combineDateTime('2026-03-29', '02:00', 'Europe/London')).toEqual({
      at: new Date('2026-03-29T01:00:00Z'),
      adjustment: null,
    });
    // Lord Howe Island moves its clocks by half an hour: 02:00 → 02:30 on 4 October 2026.
    expect(combineDateTime('2026-10-04', '02:15', 'Australia/Lord_Howe')?.adjustment).toEqual({
      kind: 'skipped',
      requested: '02:15',
      jumpFrom: '02:00',
      jumpTo: '02:30',
    });
  });

  it('takes the first of a time that happens twice, and says so', () => {
    // London, 25 October 2026: 02:00 BST → 01:00 GMT, so 01:30 is 00:30Z and again 01:30Z.
    expect(combineDateTime('2026-10-25', '01:30', 'Europe/London')).toEqual({
      at: new Date('2026-10-25T00:30:00Z'),
      adjustment: { kind: 'repeated', requested: '01:30', other: new Date('2026-10-25T01:30:00Z') },
    });
  });

  it('refuses what is not a date, a time or a zone', () => {
    expect(combineDateTime('2026-02-30', '10:00', 'UTC')).toBeNull();
    expect(combineDateTime('2026-3-2', '10:00', 'UTC')).toBeNull();
    expect(combineDateTime('2026-03-02', '24:00', 'UTC')).toBeNull();
    expect(combineDateTime('2026-03-02', '9:00', 'UTC')).toBeNull();
    expect(combineDateTime('2026-03-02', '10:00', 'Mars/Olympus')).toBeNull();
  });
});

describe('overrideDefaults', () => {
  it('starts at the next full hour in the zone and ends 8 hours later', () => {
    expect(overrideDefaults(new Date('2026-03-02T09:20:00Z'), 'Europe/London')).toEqual({
      startDate: '2026-03-02',
      startTime: '10:00',
      endDate: '2026-03-02',
      endTime: '18:00',
    });
    // 21:10 in New York: the end is on the next local day.
    expect(overrideDefaults(new Date('2026-03-03T02:10:00Z'), 'America/New_York')).toEqual({
      startDate: '2026-03-02',
      startTime: '22:00',
      endDate: '2026-03-03',
      endTime: '06:00',
    });
    // Half-hour zones count full hours of their own clock.
    expect(overrideDefaults(new Date('2026-01-05T03:40:00Z'), 'Asia/Kolkata')).toMatchObject({
      startTime: '10:00',
      endTime: '18:00',
    });
  });
});
