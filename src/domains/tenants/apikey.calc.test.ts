import { describe, expect, it } from '@jest/globals';
import { generateApiKey, hashApiKey, lookupOf, sameHash } from './apikey.calc.js';

describe('API keys', () => {
  it('generates distinct, prefixed keys', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a).toMatch(/^ow_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
  });

  it('hashes deterministically and compares hashes', () => {
    const h = hashApiKey('secret-key-1234567');
    expect(h).toHaveLength(64);
    expect(sameHash(h, hashApiKey('secret-key-1234567'))).toBe(true);
    expect(sameHash(h, hashApiKey('secret-key-1234568'))).toBe(false);
    expect(sameHash(h, 'abcd')).toBe(false);
    expect(lookupOf(h)).toBe(h.slice(0, 16));
  });
});
