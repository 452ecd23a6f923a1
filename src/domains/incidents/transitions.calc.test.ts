import { describe, expect, it } from '@jest/globals';
import { shouldRetrigger, transition } from './transitions.calc.js';

describe('incident transitions', () => {
  it('acknowledges only a triggered incident', () => {
    expect(transition('triggered', 'acknowledge', 'INC-1')).toEqual({ ok: true, next: 'acknowledged' });
    expect(transition('acknowledged', 'acknowledge', 'INC-1')).toEqual({
      ok: false,
      reason: 'INC-1 is already acknowledged.',
    });
    expect(transition('resolved', 'acknowledge', 'INC-1')).toEqual({
      ok: false,
      reason: 'INC-1 is resolved; it cannot be acknowledged.',
    });
  });

  it('resolves from triggered or acknowledged, never twice', () => {
    expect(transition('triggered', 'resolve', 'INC-2')).toEqual({ ok: true, next: 'resolved' });
    expect(transition('acknowledged', 'resolve', 'INC-2')).toEqual({ ok: true, next: 'resolved' });
    expect(transition('resolved', 'resolve', 'INC-2')).toEqual({
      ok: false,
      reason: 'INC-2 is already resolved.',
    });
  });

  it('re-triggers only an acknowledged incident', () => {
    expect(transition('acknowledged', 'retrigger', 'INC-3')).toEqual({ ok: true, next: 'triggered' });
    expect(transition('triggered', 'retrigger', 'INC-3').ok).toBe(false);
    expect(transition('resolved', 'retrigger', 'INC-3').ok).toBe(false);
  });

  it('re-triggers on re-fire only after the window', () => {
    const ack = new Date('2026-05-01T10:00:00Z');
    expect(shouldRetrigger('acknowledged', ack, new Date('2026-05-01T10:29:59Z'), 30)).toBe(false);
    expect(shouldRetrigger('acknowledged', ack, new Date('2026-05-01T10:30:00Z'), 30)).toBe(true);
    expect(shouldRetrigger('triggered', ack, new Date('2026-05-01T12:00:00Z'), 30)).toBe(false);
    expect(shouldRetrigger('acknowledged', ack, ack, 0)).toBe(true);
  });
});
