import { describe, expect, it } from '@jest/globals';
import { nextAllowed } from './throttle.calc.js';

const at = (s: string) => new Date(`2026-03-02T${s}Z`);

describe('per-number throttle', () => {
  it('sends at once to a number that has had nothing', () => {
    expect(nextAllowed('sms', [], at('03:00:00'))).toEqual(at('03:00:00'));
  });

  it('one a minute per number', () => {
    expect(nextAllowed('sms', [at('03:00:00')], at('03:00:30'))).toEqual(at('03:01:00'));
    expect(nextAllowed('voice', [at('03:00:00')], at('03:01:00'))).toEqual(at('03:01:00'));
  });

  it('voice: 3 in 15 minutes', () => {
    const sent = [at('03:00:00'), at('03:02:00'), at('03:04:00')];
    expect(nextAllowed('voice', sent, at('03:05:00'))).toEqual(at('03:15:00'));
    expect(nextAllowed('sms', sent, at('03:05:00'))).toEqual(at('03:05:00'));
  });

  it('SMS: 5 in 15 minutes, 11 an hour', () => {
    const five = ['03:00', '03:01', '03:02', '03:03', '03:04'].map((t) => at(`${t}:00`));
    expect(nextAllowed('sms', five, at('03:05:00'))).toEqual(at('03:15:00'));
    const eleven = Array.from({ length: 11 }, (_, i) => new Date(at('03:00:00').getTime() + i * 4 * 60_000));
    expect(nextAllowed('sms', eleven, at('03:44:00'))).toEqual(at('04:00:00'));
  });

  it('sends older than an hour do not count', () => {
    expect(nextAllowed('voice', [at('01:00:00'), at('01:01:00'), at('01:02:00')], at('03:00:00'))).toEqual(
      at('03:00:00'),
    );
  });
});
