import { describe, expect, it } from '@jest/globals';
import { storableJson, storableText } from './storable-text.js';

describe('storable text', () => {
  it('replaces every NUL with U+FFFD and leaves other text alone', () => {
    expect(storableText('a\u0000b\u0000')).toBe('a\uFFFDb\uFFFD');
    expect(storableText('no nul here \\u0000 \\0')).toBe('no nul here \\u0000 \\0');
    expect(storableText('')).toBe('');
  });

  it('cleans NULs out of JSON values, keys and nested arrays; other JSON is returned as given', () => {
    const value = { 'k\u0000': ['x\u0000y', { deep: '\u0000' }], n: 1, ok: 'fine' };
    expect(JSON.parse(storableJson(value))).toEqual({
      'k\uFFFD': ['x\uFFFDy', { deep: '\uFFFD' }],
      n: 1,
      ok: 'fine',
    });
    const plain = { a: 'b', path: 'C:\\u0000dir' };
    const json = JSON.stringify(plain);
    expect(storableJson(plain, json)).toBe(json);
    expect(JSON.parse(storableJson(plain, json))).toEqual(plain);
  });
});
