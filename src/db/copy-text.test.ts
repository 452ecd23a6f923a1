import { describe, expect, it } from '@jest/globals';
import { CopyBuffer, copyField, copyLine } from './copy-text.js';

describe("COPY's text format", () => {
  it('escapes backslash, tab, newline and carriage return, and leaves other text as it is', () => {
    expect(copyField('plain "text", ünïcödé')).toBe('plain "text", ünïcödé');
    expect(copyField('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
    expect(copyField('\\N')).toBe('\\\\N');
    expect(copyField('')).toBe('');
  });

  it('writes null as \\N and numbers in decimal', () => {
    expect(copyField(null)).toBe('\\N');
    expect(copyField(17)).toBe('17');
    expect(copyField(-0.25)).toBe('-0.25');
    expect(copyField(Number.NaN)).toBe('NaN');
    expect(copyField(Number.POSITIVE_INFINITY)).toBe('Infinity');
  });

  it('separates columns by tabs and ends the line', () => {
    expect(copyLine(['a\tb', null, 3, ''])).toBe('a\\tb\t\\N\t3\t\n');
  });
});

describe('CopyBuffer', () => {
  it('holds the lines as UTF-8, growing as needed', () => {
    const b = new CopyBuffer(8);
    b.add(['ünïcödé ✓ 😀', 1]);
    b.add(['x'.repeat(100), null]);
    expect(b.rows).toBe(2);
    expect(b.data().toString('utf8')).toBe(`ünïcödé ✓ 😀\t1\n${'x'.repeat(100)}\t\\N\n`);
  });
});
