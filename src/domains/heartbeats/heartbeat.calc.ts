/**
 * Heartbeat timing, pure: when a monitor is due, whether it is up, late or down at an instant, and the duration
 * strings people write (`90s`, `5m`, `1h30m`, `1d`). Time is always a parameter.
 */

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 } as const;
const DURATION = /^(?:\d+[smhdw])+$/;

/** Seconds in `90s`, `5m`, `1h30m`, `2d`, `1w`, or a bare number of seconds; null when it is not one. */
export function parseDuration(text: string | number): number | null {
  if (typeof text === 'number') return Number.isInteger(text) && text >= 0 ? text : null;
  const t = text.trim().toLowerCase().replaceAll(' ', '');
  if (/^\d+$/.test(t)) return Number(t);
  if (!DURATION.test(t)) return null;
  let total = 0;
  for (const m of t.matchAll(/(\d+)([smhdw])/g)) {
    total += Number(m[1]) * UNIT_SECONDS[m[2] as keyof typeof UNIT_SECONDS];
  }
  return total;
}

/** `1h30m`, `5m`, `45s`, `2d`: a number of seconds as people write it (0 is `0s`). */
export function formatDuration(seconds: number): string {
  if (seconds <= 0) return '0s';
  let rest = Math.round(seconds);
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join('');
}

/** What a monitor's timing depends on. */
export interface HeartbeatTiming {
  intervalSeconds: number;
  graceSeconds: number;
  createdAt: Date;
  lastPingAt: Date | null;
}

/** `up`: pinged in time. `late`: past its interval, within its grace. `down`: missed. `paused`: not watched. */
export type HeartbeatStatus = 'up' | 'late' | 'down' | 'paused';

const plus = (at: Date, seconds: number) => new Date(at.getTime() + seconds * 1000);

/** Since when the monitor is counted: its last ping, or its creation when it has never been pinged. */
export const countedFrom = (t: HeartbeatTiming): Date => t.lastPingAt ?? t.createdAt;

/** When the next ping is expected: one interval after the last (or after creation). */
export const nextPingDue = (t: HeartbeatTiming): Date => plus(countedFrom(t), t.intervalSeconds);

/** When the monitor goes down unless pinged: interval + grace after the last ping (or creation). */
export const downAt = (t: HeartbeatTiming): Date => plus(countedFrom(t), t.intervalSeconds + t.graceSeconds);

/**
 * The monitor's status at `now`. `stored` is the state the engine last recorded (`down` once it opened the
 * incident, `paused` when someone paused it); a monitor past its deadline that the engine has not yet looked at
 * is already `down` to people.
 */
export function statusAt(t: HeartbeatTiming, stored: 'up' | 'down' | 'paused', now: Date): HeartbeatStatus {
  if (stored === 'paused') return 'paused';
  if (stored === 'down') return 'down';
  const ms = now.getTime();
  if (ms >= downAt(t).getTime()) return 'down';
  if (ms > nextPingDue(t).getTime()) return 'late';
  return 'up';
}
