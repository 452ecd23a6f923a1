import { describe, expect, it } from '@jest/globals';
import { ManualClock } from './clock.js';

describe('ManualClock', () => {
  it('moves only when told', () => {
    const clock = new ManualClock('2026-03-01T00:00:00Z');
    expect(clock.now().toISOString()).toBe('2026-03-01T00:00:00.000Z');
    clock.advance(15 * 60_000);
    expect(clock.now().toISOString()).toBe('2026-03-01T00:15:00.000Z');
  });
});
