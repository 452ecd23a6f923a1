import type { IncidentStatus } from './incidents.types.js';

export type IncidentAction = 'acknowledge' | 'resolve' | 'retrigger';

export type TransitionResult = { ok: true; next: IncidentStatus } | { ok: false; reason: string };

/** The incident lifecycle: triggered → acknowledged → resolved, and acknowledged → triggered on re-fire. */
export function transition(current: IncidentStatus, action: IncidentAction, ref: string): TransitionResult {
  switch (action) {
    case 'acknowledge':
      if (current === 'triggered') return { ok: true, next: 'acknowledged' };
      return {
        ok: false,
        reason:
          current === 'acknowledged'
            ? `${ref} is already acknowledged.`
            : `${ref} is resolved; it cannot be acknowledged.`,
      };
    case 'resolve':
      if (current !== 'resolved') return { ok: true, next: 'resolved' };
      return { ok: false, reason: `${ref} is already resolved.` };
    case 'retrigger':
      if (current === 'acknowledged') return { ok: true, next: 'triggered' };
      return {
        ok: false,
        reason: `${ref} is ${current}; only an acknowledged incident can be re-triggered.`,
      };
  }
}

/**
 * Whether an alert firing into an acknowledged incident should send it back to triggered:
 * only once the acknowledgement is older than the configured window.
 */
export function shouldRetrigger(
  status: IncidentStatus,
  acknowledgedAt: Date | string | null,
  now: Date,
  windowMinutes: number,
): boolean {
  if (status !== 'acknowledged' || !acknowledgedAt) return false;
  return now.getTime() - new Date(acknowledgedAt).getTime() >= windowMinutes * 60_000;
}
