import { describe, expect, it } from '@jest/globals';
import { describeThrown } from './describe-error.js';

describe('describing whatever was thrown', () => {
  it('gives an Error its message, with its code when the message does not already say it', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(describeThrown(refused)).toBe('connect ECONNREFUSED 127.0.0.1:5432');
    const auth = Object.assign(new Error('password authentication failed for user "x"'), { code: '28P01' });
    expect(describeThrown(auth)).toBe('password authentication failed for user "x" (28P01)');
  });

  it('names the errors an empty-messaged AggregateError holds (what fetch and net throw for several addresses)', () => {
    const agg = new AggregateError([
      Object.assign(new Error('connect ECONNREFUSED ::1:5999'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5999'), { code: 'ECONNREFUSED' }),
    ]);
    expect(describeThrown(agg)).toBe('connect ECONNREFUSED ::1:5999; connect ECONNREFUSED 127.0.0.1:5999');
  });

  it('follows the cause an error wraps, without repeating it', () => {
    const err = new TypeError('fetch failed', { cause: new Error('read ECONNRESET') });
    expect(describeThrown(err)).toBe('fetch failed, caused by: read ECONNRESET');
    const same = new Error('boom: disk full', { cause: new Error('disk full') });
    expect(describeThrown(same)).toBe('boom: disk full');
  });

  it('names an error with no message by its kind', () => {
    expect(describeThrown(new RangeError())).toBe('RangeError with no message');
    expect(describeThrown(new Error(''))).toBe('an error with no message');
  });

  it('says so when something failed with undefined, null or another bare value instead of an error', () => {
    for (const [value, shown] of [
      [undefined, 'undefined'],
      [null, 'null'],
      [42, '42'],
      [false, 'false'],
    ] as const) {
      const text = describeThrown(value);
      expect(text).toContain(`the value ${shown} instead of an error`);
      expect(text.startsWith('no reason given')).toBe(true);
    }
    expect(describeThrown(Symbol('x'))).toContain('Symbol(x)');
  });

  it('shows a plain object as JSON, and uses its message when it has one', () => {
    expect(describeThrown({ status: 503, reason: 'down' })).toBe(
      'no reason given (it failed with an object instead of an error: {"status":503,"reason":"down"})',
    );
    expect(describeThrown({ message: 'quota exceeded', code: 'Q1' })).toBe('quota exceeded (Q1)');
    const circular: Record<string, unknown> = { a: 1 };
    circular.self = circular;
    expect(describeThrown(circular)).toBe(
      'no reason given (it failed with an object with keys a, self instead of an error)',
    );
    expect(describeThrown({})).toBe('no reason given (it failed with an object instead of an error)');
  });

  it('uses a string as it is, and never prints "undefined" or "[object Object]"', () => {
    expect(describeThrown('  the lock is held  ')).toBe('the lock is held');
    expect(describeThrown('')).toBe('an empty error message');
    for (const v of [undefined, {}, [], new Map(), Object.create(null), new Error()]) {
      const text = describeThrown(v);
      expect(text).not.toBe('undefined');
      expect(text).not.toContain('[object Object]');
    }
  });
});
