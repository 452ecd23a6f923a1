import { describe, expect, it } from '@jest/globals';
import type { TimelineEvent } from '../incidents/index.js';
import { coalescedReply, MAX_COALESCED } from './coalesce.calc.js';
import type { OutboxRow } from './outbox.types.js';

const events: Record<string, TimelineEvent> = {
  alert_fired: { kind: 'alert_fired', data: { count: 1, titles: ['A'], alertIds: ['a1'], severity: 2 } },
  alert_resolved: { kind: 'alert_resolved', data: { count: 1, titles: ['A'] } },
  acknowledged: { kind: 'acknowledged', data: { endedAlerts: 0 } },
  note: { kind: 'note', data: { text: 'looking' } },
};

const row = (id: number, kind: keyof typeof events): OutboxRow => ({
  id: String(id),
  tenantId: 't',
  incidentId: 'i',
  destination: 'slack.reply',
  lane: 'C1',
  payload: { event: events[kind], actorName: 'Alertmanager', actorSlackId: null, at: '2026-01-05T09:00:00Z' },
  attempts: 1,
  createdAt: new Date(0),
  maybeSent: false,
});
const ids = (rows: readonly OutboxRow[]) => rows.map((r) => r.id);

describe('coalescing thread replies', () => {
  it('merges a run of bursty events of one kind into one reply covering every row', () => {
    expect(
      ids(coalescedReply([row(1, 'alert_fired'), row(2, 'alert_fired'), row(3, 'acknowledged')])),
    ).toEqual(['1', '2']);
  });

  it('sends anything else alone, in order', () => {
    expect(ids(coalescedReply([row(3, 'acknowledged'), row(4, 'note')]))).toEqual(['3']);
    expect(ids(coalescedReply([row(5, 'alert_fired'), row(6, 'alert_resolved')]))).toEqual(['5']);
    expect(ids(coalescedReply([row(7, 'alert_fired')]))).toEqual(['7']);
  });

  it(`merges at most ${MAX_COALESCED}`, () => {
    const many = Array.from({ length: 120 }, (_, i) => row(i + 1, 'alert_resolved'));
    expect(coalescedReply(many)).toHaveLength(MAX_COALESCED);
  });

  it('a row whose payload is not a reply is sent alone', () => {
    const odd = { ...row(8, 'alert_fired'), payload: { kind: 'alert_fired', message: 'old shape' } };
    expect(ids(coalescedReply([odd, row(9, 'alert_fired')]))).toEqual(['8']);
  });
});
