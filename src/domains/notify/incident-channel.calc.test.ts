import { describe, expect, it } from '@jest/globals';
import { archiveAt, CHANNEL_NAME_MAX, channelName, slugOf } from './incident-channel.calc.js';

describe('incident channel names', () => {
  it('slugs a title to lowercase letters, digits and single hyphens', () => {
    expect(slugOf('Checkout API: 5xx > 2%!')).toBe('checkout-api-5xx-2');
    expect(slugOf('  Base de données lente  ')).toBe('base-de-donnees-lente');
    expect(slugOf('DB_primary   down')).toBe('db-primary-down');
    expect(slugOf('🔥🔥')).toBe('');
  });

  it('names the channel inc-<number>-<slug>', () => {
    expect(channelName(42, 'Checkout slow')).toBe('inc-42-checkout-slow');
    expect(channelName(7, '!!!')).toBe('inc-7');
  });

  it("keeps to Slack's 80 characters, without a trailing hyphen", () => {
    const long = channelName(1234, `${'a'.repeat(70)} b${'c'.repeat(40)}`);
    expect(long.length).toBeLessThanOrEqual(CHANNEL_NAME_MAX);
    expect(long).toMatch(/^inc-1234-a+$/);
    const cut = channelName(1, `${'word '.repeat(30)}`);
    expect(cut.length).toBeLessThanOrEqual(CHANNEL_NAME_MAX);
    expect(cut.endsWith('-')).toBe(false);
  });

  it('adds a suffix when the name is taken, still within the limit', () => {
    expect(channelName(42, 'Checkout slow', 1)).toBe('inc-42-checkout-slow-2');
    expect(channelName(42, 'Checkout slow', 2)).toBe('inc-42-checkout-slow-3');
    const long = channelName(42, 'x'.repeat(200), 1);
    expect(long.length).toBe(CHANNEL_NAME_MAX);
    expect(long.endsWith('x-2')).toBe(true);
    expect(channelName(42, '', 1)).toBe('inc-42-2');
  });

  it('archives a number of hours after resolution', () => {
    expect(archiveAt(new Date('2026-03-02T10:00:00Z'), 24).toISOString()).toBe('2026-03-03T10:00:00.000Z');
  });
});
