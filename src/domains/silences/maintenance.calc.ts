import { DAY_MS, fromLocalMs, isoWeekdayOf, localDayOf, wallTimeMs } from '../rosters/index.js';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * When a maintenance window happens: once (two instants), or every week on some days from a wall-clock time to
 * another in the window's time zone (`end` at or before `start`: the next day). Wall-clock times follow the zone
 * across DST like rotations do: 01:30–03:30 Europe/Berlin lasts 1 h on the night the clocks spring forward and 3 h
 * on the night they fall back. A start or end the clocks skip happens when they jump; one they repeat, the
 * first time.
 */
export type WindowRule =
  | { kind: 'once'; startsAt: string; endsAt: string }
  | { kind: 'weekly'; days: Weekday[]; start: string; end: string };

export interface WindowSpec {
  rule: WindowRule;
  timeZone: string;
}

export interface Occurrence {
  start: Date;
  end: Date;
}

/** The occurrences of a window that overlap [from, to), in order. */
export function occurrencesBetween(w: WindowSpec, from: Date, to: Date): Occurrence[] {
  const lo = from.getTime();
  const hi = to.getTime();
  if (w.rule.kind === 'once') {
    const start = Date.parse(w.rule.startsAt);
    const end = Date.parse(w.rule.endsAt);
    return start < hi && end > lo ? [{ start: new Date(start), end: new Date(end) }] : [];
  }
  const { days, start, end } = w.rule;
  const wanted = new Set(days.map((d) => WEEKDAYS.indexOf(d) + 1));
  const startMs = wallTimeMs(start);
  const endMs = wallTimeMs(end);
  const overnight = endMs <= startMs;
  const out: Occurrence[] = [];
  const first = localDayOf(w.timeZone, lo) - 1;
  const last = localDayOf(w.timeZone, hi);
  for (let day = first; day <= last; day++) {
    if (!wanted.has(isoWeekdayOf(day))) continue;
    const s = fromLocalMs(w.timeZone, day * DAY_MS + startMs);
    const e = fromLocalMs(w.timeZone, (overnight ? day + 1 : day) * DAY_MS + endMs);
    if (e > s && s < hi && e > lo) out.push({ start: new Date(s), end: new Date(e) });
  }
  return out;
}

/** The occurrence under way at `now` (start ≤ now < end), or null. */
export function activeOccurrence(w: WindowSpec, now: Date): Occurrence | null {
  const t = now.getTime();
  return occurrencesBetween(w, now, new Date(t + 1)).find((o) => o.start.getTime() <= t) ?? null;
}

/**
 * Minutes of [from, to) that some window covers (overlapping windows count once): what an SLA leaves out as
 * planned maintenance.
 */
export function maintenanceMinutes(windows: readonly WindowSpec[], from: Date, to: Date): number {
  const lo = from.getTime();
  const hi = to.getTime();
  if (hi <= lo) return 0;
  const spans = windows
    .flatMap((w) => occurrencesBetween(w, from, to))
    .map((o) => [Math.max(lo, o.start.getTime()), Math.min(hi, o.end.getTime())] as const)
    .sort((a, b) => a[0] - b[0]);
  let total = 0;
  let curStart = Number.NaN;
  let curEnd = Number.NaN;
  for (const [s, e] of spans) {
    if (Number.isNaN(curEnd) || s > curEnd) {
      if (!Number.isNaN(curEnd)) total += curEnd - curStart;
      curStart = s;
      curEnd = e;
    } else curEnd = Math.max(curEnd, e);
  }
  if (!Number.isNaN(curEnd)) total += curEnd - curStart;
  return total / 60_000;
}
