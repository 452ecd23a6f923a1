/**
 * Per-number throttling of pages by SMS and call, so carriers do not block the sender as spam — pure, time as a
 * parameter. Limits per phone number and kind (counted over the pages already sent to it, bundles counting once):
 * - at most 1 a minute;
 * - voice: 3 in 15 minutes, 7 an hour; SMS: 5 in 15 minutes, 11 an hour.
 * A throttled page waits until the earliest instant every window allows it; it is never dropped.
 */
export type PhoneKind = 'sms' | 'voice';

interface Window {
  ms: number;
  max: number;
}

const MINUTE = 60_000;

export const LIMITS: Record<PhoneKind, readonly Window[]> = {
  sms: [
    { ms: MINUTE, max: 1 },
    { ms: 15 * MINUTE, max: 5 },
    { ms: 60 * MINUTE, max: 11 },
  ],
  voice: [
    { ms: MINUTE, max: 1 },
    { ms: 15 * MINUTE, max: 3 },
    { ms: 60 * MINUTE, max: 7 },
  ],
};

/** The longest window: sends older than this never matter. */
export const THROTTLE_HORIZON_MS = 60 * MINUTE;

/**
 * When the next page of `kind` may go to a number that was sent pages at `sent` (any order): `now` when it may
 * go at once, else the first instant every window has room.
 */
export function nextAllowed(kind: PhoneKind, sent: readonly Date[], now: Date): Date {
  const times = sent
    .map((d) => d.getTime())
    .filter((t) => t > now.getTime() - THROTTLE_HORIZON_MS)
    .sort((a, b) => b - a); // newest first
  let at = now.getTime();
  for (const w of LIMITS[kind]) {
    // The window (at - ms, at] holds `max` sends already: wait until the oldest of the newest `max` leaves it.
    const inWindow = times.filter((t) => t > at - w.ms);
    if (inWindow.length >= w.max) {
      const oldestCounted = times[w.max - 1];
      if (oldestCounted !== undefined) at = Math.max(at, oldestCounted + w.ms);
    }
  }
  return new Date(at);
}
