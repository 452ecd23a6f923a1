/** When an overdue action item's owner is reminded: once a day, from 09:00 in their zone. Pure. */
import { DateTime } from 'luxon';

/** The local hour from which the day's reminder goes. */
export const REMIND_FROM_HOUR = 9;

/** The owner's local date at `now`, YYYY-MM-DD. */
export const localDate = (now: Date, zone: string): string =>
  DateTime.fromJSDate(now, { zone }).toISODate() ?? now.toISOString().slice(0, 10);

/** Whether an item due `dueOn` (YYYY-MM-DD) is overdue at `now` in `zone`: its due date has passed there. */
export const isOverdue = (dueOn: string | null, now: Date, zone: string): boolean =>
  dueOn !== null && dueOn < localDate(now, zone);

/**
 * The local date to remind the owner for at `now` (the reminder's day), or null: not overdue, reminded that day
 * already, or before 09:00 there.
 */
export function reminderDay(
  item: { dueOn: string | null; remindedOn: string | null },
  zone: string,
  now: Date,
): string | null {
  const local = DateTime.fromJSDate(now, { zone });
  const today = localDate(now, zone);
  if (!isOverdue(item.dueOn, now, zone)) return null;
  if (item.remindedOn !== null && item.remindedOn >= today) return null;
  return local.hour >= REMIND_FROM_HOUR ? today : null;
}

/** Bounds for the candidates' query: the latest local date anywhere (UTC + 1 day) at `now`. */
export const latestLocalDate = (now: Date): string =>
  DateTime.fromJSDate(now, { zone: 'UTC' }).plus({ days: 1 }).toISODate() ?? '';
