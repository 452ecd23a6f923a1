import { describe, expect, it } from '@jest/globals';
import { isTimeZone, timeZoneSchema, zoneOrUtc, zoneSpelling } from './time-zone.js';

describe('the one time zone rule', () => {
  it.each([
    'Europe/London',
    'America/New_York',
    'Asia/Kolkata', // Slack's `tz` for India; ICU's canonical name is Asia/Calcutta
    'Asia/Calcutta',
    'Australia/Lord_Howe',
    'UTC',
    'Etc/UTC',
    'GMT',
    'US/Eastern',
    'EST5EDT',
    'utc',
    'europe/london',
  ])('accepts %j', (name) => {
    expect(isTimeZone(name)).toBe(true);
  });

  it.each(['', 'Mars/Olympus', '+03:00', '-05:00', 'UTC+3', 'Z', 'local', ' Europe/London'])(
    'refuses %j',
    (name) => {
      expect(isTimeZone(name)).toBe(false);
    },
  );

  it('keeps links as written and fixes the case of canonical names', () => {
    expect(zoneSpelling('US/Eastern')).toBe('US/Eastern');
    expect(zoneSpelling('Etc/UTC')).toBe('Etc/UTC');
    expect(zoneSpelling('Asia/Kolkata')).toBe('Asia/Kolkata');
    expect(zoneSpelling('utc')).toBe('UTC');
    expect(zoneSpelling('europe/london')).toBe('Europe/London');
  });

  it('parses inputs: trimmed, in the database spelling, a person-readable message otherwise', () => {
    expect(timeZoneSchema.parse(' europe/london ')).toBe('Europe/London');
    expect(timeZoneSchema.parse('US/Eastern')).toBe('US/Eastern');
    const bad = timeZoneSchema.safeParse('+03:00');
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.message)).toEqual([
      '"+03:00" is not an IANA time zone name; use one like "Europe/London" or "America/New_York".',
    ]);
  });

  it('falls back to UTC for a missing or unknown stored zone', () => {
    expect(zoneOrUtc('Asia/Kolkata')).toBe('Asia/Kolkata');
    expect(zoneOrUtc(null)).toBe('UTC');
    expect(zoneOrUtc('Mars/Olympus')).toBe('UTC');
    expect(zoneOrUtc('+03:00')).toBe('UTC');
  });
});
