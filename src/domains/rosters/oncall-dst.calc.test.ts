import { describe, expect, it } from '@jest/globals';
import { DateTime } from 'luxon';
import { onCallAt, shifts } from './oncall.calc.js';
import { type LayerInput, layerInputSchema, type ScheduleRules } from './rosters.types.js';

const HOUR = 3_600_000;

function schedule(timeZone: string, ...layers: Partial<LayerInput>[]): ScheduleRules {
  return {
    timeZone,
    overrides: [],
    layers: layers.map((l, i) =>
      layerInputSchema.parse({
        name: `layer ${i}`,
        participants: ['alice', 'bob', 'carol'],
        start: '2026-01-01T00:00:00Z',
        turn: { unit: 'days', count: 1 },
        handoffTime: '09:00',
        ...l,
      }),
    ),
  };
}

/** [user, start, end, hours] rows for readable expectations. */
function table(s: ScheduleRules, from: string, to: string): [string, string, string, number][] {
  return shifts(s, new Date(from), new Date(to)).map((x) => [
    x.userId,
    x.start.toISOString().replace(':00.000Z', 'Z'),
    x.end.toISOString().replace(':00.000Z', 'Z'),
    (x.end.getTime() - x.start.getTime()) / HOUR,
  ]);
}

/** Shift starts inside the range (not the range start itself). */
function handoffs(s: ScheduleRules, from: string, to: string): string[] {
  const first = new Date(from).toISOString().replace(':00.000Z', 'Z');
  return table(s, from, to)
    .map((r) => r[1])
    .filter((start) => start !== first);
}

describe('daily 09:00 handoffs across the 2026 DST changes', () => {
  it('Europe/London: 23 h turn into BST, 25 h turn back to GMT', () => {
    const s = schedule('Europe/London', {});
    expect(table(s, '2026-03-27T12:00:00Z', '2026-03-30T12:00:00Z')).toEqual([
      ['bob', '2026-03-27T12:00Z', '2026-03-28T09:00Z', 21], // 85 days after the 1 January anchor
      ['carol', '2026-03-28T09:00Z', '2026-03-29T08:00Z', 23],
      ['alice', '2026-03-29T08:00Z', '2026-03-30T08:00Z', 24],
      ['bob', '2026-03-30T08:00Z', '2026-03-30T12:00Z', 4],
    ]);
    expect(handoffs(s, '2026-10-23T12:00:00Z', '2026-10-27T00:00:00Z')).toEqual([
      '2026-10-24T08:00Z',
      '2026-10-25T09:00Z',
      '2026-10-26T09:00Z',
    ]);
    const fallBack = shifts(s, new Date('2026-10-24T08:00:00Z'), new Date('2026-10-25T09:00:00Z'));
    expect(fallBack).toHaveLength(1);
    expect(fallBack[0]!.end.getTime() - fallBack[0]!.start.getTime()).toBe(25 * HOUR);
  });

  it('America/New_York: 13:00Z → 14:00Z and back', () => {
    const s = schedule('America/New_York', {});
    expect(table(s, '2026-03-07T14:00:00Z', '2026-03-09T13:00:00Z').map((r) => r[3])).toEqual([23, 24]);
    expect(handoffs(s, '2026-03-07T12:00:00Z', '2026-03-09T23:00:00Z')).toEqual([
      '2026-03-07T14:00Z',
      '2026-03-08T13:00Z',
      '2026-03-09T13:00Z',
    ]);
    expect(table(s, '2026-10-31T13:00:00Z', '2026-11-02T14:00:00Z').map((r) => r[3])).toEqual([25, 24]);
  });

  it('Australia/Lord_Howe: the 30-minute shift gives 24.5 h and 23.5 h turns', () => {
    const s = schedule('Australia/Lord_Howe', {});
    // DST ends Sun 5 April (+11:00 → +10:30), starts Sun 4 October (+10:30 → +11:00).
    expect(table(s, '2026-04-03T22:00:00Z', '2026-04-05T22:30:00Z')).toEqual([
      [expect.any(String), '2026-04-03T22:00Z', '2026-04-04T22:30Z', 24.5],
      [expect.any(String), '2026-04-04T22:30Z', '2026-04-05T22:30Z', 24],
    ]);
    expect(table(s, '2026-10-02T22:30:00Z', '2026-10-04T22:00:00Z').map((r) => r.slice(1))).toEqual([
      ['2026-10-02T22:30Z', '2026-10-03T22:00Z', 23.5],
      ['2026-10-03T22:00Z', '2026-10-04T22:00Z', 24],
    ]);
  });

  it('Asia/Kolkata: every turn is 24 h at 03:30Z', () => {
    const s = schedule('Asia/Kolkata', {});
    const rows = table(s, '2026-03-01T03:30:00Z', '2026-11-30T03:30:00Z');
    expect(rows.every((r) => r[3] === 24 && r[1].endsWith('T03:30Z'))).toBe(true);
    expect(rows).toHaveLength(274);
  });
});

describe('handoff times inside a skipped or repeated hour', () => {
  it('London 01:30: skipped on 29 March → at the jump (01:00Z); repeated on 25 October → first occurrence', () => {
    const s = schedule('Europe/London', { handoffTime: '01:30' });
    expect(handoffs(s, '2026-03-27T12:00:00Z', '2026-03-31T00:00:00Z')).toEqual([
      '2026-03-28T01:30Z',
      '2026-03-29T01:00Z',
      '2026-03-30T00:30Z',
    ]);
    expect(table(s, '2026-10-24T00:30:00Z', '2026-10-26T01:30:00Z').map((r) => r.slice(1))).toEqual([
      ['2026-10-24T00:30Z', '2026-10-25T00:30Z', 24],
      ['2026-10-25T00:30Z', '2026-10-26T01:30Z', 25],
    ]);
  });

  it('New York: 02:30 is skipped on 8 March (→ 03:00 EDT); 01:30 is repeated on 1 November (→ EDT)', () => {
    const skipped = schedule('America/New_York', { handoffTime: '02:30' });
    expect(handoffs(skipped, '2026-03-06T12:00:00Z', '2026-03-10T00:00:00Z')).toEqual([
      '2026-03-07T07:30Z',
      '2026-03-08T07:00Z',
      '2026-03-09T06:30Z',
    ]);
    const early = schedule('America/New_York', { handoffTime: '01:30' });
    expect(handoffs(early, '2026-03-07T00:00:00Z', '2026-03-09T00:00:00Z')).toEqual([
      '2026-03-07T06:30Z',
      '2026-03-08T06:30Z',
    ]);
    expect(handoffs(early, '2026-10-30T12:00:00Z', '2026-11-03T00:00:00Z')).toEqual([
      '2026-10-31T05:30Z',
      '2026-11-01T05:30Z',
      '2026-11-02T06:30Z',
    ]);
  });

  it('Lord Howe: 02:15 skipped → 02:30 LHDT; 01:45 repeated → first (+11:00)', () => {
    expect(
      handoffs(
        schedule('Australia/Lord_Howe', { handoffTime: '02:15' }),
        '2026-10-02T00:00:00Z',
        '2026-10-04T00:00:00Z',
      ),
    ).toEqual(['2026-10-02T15:45Z', '2026-10-03T15:30Z']);
    expect(
      handoffs(
        schedule('Australia/Lord_Howe', { handoffTime: '01:45' }),
        '2026-04-03T00:00:00Z',
        '2026-04-05T20:00:00Z',
      ),
    ).toEqual(['2026-04-03T14:45Z', '2026-04-04T14:45Z', '2026-04-05T15:15Z']);
  });

  it('never drops or doubles a participant across the changes', () => {
    const s = schedule('Europe/London', { handoffTime: '01:30', participants: ['a', 'b', 'c', 'd'] });
    const users = table(s, '2026-03-20T12:00:00Z', '2026-11-10T12:00:00Z').map((r) => r[0]);
    const order = ['a', 'b', 'c', 'd'];
    for (let i = 1; i < users.length; i++) {
      expect(order.indexOf(users[i]!)).toBe((order.indexOf(users[i - 1]!) + 1) % 4);
    }
  });
});

describe('anchor, weekly and hourly rotations', () => {
  it('starts at the first handoff at or after start; nobody before it', () => {
    const exact = schedule('Europe/London', { start: '2026-02-02T09:00:00Z' });
    expect(onCallAt(exact, new Date('2026-02-02T09:00:00Z')).userIds).toEqual(['alice']);
    expect(onCallAt(exact, new Date('2026-02-02T08:59:59Z'))).toEqual({
      userIds: [],
      source: null,
      until: new Date('2026-02-02T09:00:00Z'),
    });
    const late = schedule('Europe/London', { start: '2026-02-02T09:01:00Z' });
    expect(table(late, '2026-02-01T00:00:00Z', '2026-02-04T09:00:00Z').map((r) => r.slice(0, 2))).toEqual([
      ['alice', '2026-02-03T09:00Z'],
    ]);
  });

  it('weekly on Monday 09:00 London: a 167 h turn over the spring change', () => {
    const s = schedule('Europe/London', {
      turn: { unit: 'weeks', count: 1 },
      handoffWeekday: 1,
      start: '2026-03-18T12:00:00Z',
    });
    expect(table(s, '2026-03-16T00:00:00Z', '2026-04-13T08:00:00Z')).toEqual([
      ['alice', '2026-03-23T09:00Z', '2026-03-30T08:00Z', 167],
      ['bob', '2026-03-30T08:00Z', '2026-04-06T08:00Z', 168],
      ['carol', '2026-04-06T08:00Z', '2026-04-13T08:00Z', 168],
    ]);
  });

  it('fortnightly on Friday 17:00 New York', () => {
    const s = schedule('America/New_York', {
      turn: { unit: 'weeks', count: 2 },
      handoffWeekday: 5,
      handoffTime: '17:00',
      participants: ['a', 'b'],
      start: '2026-10-01T00:00:00Z',
    });
    expect(handoffs(s, '2026-10-01T00:00:00Z', '2026-11-20T00:00:00Z')).toEqual([
      '2026-10-02T21:00Z',
      '2026-10-16T21:00Z',
      '2026-10-30T21:00Z',
      '2026-11-13T22:00Z',
    ]);
    expect(onCallAt(s, new Date('2026-10-20T00:00:00Z'))).toMatchObject({
      userIds: ['b'],
      until: new Date('2026-10-30T21:00:00Z'),
    });
  });

  it('every 8 hours steps in elapsed time, so local handoffs move by the DST shift', () => {
    const s = schedule('America/New_York', {
      turn: { unit: 'hours', count: 8 },
      handoffTime: '07:00',
      start: '2026-03-07T05:00:00Z',
    });
    expect(handoffs(s, '2026-03-07T00:00:00Z', '2026-03-09T00:00:00Z')).toEqual([
      '2026-03-07T12:00Z', // 07:00 EST, the anchor
      '2026-03-07T20:00Z',
      '2026-03-08T04:00Z',
      '2026-03-08T12:00Z', // 08:00 EDT
      '2026-03-08T20:00Z',
    ]);
    expect(onCallAt(s, new Date('2026-03-08T12:00:00Z'))).toMatchObject({
      userIds: ['alice'],
      until: new Date('2026-03-08T20:00:00Z'),
    });
  });
});

describe('every quarter-hour handoff time on every 2026 DST change day', () => {
  const changes: [string, string][] = [
    ['America/New_York', '2026-03-08'],
    ['America/New_York', '2026-11-01'],
    ['Europe/London', '2026-03-29'],
    ['Europe/London', '2026-10-25'],
    ['Australia/Lord_Howe', '2026-04-05'],
    ['Australia/Lord_Howe', '2026-10-04'],
    ['America/Santiago', '2026-04-05'],
    ['America/Santiago', '2026-09-06'],
  ];
  const times = Array.from(
    { length: 96 },
    (_, i) => `${String(Math.floor(i / 4)).padStart(2, '0')}:${String((i % 4) * 15).padStart(2, '0')}`,
  );

  it.each(changes)(
    '%s on %s: first occurrence, or the moment the clocks jump; turns of 23–25 h',
    (zone, day) => {
      const from = new Date(Date.parse(`${day}T00:00:00Z`) - 2 * 24 * HOUR);
      const to = new Date(Date.parse(`${day}T00:00:00Z`) + 3 * 24 * HOUR);
      for (const handoffTime of times) {
        const list = shifts(schedule(zone, { handoffTime }), from, to);
        for (const [i, shift] of list.entries()) {
          if (i === 0) continue;
          const local = DateTime.fromJSDate(shift.start, { zone });
          const before = DateTime.fromMillis(shift.start.getTime() - 1, { zone });
          if (local.toFormat('HH:mm') === handoffTime) {
            for (const back of [15, 30, 45, 60, 90, 120]) {
              const earlier = DateTime.fromMillis(shift.start.getTime() - back * 60_000, { zone });
              expect(earlier.toFormat('yyyy-MM-dd HH:mm')).not.toBe(local.toFormat('yyyy-MM-dd HH:mm'));
            }
          } else {
            expect(before.offset).toBeLessThan(local.offset);
            expect(
              before.toFormat('yyyy-MM-dd HH:mm') < `${local.toFormat('yyyy-MM-dd')} ${handoffTime}`,
            ).toBe(true);
            expect(local.toFormat('HH:mm') > handoffTime).toBe(true);
          }
          if (i + 1 < list.length) {
            const hours = (shift.end.getTime() - shift.start.getTime()) / HOUR;
            expect(hours).toBeGreaterThanOrEqual(23);
            expect(hours).toBeLessThanOrEqual(25);
          }
        }
      }
    },
  );
});
