import { describe, expect, it } from '@jest/globals';
import {
  activeOccurrence,
  maintenanceMinutes,
  occurrencesBetween,
  type WindowSpec,
} from './maintenance.calc.js';

const at = (iso: string) => new Date(iso);
const iso = (o: { start: Date; end: Date }) => [o.start.toISOString(), o.end.toISOString()];

/** Every Sunday 01:30–03:30 in Berlin; 2027's clocks change on 28 March and 31 October. */
const sundayNight: WindowSpec = {
  timeZone: 'Europe/Berlin',
  rule: { kind: 'weekly', days: ['sun'], start: '01:30', end: '03:30' },
};

describe('weekly maintenance windows keep their wall-clock times across DST', () => {
  it('spring forward: 01:30 CET to 03:30 CEST is one hour', () => {
    const occ = occurrencesBetween(sundayNight, at('2027-03-20T00:00:00Z'), at('2027-04-05T00:00:00Z'));
    expect(occ.map(iso)).toEqual([
      ['2027-03-21T00:30:00.000Z', '2027-03-21T02:30:00.000Z'],
      ['2027-03-28T00:30:00.000Z', '2027-03-28T01:30:00.000Z'],
      ['2027-04-03T23:30:00.000Z', '2027-04-04T01:30:00.000Z'],
    ]);
  });

  it('fall back: 01:30 CEST to 03:30 CET is three hours', () => {
    const occ = occurrencesBetween(sundayNight, at('2027-10-30T00:00:00Z'), at('2027-11-01T00:00:00Z'));
    expect(occ.map(iso)).toEqual([['2027-10-30T23:30:00.000Z', '2027-10-31T02:30:00.000Z']]);
  });

  it.each([
    ['2027-03-28T00:29:59Z', false],
    ['2027-03-28T00:30:00Z', true],
    ['2027-03-28T01:29:59Z', true],
    ['2027-03-28T01:30:00Z', false],
    ['2027-10-30T23:29:59Z', false],
    ['2027-10-30T23:30:00Z', true],
    ['2027-10-31T01:30:00Z', true],
    ['2027-10-31T02:29:59Z', true],
    ['2027-10-31T02:30:00Z', false],
    ['2027-10-24T00:00:00Z', true],
    ['2027-10-24T01:30:00Z', false],
  ])('at %s the window is active: %s', (instant, active) => {
    expect(activeOccurrence(sundayNight, at(instant)) !== null).toBe(active);
  });

  it('a window past midnight ends the next day; a start the clocks skip happens when they jump', () => {
    const night: WindowSpec = {
      timeZone: 'Europe/Berlin',
      rule: { kind: 'weekly', days: ['sat'], start: '23:00', end: '02:30' },
    };
    const occ = occurrencesBetween(night, at('2027-03-27T00:00:00Z'), at('2027-03-29T00:00:00Z'));
    // 23:00 CET Saturday → 02:30 Sunday does not exist: the clocks jump to 03:00 CEST (01:00Z).
    expect(occ.map(iso)).toEqual([['2027-03-27T22:00:00.000Z', '2027-03-28T01:00:00.000Z']]);
  });
});

describe('maintenance minutes', () => {
  it('counts the overlap with a range, overlapping windows once', () => {
    const once: WindowSpec = {
      timeZone: 'UTC',
      rule: { kind: 'once', startsAt: '2027-03-28T01:00:00Z', endsAt: '2027-03-28T02:00:00Z' },
    };
    expect(maintenanceMinutes([sundayNight], at('2027-03-01T00:00:00Z'), at('2027-04-01T00:00:00Z'))).toBe(
      3 * 120 + 60,
    );
    expect(
      maintenanceMinutes([sundayNight, once], at('2027-03-28T00:00:00Z'), at('2027-03-29T00:00:00Z')),
    ).toBe(90);
    expect(maintenanceMinutes([sundayNight], at('2027-10-31T00:00:00Z'), at('2027-10-31T01:00:00Z'))).toBe(
      60,
    );
    expect(maintenanceMinutes([], at('2027-10-31T00:00:00Z'), at('2027-10-31T01:00:00Z'))).toBe(0);
  });
});
