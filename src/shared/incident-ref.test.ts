import { describe, expect, it } from '@jest/globals';
import { incidentRef, parseIncidentNumber } from './incident-ref.js';

describe('incident references', () => {
  it('formats and parses back', () => {
    expect(incidentRef(42)).toBe('INC-42');
    expect(parseIncidentNumber(incidentRef(42))).toBe(42);
  });

  it.each([
    ['INC-42', 42],
    ['inc-7', 7],
    ['#42', 42],
    ['42', 42],
    [' INC-3 ', 3],
  ])('reads %j as %d', (ref, n) => {
    expect(parseIncidentNumber(ref)).toBe(n);
  });

  it.each(['', 'INC-', 'INC42', 'INC-4x', '1234567890', 'INC--1', 'ISSUE-4'])('refuses %j', (ref) => {
    expect(parseIncidentNumber(ref)).toBeNull();
  });
});
