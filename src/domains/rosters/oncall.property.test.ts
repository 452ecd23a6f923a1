import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { gaps, onCallAt, shifts } from './oncall.calc.js';
import type {
  Layer,
  Override,
  Restriction,
  ScheduleRules,
  Shift,
  ShiftSource,
  Turn,
} from './rosters.types.js';

const ZONES = [
  'Europe/London',
  'America/New_York',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
  'UTC',
  'America/Santiago', // DST changes at midnight
  'Pacific/Chatham', // +12:45 / +13:45
];
const USERS = ['u0', 'u1', 'u2', 'u3', 'u4', 'u5'];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2025, 5, 1);
const T1 = Date.UTC(2026, 11, 31);

const pad = (n: number) => String(n).padStart(2, '0');
const anyTime = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45))
  .map(([h, m]) => `${pad(h)}:${pad(m)}`);
/** Half the time a wall time near midnight or in the small hours, where the DST changes are. */
const hhmm = fc.oneof(
  anyTime,
  fc.constantFrom(
    '00:00',
    '00:15',
    '00:30',
    '01:00',
    '01:30',
    '01:45',
    '02:00',
    '02:15',
    '02:30',
    '02:45',
    '03:00',
    '03:15',
    '23:30',
  ),
);
/** The 2026 DST changes of ZONES. */
const CHANGES: [string, string][] = [
  ['America/New_York', '2026-03-08'],
  ['America/New_York', '2026-11-01'],
  ['Europe/London', '2026-03-29'],
  ['Europe/London', '2026-10-25'],
  ['Australia/Lord_Howe', '2026-04-05'],
  ['Australia/Lord_Howe', '2026-10-04'],
  ['America/Santiago', '2026-04-05'],
  ['America/Santiago', '2026-09-06'],
  ['Pacific/Chatham', '2026-04-05'],
  ['Pacific/Chatham', '2026-09-27'],
];
const turn: fc.Arbitrary<Turn> = fc.oneof(
  fc.record({ unit: fc.constant('hours' as const), count: fc.integer({ min: 1, max: 48 }) }),
  fc.record({
    unit: fc.constant('days' as const),
    count: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 10 })),
  }),
  fc.record({
    unit: fc.constant('weeks' as const),
    count: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 3 })),
  }),
);
const restriction: fc.Arbitrary<Restriction> = fc.record({
  weekdays: fc.option(fc.subarray([1, 2, 3, 4, 5, 6, 7], { minLength: 1 }), { nil: undefined }),
  startTime: fc.option(hhmm, { nil: undefined }),
  endTime: fc.option(hhmm, { nil: undefined }),
});
const layer = (participants: fc.Arbitrary<string[]>, restrictions: boolean): fc.Arbitrary<Layer> =>
  fc.record({
    name: fc.constant('layer'),
    participants,
    start: fc.integer({ min: T0, max: T1 }).map((ms) => new Date(ms)),
    turn,
    handoffTime: hhmm,
    handoffWeekday: fc.integer({ min: 1, max: 7 }),
    restrictions: restrictions
      ? fc.option(fc.array(restriction, { minLength: 1, maxLength: 2 }), { nil: undefined })
      : fc.constant(undefined),
  });
/** A zone and a range: anywhere in 2026, or half the time starting a few days before one of the zone's DST changes. */
const zoneAndRange = fc
  .tuple(
    fc.oneof(
      fc.tuple(
        fc.constantFrom(...ZONES),
        fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2026, 11, 1) }),
      ),
      fc
        .tuple(fc.constantFrom(...CHANGES), fc.integer({ min: -5 * DAY, max: DAY }))
        .map(([[zone, day], shift]): [string, number] => [zone, Date.parse(`${day}T00:00:00Z`) + shift]),
    ),
    fc.integer({ min: 60_000, max: 40 * DAY }),
  )
  .map(([[zone, from], length]) => ({ zone, from: new Date(from), to: new Date(from + length) }));
/** Overrides placed around the range (as fractions of it), so that they overlap it and each other. */
const override = fc.record({
  userId: fc.constantFrom(...USERS),
  at: fc.double({ min: -0.2, max: 1, noNaN: true }),
  length: fc.oneof(
    fc.integer({ min: 60_000, max: 5 * DAY }),
    fc.double({ min: 0.01, max: 0.6, noNaN: true }),
  ),
  replaces: fc.option(fc.constantFrom(...USERS), { nil: undefined }),
});
const scheduleAndRange = fc
  .record({
    layers: fc.array(layer(fc.array(fc.constantFrom(...USERS), { minLength: 1, maxLength: 4 }), true), {
      maxLength: 4,
    }),
    overrides: fc.array(override, { maxLength: 6 }),
    range: zoneAndRange,
  })
  .map(({ layers, overrides, range: { zone: timeZone, from, to } }) => {
    const span = to.getTime() - from.getTime();
    const s: ScheduleRules = {
      timeZone,
      layers: layers.map((l, i) => ({ ...l, name: `layer ${i}` })),
      overrides: overrides.map((o, i): Override => {
        const start = Math.round(from.getTime() + o.at * span);
        const length = o.length < 1 ? Math.max(1, Math.round(o.length * span)) : o.length;
        return {
          id: `o${i}`,
          userId: o.userId,
          start: new Date(start),
          end: new Date(start + length),
          replaces: o.replaces,
        };
      }),
    };
    return { s, from, to };
  });

const sameSource = (a: ShiftSource | null, b: ShiftSource | null) => JSON.stringify(a) === JSON.stringify(b);

function covering(list: Shift[], t: number): Shift | undefined {
  return list.find((s) => s.start.getTime() <= t && t < s.end.getTime());
}

describe('on-call properties over random schedules', () => {
  it('shifts are sorted, disjoint, clipped, maximal, and with gaps cover the range exactly', () => {
    fc.assert(
      fc.property(scheduleAndRange, ({ s, from, to }) => {
        const list = shifts(s, from, to);
        let cursor = from.getTime();
        let prev: Shift | undefined;
        for (const x of list) {
          expect(x.start.getTime()).toBeGreaterThanOrEqual(cursor);
          expect(x.end.getTime()).toBeGreaterThan(x.start.getTime());
          if (prev && prev.end.getTime() === x.start.getTime()) {
            expect(prev.userId === x.userId && sameSource(prev.source, x.source)).toBe(false);
          }
          cursor = x.end.getTime();
          prev = x;
        }
        expect(cursor).toBeLessThanOrEqual(to.getTime());
        const covered = list.reduce((sum, x) => sum + x.end.getTime() - x.start.getTime(), 0);
        const holes = gaps(s, from, to);
        const uncovered = holes.reduce((sum, g) => sum + g.end.getTime() - g.start.getTime(), 0);
        expect(covered + uncovered).toBe(to.getTime() - from.getTime());
        for (const g of holes) expect(covering(list, g.start.getTime())).toBeUndefined();
      }),
      { numRuns: 400 },
    );
  });

  it('onCallAt agrees with shifts at random instants and exactly at every boundary', () => {
    fc.assert(
      fc.property(
        scheduleAndRange,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 20 }),
        ({ s, from, to }, picks) => {
          const lo = from.getTime();
          const hi = to.getTime();
          const list = shifts(s, from, to);
          const edges = list.flatMap((x) => [x.start.getTime(), x.end.getTime(), x.end.getTime() - 1]);
          const stride = Math.max(1, Math.floor(edges.length / 60));
          const probes = [
            ...edges.filter((_, i) => i % stride === 0),
            ...picks.map((p) => Math.floor(lo + p * (hi - lo))),
          ];
          const holes = gaps(s, from, to);
          for (const t of probes.filter((p) => p >= lo && p < hi)) {
            const answer = onCallAt(s, new Date(t));
            const shift = covering(list, t);
            const gap = holes.find((g) => g.start.getTime() <= t && t < g.end.getTime());
            expect(answer.userIds).toEqual(shift ? [shift.userId] : []);
            expect(sameSource(answer.source, shift?.source ?? null)).toBe(true);
            const end = (shift?.end ?? gap?.end)?.getTime() ?? hi;
            if (answer.until !== null) {
              if (end < hi) expect(answer.until.getTime()).toBe(end);
              else expect(answer.until.getTime()).toBeGreaterThanOrEqual(hi);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('an unrestricted rotation hands off at the local handoff time, in order, never dropping anyone', () => {
    const rotation = fc.tuple(
      layer(fc.uniqueArray(fc.constantFrom(...USERS), { minLength: 2, maxLength: 5 }), false),
      zoneAndRange,
    );
    fc.assert(
      fc.property(rotation, ([l, { zone, from, to }]) => {
        const s: ScheduleRules = { timeZone: zone, layers: [l], overrides: [] };
        const list = shifts(s, from, to);
        const anchorOrFrom = Math.max(from.getTime(), list[0]?.start.getTime() ?? to.getTime());
        expect(gaps(s, new Date(anchorOrFrom), to)).toEqual([]);
        const n = l.participants.length;
        for (let i = 1; i < list.length; i++) {
          const [a, b] = [list[i - 1]!, list[i]!];
          expect(l.participants.indexOf(b.userId)).toBe((l.participants.indexOf(a.userId) + 1) % n);
          const local = DateTime.fromJSDate(b.start, { zone });
          if (l.turn.unit === 'hours') {
            if (i + 1 < list.length) expect(b.end.getTime() - b.start.getTime()).toBe(l.turn.count * HOUR);
            continue;
          }
          const days = l.turn.count * (l.turn.unit === 'weeks' ? 7 : 1);
          if (i + 1 < list.length)
            expect(Math.abs(b.end.getTime() - b.start.getTime() - days * DAY)).toBeLessThanOrEqual(HOUR);
          if (l.turn.unit === 'weeks') expect(local.weekday).toBe(l.handoffWeekday);
          const justBefore = DateTime.fromMillis(b.start.getTime() - 1, { zone });
          if (local.toFormat('HH:mm') !== l.handoffTime) {
            // Only when the handoff time was skipped: the handoff is the moment the clocks jump.
            expect(justBefore.offset).toBeLessThan(local.offset);
            expect(
              justBefore.toFormat('yyyy-MM-dd HH:mm') < `${local.toFormat('yyyy-MM-dd')} ${l.handoffTime}`,
            ).toBe(true);
            expect(local.toFormat('HH:mm') > l.handoffTime).toBe(true);
          } else {
            // First occurrence of a repeated time: no earlier instant that day shows the same wall time.
            for (let back = 15; back <= 120; back += 15) {
              const earlier = DateTime.fromMillis(b.start.getTime() - back * 60_000, { zone });
              expect(earlier.toFormat('yyyy-MM-dd HH:mm')).not.toBe(local.toFormat('yyyy-MM-dd HH:mm'));
            }
          }
        }
      }),
      { numRuns: 400 },
    );
  });
});

// How fast (90-day shifts of 4 layers × 20 participants with 50 overrides, goal p99 < 20 ms): bench/oncall.ts.
