/**
 * The override modal's times: a datepicker's `YYYY-MM-DD` and a timepicker's `HH:mm`, read in the caller's zone.
 * Pure, so DST edges are tested with fixed dates.
 *
 * - A wall time the clocks skip (spring forward: 02:30 on 8 March 2026 in New York) resolves to the moment the
 *   clocks jump (03:00 EDT), as `/oncall at` does, and says so.
 * - A wall time that happens twice (fall back: 01:30 on 25 October 2026 in London) resolves to the first
 *   (01:30 BST), and says so.
 */
import { DateTime } from 'luxon';
import type { WallTimeAdjustment } from '../../../../blocks/types.js';
import { resolveLocalMs } from '../../../domains/rosters/index.js';
import { isTimeZone } from '../../../shared/time-zone.js';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

export interface ResolvedWallTime {
  at: Date;
  adjustment: WallTimeAdjustment | null;
}

const hhmm = (ms: number): string => new Date(ms).toISOString().slice(11, 16);

/**
 * The instant of `date` + `time` as a wall clock in `zone`, or null when either is not a real date or time
 * (or the zone is unknown). DST edges follow the rosters' one rule (`resolveLocalMs`).
 */
export function combineDateTime(date: string, time: string, zone: string): ResolvedWallTime | null {
  const d = DATE.exec(date);
  const t = TIME.exec(time);
  if (!d || !t || !isTimeZone(zone)) return null;
  const [year, month, day, hour, minute] = [d[1], d[2], d[3], t[1], t[2]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  if (!DateTime.fromObject({ year, month, day }, { zone: 'UTC' }).isValid) return null;
  const wall = resolveLocalMs(zone, Date.UTC(year, month - 1, day, hour, minute));
  switch (wall.kind) {
    case 'exact':
      return { at: new Date(wall.at), adjustment: null };
    case 'repeated':
      return {
        at: new Date(wall.at),
        adjustment: { kind: 'repeated', requested: time, other: new Date(wall.later) },
      };
    case 'skipped':
      return {
        at: new Date(wall.at),
        adjustment: {
          kind: 'skipped',
          requested: time,
          jumpFrom: hhmm(wall.at + wall.offsetBefore),
          jumpTo: hhmm(wall.at + wall.offsetAfter),
        },
      };
  }
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
