import { DateTime, type DurationLikeObject } from 'luxon';
import { AppError } from '../../shared/errors.js';
import {
  DAY_MS,
  fromLocalMs,
  HOUR_MS,
  isoWeekdayOf,
  localDayOf,
  MINUTE_MS,
  toLocalMs,
} from './zone-time.calc.js';

/**
 * Reads the time in "/oncall at <time>". Wall-clock forms are in `zone`:
 * - `now`; `+2h`, `+30m`, `+1d`, `in 3 hours`, `in 2 days` (days and weeks are calendar days in `zone`);
 * - `17:00`, `5pm`, `5:30pm` — today, even if that is already past;
 * - `today 17:00`, `tomorrow 09:00`, `yesterday 18:00`; `tomorrow` alone = this time of day tomorrow;
 * - `monday 09:00`, `mon 9am`, `next friday` — the next such day after now (today if the time is still
 *   ahead); a weekday alone keeps the current time of day, so it is always 1–7 days ahead;
 * - ISO 8601: `2026-03-29T09:00:00Z`, `2026-03-29T09:00+01:00`, or without offset (`2026-03-29 09:00`,
 *   `2026-03-29`) in `zone`.
 * A wall time skipped by a DST change resolves to the moment the clocks jump, one that happens twice to the first
 * (`resolveLocalMs`), for every form above including ISO times without an offset.
 */

const WEEKDAYS: Record<string, number> = {
  mon: 1,
  monday: 1,
  tue: 2,
  tues: 2,
  tuesday: 2,
  wed: 3,
  wednesday: 3,
  thu: 4,
  thur: 4,
  thurs: 4,
  thursday: 4,
  fri: 5,
  friday: 5,
  sat: 6,
  saturday: 6,
  sun: 7,
  sunday: 7,
};

const DAY_WORDS: Record<string, number> = { today: 0, tomorrow: 1, yesterday: -1 };

const UNITS: Record<string, keyof DurationLikeObject> = {
  m: 'minutes',
  min: 'minutes',
  mins: 'minutes',
  minute: 'minutes',
  minutes: 'minutes',
  h: 'hours',
  hr: 'hours',
  hrs: 'hours',
  hour: 'hours',
  hours: 'hours',
  d: 'days',
  day: 'days',
  days: 'days',
  w: 'weeks',
  wk: 'weeks',
  week: 'weeks',
  weeks: 'weeks',
};

/** An ISO 8601 date-time that says its offset: `…Z`, `…+02:00`, `…-0500`, `…+02`. */
const OFFSET = /T[\d:.,]+(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;
const TIME = String.raw`(\d{1,2})(?::(\d{2}))?\s*(am|pm)?`;
const RELATIVE = /^(?:\+\s*|in\s+)(\d{1,5})\s*([a-z]+)$/;
const BARE_TIME = new RegExp(`^(?:at\\s+)?${TIME}$`);
const DAY_AND_TIME = new RegExp(`^(?:next\\s+)?([a-z]+)(?:\\s+(?:at\\s+)?${TIME})?$`);

function help(text: string, zone: string): AppError {
  return AppError.validation(
    `Couldn't read "${text}" as a time. Try one of: now, 17:00, 5pm, today 17:00, tomorrow 09:00, tomorrow, ` +
      `monday 09:00, +2h, in 3 hours, 2026-03-29T09:00 (in ${zone}) or 2026-03-29T09:00Z.`,
  );
}

/** ms after midnight for hour/minute/meridiem captures, or null when out of range or ambiguous. */
function timeOfDay(
  h: string | undefined,
  m: string | undefined,
  meridiem: string | undefined,
): number | null {
  if (h === undefined) return null;
  let hour = Number(h);
  const minute = m === undefined ? 0 : Number(m);
  if (m === undefined && meridiem === undefined) return null;
  if (minute > 59) return null;
  if (meridiem) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (meridiem === 'pm' ? 12 : 0);
  } else if (hour > 23) return null;
  return hour * HOUR_MS + minute * MINUTE_MS;
}

export function parseWhen(text: string, zone: string, now: Date): Date {
  const raw = text.trim();
  const s = raw.toLowerCase().replace(/\s+/g, ' ');
  const t = now.getTime();
  if (s === 'now') return new Date(t);

  const rel = RELATIVE.exec(s);
  if (rel) {
    const unit = UNITS[rel[2] ?? ''];
    if (!unit) throw help(raw, zone);
    return DateTime.fromMillis(t, { zone })
      .plus({ [unit]: Number(rel[1]) })
      .toJSDate();
  }

  const today = localDayOf(zone, t);
  const nowOfDay = toLocalMs(zone, t) - today * DAY_MS;
  const at = (day: number, ms: number) => new Date(fromLocalMs(zone, day * DAY_MS + ms));

  const bare = BARE_TIME.exec(s);
  if (bare) {
    const ms = timeOfDay(bare[1], bare[2], bare[3]);
    if (ms === null) throw help(raw, zone);
    return at(today, ms);
  }

  const dayAndTime = DAY_AND_TIME.exec(s);
  if (dayAndTime) {
    const word = dayAndTime[1] ?? '';
    const hasTime = dayAndTime[2] !== undefined;
    const ms = hasTime ? timeOfDay(dayAndTime[2], dayAndTime[3], dayAndTime[4]) : nowOfDay;
    const offset = DAY_WORDS[word];
    const weekday = WEEKDAYS[word];
    if (ms !== null && offset !== undefined && !s.startsWith('next ')) {
      return hasTime || offset !== 0 ? at(today + offset, ms) : new Date(t);
    }
    if (ms !== null && weekday !== undefined) {
      let day = today + ((weekday - isoWeekdayOf(today) + 7) % 7);
      if (fromLocalMs(zone, day * DAY_MS + ms) <= t) day += 7;
      return at(day, ms);
    }
    if (offset !== undefined || weekday !== undefined) throw help(raw, zone);
  }

  if (!/^\d{4}-\d{2}-\d{2}/.test(raw)) throw help(raw, zone);
  const written = raw.replace(/^(\d{4}-\d{2}-\d{2})\s+/, '$1T');
  if (OFFSET.test(written)) {
    const iso = DateTime.fromISO(written, { setZone: true });
    if (iso.isValid) return iso.toJSDate();
    throw help(raw, zone);
  }
  // No offset: a wall time in `zone`, read as if it were UTC (local ms) and resolved by the one DST rule.
  const wall = DateTime.fromISO(written, { zone: 'UTC' });
  if (!wall.isValid) throw help(raw, zone);
  return new Date(fromLocalMs(zone, wall.toMillis()));
}
