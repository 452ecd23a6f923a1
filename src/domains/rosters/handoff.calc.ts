import { shifts } from './oncall.calc.js';
import type { ScheduleRules, Shift } from './rosters.types.js';
import { DAY_MS } from './zone-time.calc.js';

/** The moment the person on call changes: someone takes over, or coverage starts or stops. */
export interface Handoff {
  at: Date;
  /** Who was on call just before (null: nobody, a gap). */
  fromUserId: string | null;
  /** Who is on call from `at` (null: nobody, a gap starts). */
  toUserId: string | null;
  /** When the incoming person's continuous coverage ends (null: beyond the look-ahead, or a gap's end unknown). */
  until: Date | null;
}

/** How far ahead `until` is looked for. */
export const HANDOFF_LOOKAHEAD_MS = 35 * DAY_MS;

interface Run {
  userId: string | null;
  start: number;
  end: number;
}

/** Consecutive time with the same person on call (whatever layer or override gave it), gaps as `null` runs. */
function runs(list: readonly Shift[], from: number, to: number): Run[] {
  const out: Run[] = [];
  let cursor = from;
  const push = (userId: string | null, start: number, end: number) => {
    if (end <= start) return;
    const last = out.at(-1);
    if (last && last.userId === userId && last.end === start) last.end = end;
    else out.push({ userId, start, end });
  };
  for (const s of list) {
    const a = s.start.getTime();
    push(null, cursor, a);
    push(s.userId, a, s.end.getTime());
    cursor = s.end.getTime();
  }
  push(null, cursor, to);
  return out;
}

/**
 * Every handoff at an instant in (from, to], in order. A change of layer or override that keeps the same person on
 * call is not a handoff; a handoff at a wall-clock time follows the schedule's zone across DST like the shifts do.
 */
export function handoffsBetween(schedule: ScheduleRules, from: Date, to: Date): Handoff[] {
  const lo = from.getTime() - 1;
  const hi = to.getTime() + HANDOFF_LOOKAHEAD_MS;
  if (!(to.getTime() > from.getTime())) return [];
  const list = runs(shifts(schedule, new Date(lo), new Date(hi)), lo, hi);
  const out: Handoff[] = [];
  for (let i = 1; i < list.length; i++) {
    const prev = list[i - 1] as Run;
    const next = list[i] as Run;
    if (next.start <= from.getTime() || next.start > to.getTime()) continue;
    out.push({
      at: new Date(next.start),
      fromUserId: prev.userId,
      toUserId: next.userId,
      until: next.end >= hi ? null : new Date(next.end),
    });
  }
  return out;
}
