/** Retry timing for outbox rows: pure, so it is tested with fixed numbers. */

const MAX_DELAY_S = 300;

/** Seconds to wait after a transient failure: 1, 2, 4 … capped at 5 minutes. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(MAX_DELAY_S, 2 ** Math.max(0, Math.min(attempts, 20) - 1));
}

/** When a rate-limited channel may be tried again: Slack's Retry-After, at least 1 s, at most 5 min. */
export function rateLimitUntil(now: Date, retryAfterSeconds: number | undefined): Date {
  const s = Math.min(MAX_DELAY_S, Math.max(1, Math.ceil(retryAfterSeconds ?? 1)));
  return new Date(now.getTime() + s * 1000);
}

/** Transient failures stop being retried after this many attempts (about a day with the cap above). */
export const MAX_ATTEMPTS = 300;
