import { describe, expect, it } from '@jest/globals';
import { escapeMrkdwn, formatDuration, link, person, slackDate, zonedTime } from './format.js';

describe('formatDuration', () => {
  it.each([
    [30_000, '<1m'],
    [3 * 60_000, '3m'],
    [(2 * 60 + 5) * 60_000, '2h 5m'],
    [2 * 3_600_000, '2h'],
    [(28 * 60 + 10) * 60_000, '1d 4h'],
    [3 * 86_400_000, '3d'],
    [-5_000, '<1m'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('mrkdwn helpers', () => {
  it('escapes control characters', () => {
    expect(escapeMrkdwn('<!channel> & co')).toBe('&lt;!channel&gt; &amp; co');
  });

  it('mentions Slack ids and bolds names', () => {
    expect(person('Alice', 'U123ABC')).toBe('<@U123ABC>');
    expect(person('U123ABC')).toBe('<@U123ABC>');
    expect(person('Bob <b>')).toBe('*Bob &lt;b&gt;*');
  });

  it('links only http(s) URLs', () => {
    expect(link('https://x.example/a?b=1&c=|', 'Graph')).toBe('<https://x.example/a?b=1&amp;c=%7C|Graph>');
    expect(link('javascript:alert(1)', 'bad')).toBe('bad');
  });

  it('renders dates for each reader with a zoned fallback', () => {
    const at = new Date('2026-01-05T09:00:00Z');
    expect(slackDate(at, { now: at, baseUrl: '', timeZone: 'Europe/Berlin' })).toBe(
      '<!date^1767603600^{date_short_pretty} {time}|2026-01-05 10:00 +01:00>',
    );
  });

  it('writes times out in a named zone, with its abbreviation or offset', () => {
    const winter = new Date('2026-01-05T09:00:00Z');
    const summer = new Date('2026-07-06T09:00:00Z');
    expect(zonedTime(winter, 'Europe/Berlin')).toBe('Mon 5 Jan 10:00 CET');
    expect(zonedTime(summer, 'Europe/London')).toBe('Mon 6 Jul 10:00 BST');
    expect(zonedTime(summer, 'America/New_York')).toBe('Mon 6 Jul 05:00 EDT');
    expect(zonedTime(winter, 'Asia/Kolkata')).toBe('Mon 5 Jan 14:30 GMT+5:30');
    expect(zonedTime(summer, 'Australia/Lord_Howe')).toBe('Mon 6 Jul 19:30 GMT+10:30');
    expect(zonedTime(winter, 'UTC')).toBe('Mon 5 Jan 09:00 UTC');
    // Within six days the weekday is enough.
    expect(zonedTime(winter, 'Europe/Berlin', new Date('2026-01-01T00:00:00Z'))).toBe('Mon 10:00 CET');
    expect(zonedTime(winter, 'Europe/Berlin', new Date('2025-12-20T00:00:00Z'))).toBe('Mon 5 Jan 10:00 CET');
  });
});
