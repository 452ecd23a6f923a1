import { IANAZone } from 'luxon';

/**
 * Fast, DST-correct conversions between instants and wall-clock time in an IANA zone.
 *
 * Asking Intl for an offset costs several microseconds, so offsets are memoised per zone and UTC day:
 * each day stores its offset at midnight UTC and, if the offset changes during the day, the exact
 * instant (to the second) of that transition. Assumes at most one transition per zone per day,
 * which holds for every real zone.
 *
 * "Local ms" below is wall-clock time written as if it were UTC: `Date.UTC(y, m - 1, d, hh, mm)`.
 */

import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../shared/durations.js';

export { DAY_MS, HOUR_MS, MINUTE_MS };

interface DayOffsets {
  before: number;
  after: number;
  /** Instant of the transition inside the day, or Infinity when the offset is constant all day. */
  at: number;
}

interface ZoneCache {
  zone: IANAZone;
  days: Map<number, DayOffsets>;
}

const MAX_DAYS_PER_ZONE = 200_000;
const zones = new Map<string, ZoneCache>();

function cacheFor(zoneName: string): ZoneCache {
  let cache = zones.get(zoneName);
  if (!cache) {
    // Inputs are checked by the one rule (src/shared/time-zone.ts); here anything luxon can compute with is
    // used, so a schedule stored under an older, looser rule (an offset such as +03:00) still answers.
    const zone = IANAZone.create(zoneName);
    if (!zone.isValid) throw new Error(`Unknown time zone "${zoneName}".`);
    cache = { zone, days: new Map() };
    zones.set(zoneName, cache);
  }
  return cache;
}

function rawOffsetMs(zone: IANAZone, ts: number): number {
  return Math.round(zone.offset(ts) * MINUTE_MS);
}

function dayOffsets(cache: ZoneCache, day: number): DayOffsets {
  const hit = cache.days.get(day);
  if (hit) return hit;
  const start = day * DAY_MS;
  const end = start + DAY_MS;
  const before = cache.days.get(day - 1)?.after ?? rawOffsetMs(cache.zone, start);
  const after = cache.days.get(day + 1)?.before ?? rawOffsetMs(cache.zone, end);
  let at = Number.POSITIVE_INFINITY;
  if (before !== after) {
    // First second in (start, end] carrying the new offset.
    let lo = start / 1000;
    let hi = end / 1000;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (rawOffsetMs(cache.zone, mid * 1000) === before) lo = mid;
      else hi = mid;
    }
    at = hi * 1000;
  }
  if (cache.days.size >= MAX_DAYS_PER_ZONE) cache.days.clear();
  const entry = { before, after, at };
  cache.days.set(day, entry);
  return entry;
}

function offsetIn(cache: ZoneCache, ts: number): number {
  const d = dayOffsets(cache, Math.floor(ts / DAY_MS));
  return ts < d.at ? d.before : d.after;
}

/** The zone's UTC offset in ms at an instant. */
export function offsetAt(zoneName: string, ts: number): number {
  return offsetIn(cacheFor(zoneName), ts);
}

/** Wall-clock time (as local ms) at an instant. */
export function toLocalMs(zoneName: string, ts: number): number {
  return ts + offsetAt(zoneName, ts);
}

/** The local calendar day (days since 1970-01-01) of an instant. */
export function localDayOf(zoneName: string, ts: number): number {
  return Math.floor(toLocalMs(zoneName, ts) / DAY_MS);
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a day number; 1970-01-01 was a Thursday. */
export function isoWeekdayOf(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

/** "HH:mm" → ms after local midnight. */
export function wallTimeMs(hhmm: string): number {
  const [h = '0', m = '0'] = hhmm.split(':');
  return Number(h) * HOUR_MS + Number(m) * MINUTE_MS;
}

/**
 * How a wall-clock time maps to an instant in a zone (the one DST rule, used by rotations, `/oncall at`,
 * ISO times without an offset and the override modal's pickers):
 * - `exact`: it happens once;
 * - `skipped`: the clocks jump over it (spring forward); `at` is the moment they jump, the first valid instant
 *   after the gap; `offsetBefore`/`offsetAfter` are the zone's UTC offsets (ms) either side of the jump;
 * - `repeated`: it happens twice (fall back); `at` is the first time, `later` the second.
 */
export type WallTime =
  | { kind: 'exact'; at: number }
  | { kind: 'skipped'; at: number; offsetBefore: number; offsetAfter: number }
  | { kind: 'repeated'; at: number; later: number };

/** Resolves a wall-clock time (as local ms) in a zone; see `WallTime`. */
export function resolveLocalMs(zoneName: string, localMs: number): WallTime {
  const cache = cacheFor(zoneName);
  const early = offsetIn(cache, localMs - DAY_MS);
  const late = offsetIn(cache, localMs + DAY_MS);
  const withEarly = localMs - early;
  if (early === late) return { kind: 'exact', at: withEarly };
  const withLate = localMs - late;
  const earlyValid = offsetIn(cache, withEarly) === early;
  const lateValid = offsetIn(cache, withLate) === late;
  if (earlyValid && lateValid)
    return { kind: 'repeated', at: Math.min(withEarly, withLate), later: Math.max(withEarly, withLate) };
  if (earlyValid) return { kind: 'exact', at: withEarly };
  if (lateValid) return { kind: 'exact', at: withLate };
  // In the gap: the transition lies between the two readings.
  const lo = Math.min(withEarly, withLate);
  const hi = Math.max(withEarly, withLate);
  let at = hi;
  for (let day = Math.floor(lo / DAY_MS); day <= Math.floor(hi / DAY_MS); day++) {
    const t = dayOffsets(cache, day).at;
    if (t > lo && t <= hi) {
      at = t;
      break;
    }
  }
  return { kind: 'skipped', at, offsetBefore: early, offsetAfter: late };
}

/**
 * The instant a wall-clock time happens. A time skipped by a spring-forward gap resolves to the first
 * valid instant after the gap (the moment the clocks jump); a time repeated by a fall-back resolves to
 * its first occurrence.
 */
export function fromLocalMs(zoneName: string, localMs: number): number {
  return resolveLocalMs(zoneName, localMs).at;
}
