import { describe, expect, it } from '@jest/globals';
import { codeHash, judgeCode, newCode, resendWaitMs, verdictMessage } from './verification.calc.js';

const T = 'tenant-1';
const M = 'method-1';
const sent = new Date('2026-03-02T09:00:00Z');
const at = (minutes: number) => new Date(sent.getTime() + minutes * 60_000);
const state = (tries = 0) => ({ codeHash: codeHash(T, M, '123456'), expiresAt: at(10), tries });

describe('verification codes', () => {
  it('are 6 digits', () => {
    for (let i = 0; i < 200; i++) expect(newCode()).toMatch(/^\d{6}$/);
  });

  it('are hashed with their tenant and method', () => {
    expect(codeHash(T, M, '123456')).toMatch(/^[0-9a-f]{64}$/);
    expect(codeHash(T, M, '123456')).not.toBe(codeHash(T, 'method-2', '123456'));
    expect(codeHash(T, M, '123456')).not.toBe(codeHash('tenant-2', M, '123456'));
  });

  it('match until the last millisecond of their 10 minutes', () => {
    expect(judgeCode(state(), codeHash(T, M, '123456'), at(9.99))).toEqual({ kind: 'match' });
    expect(judgeCode(state(4), codeHash(T, M, '123456'), at(1))).toEqual({ kind: 'match' });
    expect(judgeCode(state(), codeHash(T, M, '123456'), at(10))).toEqual({ kind: 'expired' });
  });

  it('count wrong tries down to none, then are void', () => {
    const wrong = codeHash(T, M, '123457');
    expect(judgeCode(state(0), wrong, at(1))).toEqual({ kind: 'wrong', triesLeft: 4 });
    expect(judgeCode(state(4), wrong, at(1))).toEqual({ kind: 'wrong', triesLeft: 0 });
    expect(judgeCode(state(5), codeHash(T, M, '123456'), at(1))).toEqual({ kind: 'none' });
    expect(judgeCode({ codeHash: null, expiresAt: null, tries: 0 }, wrong, at(1))).toEqual({ kind: 'none' });
  });

  it('the same code for another method does not match', () => {
    expect(judgeCode(state(), codeHash(T, 'method-2', '123456'), at(1)).kind).toBe('wrong');
  });

  it('are sent at most once a minute', () => {
    expect(resendWaitMs(null, at(0))).toBe(0);
    expect(resendWaitMs(sent, at(0.5))).toBe(30_000);
    expect(resendWaitMs(sent, at(1))).toBe(0);
  });

  it('say what went wrong', () => {
    expect(verdictMessage({ kind: 'wrong', triesLeft: 1 })).toBe('That code is not right; 1 try left.');
    expect(verdictMessage({ kind: 'wrong', triesLeft: 0 })).toContain('the last of 5 tries');
    expect(verdictMessage({ kind: 'expired' })).toContain('expired');
  });
});
