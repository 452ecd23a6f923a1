import { describe, expect, it } from '@jest/globals';
import { OpenIncidentHints } from './open-incident-hints.js';

describe('OpenIncidentHints', () => {
  it('remembers the open incident per tenant and group, and forgets a closed one', () => {
    const hints = new OpenIncidentHints();
    hints.set('t1', 'g', 'i1');
    hints.set('t2', 'g', 'i2');
    expect([hints.get('t1', 'g'), hints.get('t2', 'g'), hints.get('t1', 'h')]).toEqual([
      'i1',
      'i2',
      undefined,
    ]);
    hints.set('t1', 'g', undefined);
    expect(hints.get('t1', 'g')).toBeUndefined();
  });

  it('keeps at most `max` groups, dropping the least recently set', () => {
    const hints = new OpenIncidentHints(2);
    hints.set('t', 'a', '1');
    hints.set('t', 'b', '2');
    hints.set('t', 'a', '1');
    hints.set('t', 'c', '3');
    expect(['a', 'b', 'c'].map((g) => hints.get('t', g))).toEqual(['1', undefined, '3']);
  });

  it('forgets every group of one tenant', () => {
    const hints = new OpenIncidentHints();
    hints.set('t1', 'a', '1');
    hints.set('t1', 'b', '2');
    hints.set('t2', 'a', '3');
    hints.forget('t1');
    expect([hints.get('t1', 'a'), hints.get('t1', 'b'), hints.get('t2', 'a')]).toEqual([
      undefined,
      undefined,
      '3',
    ]);
  });
});
