/**
 * The override modal's times: a datepicker's `YYYY-MM-DD` and a timepicker's `HH:mm`, read in the caller's zone.
 * Pure (luxon only), so DST edges are tested with fixed dates.
 *
 * - A wall time the clocks skip (spring forward: 02:30 on 8 March 2026 in New York) resolves to the moment the
 *   clocks jump (03:00 EDT), as `/oncall at` does, and says so.
 * - A wall time that happens twice (fall back: 01:30 on 25 October 2026 in London) resolves to the first
 *   (01:30 BST), and says so.
 */
import { DateTime, IANAZone } from 'luxon';
import type { WallTimeAdjustment } from '../../../../blocks/types.js';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const MINUTE_MS = 60_000;
/** Looking this far either side of a wall time finds the offsets in force before and after any change near it. */
const PROBE_MS = 36 * 3_600_000;

export interface ResolvedWallTime {
  at: Date;
  adjustment: WallTimeAdjustment | null;
}

const hhmm = (ms: number): string => new Date(ms).toISOString().slice(11, 16);

/** The first instant in (lo, hi] whose offset differs from `lo`'s (lo and hi straddle one change). */
function transitionBetween(zone: IANAZone, lo: number, hi: number): number {
  const before = zone.offset(lo);
  let a = lo;
  let b = hi;
  while (b - a > 1000) {
    const mid = Math.floor((a + b) / 2);
    if (zone.offset(mid) === before) a = mid;
    else b = mid;
  }
  return Math.floor(b / 1000) * 1000;
}

/**
 * The instant of `date` + `time` as a wall clock in `zone`, or null when either is not a real date or time
 * (or the zone is unknown).
 */
export function combineDateTime(date: string, time: string, zone: string): ResolvedWallTime | null {
  const d = DATE.exec(date);
  const t = TIME.exec(time);
  if (!d || !t || !IANAZone.isValidZone(zone)) return null;
  const [year, month, day, hour, minute] = [d[1], d[2], d[3], t[1], t[2]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  if (!DateTime.fromObject({ year, month, day }, { zone: 'UTC' }).isValid) return null;
  const z = IANAZone.create(zone);
  // The wall time written as if it were UTC; an offset o (minutes) maps it to the instant local - o.
  const local = Date.UTC(year, month - 1, day, hour, minute);
  const offsets = [...new Set([z.offset(local - PROBE_MS), z.offset(local), z.offset(local + PROBE_MS)])];
  const instants = offsets
    .map((o) => local - o * MINUTE_MS)
    .filter((ts) => z.offset(ts) * MINUTE_MS === local - ts)
    .sort((a, b) => a - b);
  const [first, second] = instants;
  if (first !== undefined && second !== undefined)
    return {
      at: new Date(first),
      adjustment: { kind: 'repeated', requested: time, other: new Date(second) },
    };
  if (first !== undefined) return { at: new Date(first), adjustment: null };
  // Skipped: between the instant read with the new offset and the one read with the old offset lies the jump.
  const before = z.offset(local - PROBE_MS);
  const after = z.offset(local + PROBE_MS);
  const lo = Math.min(local - before * MINUTE_MS, local - after * MINUTE_MS);
  const hi = Math.max(local - before * MINUTE_MS, local - after * MINUTE_MS);
  const jump = transitionBetween(z, lo, hi);
  return {
    at: new Date(jump),
    adjustment: {
      kind: 'skipped',
      requested: time,
      jumpFrom: hhmm(jump + before * MINUTE_MS),
      jumpTo: hhmm(jump + after * MINUTE_MS),
    },
  };
}

/** The modal's prefill: from the next full hour in `zone` to 8 hours later, as picker values. */
export function overrideDefaults(
  now: Date,
  zone: string,
): { startDate: string; startTime: string; endDate: string; endTime: string } {
  const start = DateTime.fromJSDate(now, { zone }).startOf('hour').plus({ hours: 1 });
  const end = start.plus({ hours: 8 });
  return {
    startDate: start.toFormat('yyyy-LL-dd'),
    startTime: start.toFormat('HH:mm'),
    endDate: end.toFormat('yyyy-LL-dd'),
    endTime: end.toFormat('HH:mm'),
  };
}
