import { describe, expect, it } from '@jest/globals';
import { bundleSms, gsmLength, pageSms, SEGMENT, shorten, toGsm7, voiceScript } from './sms-text.calc.js';

const inc = (number: number, title: string, over: Partial<Parameters<typeof pageSms>[0]> = {}) => ({
  number,
  severity: 1,
  service: 'checkout',
  title,
  drill: false,
  ...over,
});

describe('SMS text', () => {
  it('says the incident and its reply codes', () => {
    expect(pageSms(inc(42, 'Checkout 5xx above 5%'))).toBe(
      'INC-42 P1 checkout: Checkout 5xx above 5%. Reply 42a to ack, 42e to escalate, 42c to close.',
    );
  });

  it('fits one segment by shortening the title, never the codes', () => {
    const text = pageSms(inc(1234, 'x'.repeat(300)));
    expect(gsmLength(text)).toBe(SEGMENT);
    expect(text).toMatch(/x\.\.\.\. Reply 1234a to ack, 1234e to escalate, 1234c to close\.$/);
  });

  it('keeps GSM-7: typographic punctuation made plain, emoji and other scripts replaced', () => {
    expect(toGsm7('“Disk” full — db’s 🙂 Ünïcode')).toBe('"Disk" full - db\'s ? Ünicode');
    expect(gsmLength('a€b')).toBe(4);
    expect(shorten('abcdefghij', 6)).toBe('abc...');
    expect(shorten('abc', 6)).toBe('abc');
  });

  it('says DRILL for a drill', () => {
    expect(pageSms(inc(7, 'Test', { drill: true }))).toMatch(/^DRILL INC-7 P1 checkout: Test\./);
  });

  it('bundles several incidents into one segment when it can, with aa to ack all', () => {
    const text = bundleSms([
      inc(42, 'Latency high'),
      inc(43, 'Errors high', { severity: 2, service: 'api' }),
    ]);
    expect(text).toBe(
      '2 incidents: 42 P1 checkout Latency high, 43 P2 api Errors high; reply 42a, or aa to ack all',
    );
    const many = bundleSms(
      Array.from({ length: 9 }, (_, i) => inc(100 + i, 'A long title that will not fit')),
    );
    expect(gsmLength(many)).toBeLessThanOrEqual(459);
    expect(many).toMatch(/^9 incidents: 100 P1 checkout/);
    expect(many).toMatch(/; reply 100a, or aa to ack all$/);
    expect(bundleSms([inc(5, 'One')])).toBe(pageSms(inc(5, 'One')));
  });
});

describe('voice script', () => {
  it('says the incident (severity, service, title); several are counted first', () => {
    expect(voiceScript([inc(42, 'Disk full')])).toBe(
      'This is OpsWatch. Incident 42, priority one, service checkout: Disk full.',
    );
    expect(voiceScript([inc(1, 'A'), inc(2, 'B')])).toMatch(
      /^This is OpsWatch with 2 incidents\. Incident 1/,
    );
  });
});
