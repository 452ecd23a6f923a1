/** The failures a test programs into the fake Slack: one-off (`failNext`) or decided call by call (a plan). */
import type { Args } from './fake-slack-methods.js';

export interface FailureSpec {
  /** HTTP status to answer with (429 adds `Retry-After`; 5xx answers an error body). */
  status?: number;
  /** Seconds for `Retry-After` (429 only; default 1). */
  retryAfter?: number;
  /** Slack error code answered with HTTP 200 and `ok: false` (e.g. `channel_not_found`, `token_revoked`). */
  error?: string;
  /**
   * Cut the connection instead of answering: `'before'` without carrying the call out, `'after'` once it has
   * been carried out (Slack accepted it, the caller never hears so: a lost answer).
   */
  drop?: 'before' | 'after';
  /** How many calls fail (default 1; `failNext` only). */
  times?: number;
}

/** Decides, for each call that has no `failNext` failure queued, how it fails (null: it does not). */
export type FailurePlan = (method: string, args: Args) => FailureSpec | null;

export class FakeSlackFailures {
  private readonly queued = new Map<string, FailureSpec & { times: number }>();
  private plan: FailurePlan | null = null;

  /** The next `times` calls to `method` (`'*'`: any method) fail this way. */
  failNext(method: string, failure: FailureSpec): void {
    this.queued.set(method, { ...failure, times: failure.times ?? 1 });
  }

  /** Every later call is put to `plan` (null: back to answering normally). */
  failWith(plan: FailurePlan | null): void {
    this.plan = plan;
  }

  /** How this call fails, or null. */
  take(method: string, args: Args): FailureSpec | null {
    for (const key of [method, '*']) {
      const f = this.queued.get(key);
      if (!f) continue;
      f.times--;
      if (f.times <= 0) this.queued.delete(key);
      return f;
    }
    return this.plan?.(method, args) ?? null;
  }

  clear(): void {
    this.queued.clear();
    this.plan = null;
  }
}
