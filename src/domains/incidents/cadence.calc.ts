/** The status update cadence: how often an update is due per severity, and when reminders fall. Pure. */

/** Minutes between updates per severity (1 = P1); a severity left out has no cadence. */
export type CadencePolicy = Readonly<Partial<Record<1 | 2 | 3 | 4 | 5, number>>>;

/** P1 every 30 min, P2 every 60 min, others none. */
export const DEFAULT_CADENCE: CadencePolicy = { 1: 30, 2: 60 };

/** The interval for a severity, or null when it has no cadence. */
export function cadenceMinutes(policy: CadencePolicy, severity: number): number | null {
  const m = policy[severity as 1 | 2 | 3 | 4 | 5];
  return m !== undefined && m > 0 ? m : null;
}

/**
 * Reads `UPDATE_CADENCE`: `P1=30m,P2=60m` (minutes, `h` for hours, a bare number is minutes), `off` for none;
 * empty: the default. Throws with a person-readable message on anything else.
 */
export function parseCadence(text: string | undefined): CadencePolicy {
  const s = (text ?? '').trim();
  if (s === '') return DEFAULT_CADENCE;
  if (/^(off|none)$/i.test(s)) return {};
  const out: Partial<Record<1 | 2 | 3 | 4 | 5, number>> = {};
  for (const part of s.split(/[\s,]+/).filter(Boolean)) {
    const m = /^p?([1-5])\s*=\s*(\d+)\s*(m|min|h)?$/i.exec(part);
    if (!m) throw new Error(`"${part}" is not SEVERITY=INTERVAL (e.g. P1=30m,P2=1h)`);
    const n = Number(m[2]) * (m[3]?.toLowerCase() === 'h' ? 60 : 1);
    if (n < 1 || n > 7 * 24 * 60) throw new Error(`"${part}": the interval must be 1 minute to 7 days`);
    out[Number(m[1]) as 1 | 2 | 3 | 4 | 5] = n;
  }
  return out;
}

const MIN = 60_000;

/** When the first reminder falls after an anchor (the opening or the last update). */
export const firstDue = (anchor: Date, minutes: number): Date => new Date(anchor.getTime() + minutes * MIN);

/**
 * A reminder due at `now`: which interval since `anchor` it is (1 = the first), how long it has been silent, and
 * when the next falls. Intervals missed while nothing ran (an outage) are not reminded one by one: one reminder
 * for the interval `now` is in. Null when no interval has passed yet.
 */
export function reminderAt(
  anchor: Date,
  minutes: number,
  now: Date,
): { interval: number; silentMinutes: number; nextDue: Date } | null {
  const elapsed = now.getTime() - anchor.getTime();
  const interval = Math.floor(elapsed / (minutes * MIN));
  if (interval < 1) return null;
  return {
    interval,
    silentMinutes: interval * minutes,
    nextDue: new Date(anchor.getTime() + (interval + 1) * minutes * MIN),
  };
}

/** Whom a reminder goes to: the commander, else the assignee, else whoever acknowledged (null: nobody). */
export function remindWhom<P>(people: {
  commander: P | null;
  assignee: P | null;
  acknowledger: P | null;
}): P | null {
  return people.commander ?? people.assignee ?? people.acknowledger ?? null;
}
