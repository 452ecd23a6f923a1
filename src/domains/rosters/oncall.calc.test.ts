import { describe, expect, it } from '@jest/globals';
import { currentShiftFor, gaps, nextShiftFor, onCallAt, shifts } from './oncall.calc.js';
import { type LayerInput, layerInputSchema, type Override, type ScheduleRules } from './rosters.types.js';

// January 2026 in London is GMT (= UTC). Monday 5 January.
const at = (iso: string) => new Date(`2026-01-${iso}:00Z`);

function layer(input: Partial<LayerInput> & Pick<LayerInput, 'name' | 'participants'>) {
  return layerInputSchema.parse({
    start: '2026-01-01T00:00:00Z',
    turn: { unit: 'days', count: 1 },
    handoffTime: '09:00',
    ...input,
  });
}

const allDay = layer({ name: '24x7', participants: ['night1', 'night2'] });
const businessHours = layer({
  name: 'business hours',
  participants: ['alice', 'bob'],
  start: '2026-01-05T00:00:00Z',
  turn: { unit: 'weeks', count: 1 },
  restrictions: [{ weekdays: [1, 2, 3, 4, 5], startTime: '09:00', endTime: '17:00' }],
});
const base: ScheduleRules = { timeZone: 'Europe/London', layers: [allDay, businessHours], overrides: [] };

const L0 = { kind: 'layer', layerIndex: 0, layerName: '24x7' } as const;
const L1 = { kind: 'layer', layerIndex: 1, layerName: 'business hours' } as const;

/** "user dd hh:mm–dd hh:mm source" lines. */
function lines(s: ScheduleRules, from: string, to: string): string[] {
  const fmt = (d: Date) => d.toISOString().slice(8, 16).replace('T', ' ');
  return shifts(s, at(from), at(to)).map(
    (x) =>
      `${x.userId} ${fmt(x.start)}–${fmt(x.end)} ${x.source.kind === 'layer' ? `L${x.source.layerIndex}` : x.source.overrideId}`,
  );
}

function withOverrides(...overrides: Override[]): ScheduleRules {
  return { ...base, overrides };
}

describe('layers and restrictions', () => {
  it('business hours on top, the 24x7 layer fills the rest', () => {
    expect(lines(base, '05T00:00', '07T00:00')).toEqual([
      'night2 05 00:00–05 09:00 L0',
      'alice 05 09:00–05 17:00 L1',
      'night1 05 17:00–06 09:00 L0',
      'alice 06 09:00–06 17:00 L1',
      'night2 06 17:00–07 00:00 L0',
    ]);
    expect(lines(base, '09T16:00', '11T12:00')).toEqual([
      'alice 09 16:00–09 17:00 L1',
      'night1 09 17:00–10 09:00 L0',
      'night2 10 09:00–11 09:00 L0',
      'night1 11 09:00–11 12:00 L0',
    ]);
  });

  it('onCallAt agrees, with the end of the shift', () => {
    expect(onCallAt(base, at('05T12:00'))).toEqual({ userIds: ['alice'], source: L1, until: at('05T17:00') });
    expect(onCallAt(base, at('05T17:00'))).toEqual({
      userIds: ['night1'],
      source: L0,
      until: at('06T09:00'),
    });
    expect(onCallAt(base, at('10T10:00'))).toEqual({
      userIds: ['night2'],
      source: L0,
      until: at('11T09:00'),
    });
    expect(onCallAt(base, at('12T09:00'))).toEqual({ userIds: ['bob'], source: L1, until: at('12T17:00') });
  });

  it('a window whose end is before its start wraps past midnight', () => {
    const nights = layer({
      name: 'nights',
      participants: ['owl'],
      restrictions: [{ startTime: '22:00', endTime: '06:00' }],
    });
    const days = layer({ name: 'days', participants: ['lark'] });
    const s: ScheduleRules = { timeZone: 'Europe/London', layers: [days, nights], overrides: [] };
    expect(lines(s, '05T00:00', '06T12:00')).toEqual([
      'owl 05 00:00–05 06:00 L1',
      'lark 05 06:00–05 22:00 L0',
      'owl 05 22:00–06 06:00 L1',
      'lark 06 06:00–06 12:00 L0',
    ]);
    expect(onCallAt(s, at('05T23:00'))).toMatchObject({ userIds: ['owl'], until: at('06T06:00') });
  });

  it('restriction windows are local wall-clock time (New York business hours over the spring change)', () => {
    const s: ScheduleRules = {
      timeZone: 'America/New_York',
      overrides: [],
      layers: [
        layer({
          name: 'bh',
          participants: ['alice'],
          restrictions: [{ weekdays: [5, 1], startTime: '09:00', endTime: '17:00' }],
        }),
      ],
    };
    const list = shifts(s, new Date('2026-03-06T00:00:00Z'), new Date('2026-03-10T00:00:00Z'));
    expect(list.map((x) => [x.start.toISOString(), x.end.toISOString()])).toEqual([
      ['2026-03-06T14:00:00.000Z', '2026-03-06T22:00:00.000Z'], // Friday, EST
      ['2026-03-09T13:00:00.000Z', '2026-03-09T21:00:00.000Z'], // Monday, EDT
    ]);
  });

  it('an empty schedule has nobody on call and one big gap', () => {
    const empty: ScheduleRules = { timeZone: 'UTC', layers: [], overrides: [] };
    expect(onCallAt(empty, at('05T00:00'))).toEqual({ userIds: [], source: null, until: null });
    expect(shifts(empty, at('05T00:00'), at('06T00:00'))).toEqual([]);
    expect(gaps(empty, at('05T00:00'), at('06T00:00'))).toEqual([
      { start: at('05T00:00'), end: at('06T00:00') },
    ]);
  });

  it('a shift that never ends has no until', () => {
    const solo: ScheduleRules = {
      timeZone: 'UTC',
      layers: [layer({ name: 'solo', participants: ['sam'] })],
      overrides: [],
    };
    expect(onCallAt(solo, at('05T00:00'))).toMatchObject({ userIds: ['sam'], until: null });
    expect(lines(solo, '05T00:00', '08T00:00')).toEqual(['sam 05 00:00–08 00:00 L0']);
  });
});

describe('overrides', () => {
  const o = (id: string, userId: string, start: string, end: string, replaces?: string): Override => ({
    id,
    userId,
    start: at(start),
    end: at(end),
    replaces,
  });

  it('replacing one participant covers only where that participant would be on call', () => {
    const s = withOverrides(o('o1', 'carol', '06T12:00', '07T12:00', 'alice'));
    expect(lines(s, '06T09:00', '07T17:00')).toEqual([
      'alice 06 09:00–06 12:00 L1',
      'carol 06 12:00–06 17:00 o1',
      'night2 06 17:00–07 09:00 L0',
      'carol 07 09:00–07 12:00 o1',
      'alice 07 12:00–07 17:00 L1',
    ]);
    expect(onCallAt(s, at('06T13:00'))).toEqual({
      userIds: ['carol'],
      source: { kind: 'override', overrideId: 'o1' },
      until: at('06T17:00'),
    });
    expect(lines(withOverrides(o('o4', 'x', '05T00:00', '12T00:00', 'bob')), '05T00:00', '12T00:00')).toEqual(
      lines(base, '05T00:00', '12T00:00'),
    );
  });

  it('an override without replaces covers the whole schedule; later overrides win', () => {
    const s = withOverrides(o('o2', 'dave', '08T08:00', '08T10:00'), o('o3', 'erin', '08T09:30', '08T09:45'));
    expect(lines(s, '08T07:00', '08T11:00')).toEqual([
      'night1 08 07:00–08 08:00 L0',
      'dave 08 08:00–08 09:30 o2',
      'erin 08 09:30–08 09:45 o3',
      'dave 08 09:45–08 10:00 o2',
      'alice 08 10:00–08 11:00 L1',
    ]);
    expect(onCallAt(s, at('08T08:00'))).toMatchObject({ userIds: ['dave'], until: at('08T09:30') });
  });

  it('fills gaps, and gaps() reports what is left uncovered', () => {
    const s: ScheduleRules = {
      timeZone: 'Europe/London',
      layers: [businessHours],
      overrides: [o('o5', 'dave', '05T18:00', '05T20:00')],
    };
    expect(gaps(s, at('05T00:00'), at('07T00:00'))).toEqual([
      { start: at('05T00:00'), end: at('05T09:00') },
      { start: at('05T17:00'), end: at('05T18:00') },
      { start: at('05T20:00'), end: at('06T09:00') },
      { start: at('06T17:00'), end: at('07T00:00') },
    ]);
    expect(onCallAt(s, at('05T17:30'))).toEqual({ userIds: [], source: null, until: at('05T18:00') });
  });
});

describe('/oncall me helpers', () => {
  it('currentShiftFor finds the whole shift in progress', () => {
    expect(currentShiftFor(base, 'night1', at('05T20:00'))).toEqual({
      userId: 'night1',
      start: at('05T17:00'),
      end: at('06T09:00'),
      source: L0,
    });
    expect(currentShiftFor(base, 'alice', at('05T20:00'))).toBeNull();
  });

  it('nextShiftFor skips the shift in progress and reports the true end', () => {
    expect(nextShiftFor(base, 'alice', at('05T12:00'), at('12T00:00'))).toMatchObject({
      start: at('06T09:00'),
      end: at('06T17:00'),
    });
    expect(nextShiftFor(base, 'bob', at('05T12:00'), at('12T10:00'))).toMatchObject({
      start: at('12T09:00'),
      end: at('12T17:00'),
    });
    expect(nextShiftFor(base, 'bob', at('05T12:00'), at('12T09:00'))).toBeNull();
  });
});
