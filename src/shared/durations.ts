/** Lengths of time in milliseconds (a UTC day: time zones' days are the rosters' `zone-time.calc`). */
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
