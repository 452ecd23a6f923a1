import { describe, expect, it } from '@jest/globals';
import { rateLimitUntil, retryDelaySeconds } from './backoff.calc.js';

describe('outbox retry timing', () => {
  it('doubles the delay per attempt up to five minutes', () => {
    expect([1, 2, 3, 4, 9, 10, 50].map(retryDelaySeconds)).toEqual([1, 2, 4, 8, 256, 300, 300]);
  });

  it("honours Slack's Retry-After, within 1 s and 5 min", () => {
    const now = new Date('2026-01-05T09:00:00Z');
    expect(rateLimitUntil(now, 3).toISOString()).toBe('2026-01-05T09:00:03.000Z');
    expect(rateLimitUntil(now, undefined).toISOString()).toBe('2026-01-05T09:00:01.000Z');
    expect(rateLimitUntil(now, 0.2).toISOString()).toBe('2026-01-05T09:00:01.000Z');
    expect(rateLimitUntil(now, 86_400).toISOString()).toBe('2026-01-05T09:05:00.000Z');
  });
});
