import { IANAZone } from 'luxon';
import { z } from 'zod';

/**
 * The one rule for time zone names, used by users, schedules, Slack profiles and modals alike.
 *
 * A zone is a name in the IANA time zone database as the runtime's ICU knows it: canonical names
 * ("Europe/London", "Asia/Kolkata", "UTC") and the database's links ("Etc/UTC", "GMT", "US/Eastern",
 * "Asia/Calcutta", "EST5EDT"), which luxon resolves to the same rules. Links are kept as written
 * ("US/Eastern" stays "US/Eastern": it means America/New_York and is computed as such). Fixed offsets
 * ("+03:00", "UTC+3") are refused: they are not zone names and do not follow daylight saving time.
 * Surrounding spaces are trimmed; a name in the wrong case ("europe/london", "utc") is accepted and
 * stored in the database's own spelling when it is a canonical name.
 */
export function isTimeZone(name: string): boolean {
  return /^[A-Za-z]/.test(name) && IANAZone.isValidZone(name);
}

/** The database's spelling of a valid zone name ("utc" → "UTC", "europe/london" → "Europe/London"). */
export function zoneSpelling(name: string): string {
  const resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  return resolved.toLowerCase() === name.toLowerCase() ? resolved : name;
}

/** A stored or reported zone, or UTC when it is missing or not one `isTimeZone` accepts. */
export function zoneOrUtc(name: string | null | undefined): string {
  return name && isTimeZone(name) ? name : 'UTC';
}

const timeZoneMessage = (input: unknown): string =>
  `"${String(input)}" is not an IANA time zone name; use one like "Europe/London" or "America/New_York".`;

/** `timeZone` in inputs (REST, YAML, modals): trimmed, checked by `isTimeZone`, in the database's spelling. */
export const timeZoneSchema = z
  .string({ error: 'timeZone must be an IANA time zone name such as "Europe/London".' })
  .trim()
  .refine(isTimeZone, { error: (issue) => timeZoneMessage(issue.input) })
  .transform(zoneSpelling);
