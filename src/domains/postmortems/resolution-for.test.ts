import { describe, expect, it } from '@jest/globals';
import { resolutionText } from './resolution-for.js';

describe('resolutionText', () => {
  it('is what fixed it, then its root cause category, who told it and its entry', () => {
    expect(
      resolutionText({ fix: ' scaled the pool ', rootCause: 'capacity', by: 'Bob', entryRef: 'KB-3' }),
    ).toBe('scaled the pool\n\n_Root cause category: capacity · told by Bob · knowledge base entry KB-3_');
  });

  it('keeps a root cause told without a fix', () => {
    expect(resolutionText({ fix: null, rootCause: 'unknown', by: 'Bob', entryRef: null })).toBe(
      '_Root cause category: unknown · told by Bob_',
    );
  });

  it('is empty when nothing was told, so the resolve note is used instead', () => {
    expect(resolutionText({ fix: '  ', rootCause: null, by: 'Bob', entryRef: null })).toBe('');
  });
});
