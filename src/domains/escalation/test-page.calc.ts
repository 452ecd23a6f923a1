/**
 * "Send me a test page": the one-off escalation a test incident runs instead of its service's policy, and how
 * often someone may start one. Pure, time as a parameter.
 */
import type { NotificationRule, PolicySnapshot } from './policy.types.js';

/** One test page per person per this many minutes. */
export const TEST_PAGE_EVERY_MINUTES = 5;
/** The service a test incident names (no service of that name is created: test pages are not sighted). */
export const TEST_PAGE_SERVICE = 'opswatch-test-page';

/** The test's one step waits for the person's whole chain to run: their last rule's delay, plus a minute. */
export function testPageDelayMinutes(rules: readonly Pick<NotificationRule, 'delayMinutes'>[]): number {
  return Math.max(0, ...rules.map((r) => r.delayMinutes)) + 1;
}

/**
 * The test incident's frozen escalation: one step paging `userId` only (high urgency: every severity), run
 * once, whose delay is the chain's; `testOf` tells the engine to resolve it then rather than say nobody
 * acknowledged.
 */
export function testPageSnapshot(userId: string, delayMinutes: number): PolicySnapshot {
  return {
    policyId: null,
    name: 'Test page',
    version: 0,
    spec: {
      steps: [{ delayMinutes, targets: [{ type: 'user', id: userId }] }],
      repeat: 0,
      ackTimeoutMinutes: null,
      urgency: { high: [1, 2, 3, 4, 5] },
      fallbackChannel: null,
    },
    testOf: userId,
  };
}

/** Milliseconds until the person may start another test page (0: now), given when their last one started. */
export function testPageWaitMs(last: Date | null, now: Date): number {
  if (!last) return 0;
  const next = last.getTime() + TEST_PAGE_EVERY_MINUTES * 60_000;
  return Math.max(0, next - now.getTime());
}
