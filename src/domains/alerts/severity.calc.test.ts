import { describe, expect, it } from '@jest/globals';
import { mapSeverity, SEVERITY_ALIASES, severityLabel } from './severity.calc.js';

describe('mapSeverity', () => {
  it.each([
    ['critical', 1],
    ['CRITICAL', 1],
    [' Page ', 1],
    ['sev1', 1],
    ['disaster', 1],
    ['error', 2],
    ['High', 2],
    ['P2', 2],
    ['warning', 3],
    ['average', 3],
    ['low', 4],
    ['minor', 4],
    ['info', 5],
    ['ok', 5],
    ['none', 5],
    ['1', 1],
    ['4', 4],
    ['5', 5],
  ] as const)('maps %p to %p', (value, expected) => {
    expect(mapSeverity(value)).toBe(expected);
  });

  it('falls back to P3 for unknown, empty or absent values', () => {
    for (const value of ['bogus', '', '0', '6', '1.5', undefined, null]) {
      expect(mapSeverity(value)).toBe(3);
    }
  });

  it('uses the fallback it is given', () => {
    expect(mapSeverity(undefined, 1)).toBe(1);
    expect(mapSeverity('unheard-of', 5)).toBe(5);
    expect(mapSeverity('critical', 5)).toBe(1);
  });

  it('maps every alias in the table to its row, and no alias appears twice', () => {
    const seen = new Set<string>();
    for (const [severity, aliases] of Object.entries(SEVERITY_ALIASES)) {
      for (const alias of aliases) {
        expect(seen.has(alias)).toBe(false);
        seen.add(alias);
        expect(mapSeverity(alias)).toBe(Number(severity));
        expect(mapSeverity(alias.toUpperCase())).toBe(Number(severity));
      }
    }
  });
});

describe('severityLabel', () => {
  it('names P1…P5', () => {
    expect([1, 2, 3, 4, 5].map((s) => severityLabel(s as 1 | 2 | 3 | 4 | 5))).toEqual([
      'P1',
      'P2',
      'P3',
      'P4',
      'P5',
    ]);
  });
});
