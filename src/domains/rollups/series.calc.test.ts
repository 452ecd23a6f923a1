import { describe, expect, it } from '@jest/globals';
import { segmentsOf } from './rollups-read.calc.js';
import { bucketOf, canonicalTags, hasSubset, matches, seriesHash } from './series.calc.js';

describe('series identity', () => {
  it('is the same whatever the order of tags', () => {
    expect(canonicalTags({ b: '1', a: '2' })).toBe(canonicalTags({ a: '2', b: '1' }));
    expect(seriesHash({ b: '1', a: '2' })).toBe(seriesHash({ a: '2', b: '1' }));
    expect(seriesHash({ a: '1' })).not.toBe(seriesHash({ a: '2' }));
  });

  it('buckets instants by minute and hour (UTC)', () => {
    const at = Date.parse('2026-03-02T09:41:59.999Z');
    expect(new Date(bucketOf(at, 'minute')).toISOString()).toBe('2026-03-02T09:41:00.000Z');
    expect(new Date(bucketOf(at, 'hour')).toISOString()).toBe('2026-03-02T09:00:00.000Z');
  });
});

describe('tag filters', () => {
  const tags = { status: '503', route: '/api/pay', error: 'true' };
  it.each([
    [{ key: 'status', op: 'gte', value: 500 }, true],
    [{ key: 'status', op: 'gte', value: 504 }, false],
    [{ key: 'route', op: 'prefix', value: '/api/' }, true],
    [{ key: 'route', op: 'eq', value: '/api' }, false],
    [{ key: 'missing', op: 'eq', value: 'x' }, false],
    [{ key: 'route', op: 'gte', value: 1 }, false],
  ] as const)('%j → %s', (f, want) => {
    expect(matches(f, tags)).toBe(want);
  });

  it('takes any of a list, or a predicate', () => {
    const errors = [
      { key: 'status', op: 'gte', value: 500 },
      { key: 'error', op: 'eq', value: 'true' },
    ] as const;
    expect(matches(errors, { status: '200', error: 'true' })).toBe(true);
    expect(matches(errors, { status: '200' })).toBe(false);
    expect(matches((t) => t.status === '200', { status: '200' })).toBe(true);
    expect(hasSubset(tags, { status: '503' })).toBe(true);
    expect(hasSubset(tags, { status: '500' })).toBe(false);
  });
});

describe('segmentsOf', () => {
  const d = (iso: string) => new Date(iso);
  const show = (from: string, to: string, done: string | null) =>
    segmentsOf(d(from), d(to), done ? d(done) : null).map(
      (s) => `${s.step} ${s.from.toISOString().slice(11, 16)}–${s.to.toISOString().slice(11, 16)}`,
    );

  it('reads built whole hours from hour rows and the edges from minutes', () => {
    expect(show('2026-03-02T08:30:00Z', '2026-03-02T12:10:00Z', '2026-03-02T11:00:00Z')).toEqual([
      'minute 08:30–09:00',
      'hour 09:00–11:00',
      'minute 11:00–12:10',
    ]);
  });

  it('reads minutes only when no whole hour is built', () => {
    expect(show('2026-03-02T08:00:00Z', '2026-03-02T10:00:00Z', null)).toEqual(['minute 08:00–10:00']);
    expect(show('2026-03-02T08:00:00Z', '2026-03-02T10:00:00Z', '2026-03-02T08:00:00Z')).toEqual([
      'minute 08:00–10:00',
    ]);
    expect(show('2026-03-02T08:00:00Z', '2026-03-02T08:00:00Z', null)).toEqual([]);
  });
});
