import { describe, expect, it } from '@jest/globals';
import { matches } from '../rollups/index.js';
import { errorConditions } from './error-filter.calc.js';
import { DEFAULT_ERROR_FILTER } from './sla.types.js';

describe('the default error filter', () => {
  const errors = errorConditions(DEFAULT_ERROR_FILTER);
  it.each([
    [{ status: '500' }, true],
    [{ status: '503', route: '/pay' }, true],
    [{ status: '499' }, false],
    [{ status: '200', error: 'true' }, true],
    [{ status: '200', error: 'false' }, false],
    [{ status: 'abc' }, false],
    [{}, false],
  ])('%j is an error: %s', (tags, error) => {
    expect(matches(errors, tags)).toBe(error);
  });
  it('reads prefixes and exact values', () => {
    expect(errorConditions({ code: '5*', outcome: 'failure' })).toEqual([
      { key: 'code', op: 'prefix', value: '5' },
      { key: 'outcome', op: 'eq', value: 'failure' },
    ]);
  });
});
