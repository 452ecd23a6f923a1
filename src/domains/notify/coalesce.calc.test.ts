import { describe, expect, it } from '@jest/globals';
import { coalescedReply, MAX_COALESCED } from './coalesce.calc.js';
import type { OutboxRow } from './outbox.types.js';

const row = (id: number, kind: string, message = `m${id}`): OutboxRow => ({
  id: String(id),
  tenantId: 't',
  incidentId: 'i',
  kind: 'thread_reply',
  channel: 'C1',
  payload: { kind, message, actorName: 'Alertmanager' },
  attempts: 1,
  createdAt: new Date(0),
  maybeSent: false,
});

describe('coalescing thread replies', () => {
  it('merges a run of alerts of one kind into one reply carrying every row id', () => {
    const r = coalescedReply([
      row(1, 'alert_fired', 'A'),
      row(2, 'alert_fired', 'B'),
      row(3, 'acknowledged'),
    ]);
    expect(r.ids).toEqual(['1', '2']);
    expect(r.row.payload).toMatchObject({
      kind: 'alert_fired',
      message: 'A\nB',
      count: 2,
      outboxIds: ['1', '2'],
    });
    expect(r.row.id).toBe('1');
  });

  it('sends anything else alone, in order', () => {
    expect(coalescedReply([row(3, 'acknowledged'), row(4, 'note')]).ids).toEqual(['3']);
    expect(coalescedReply([row(5, 'alert_fired'), row(6, 'alert_resolved')]).ids).toEqual(['5']);
    expect(coalescedReply([row(7, 'alert_fired')]).row.payload).not.toHaveProperty('outboxIds');
  });

  it(`merges at most ${MAX_COALESCED}`, () => {
    const many = Array.from({ length: 120 }, (_, i) => row(i + 1, 'alert_resolved'));
    expect(coalescedReply(many).ids).toHaveLength(MAX_COALESCED);
  });
});
