import { describe, expect, it } from '@jest/globals';
import { handoffsBetween } from './handoff.calc.js';
import { layerInputSchema, type ScheduleRules } from './rosters.types.js';

const daily = (zone: string, participants: string[], handoffTime = '09:00') =>
  ({
    timeZone: zone,
    layers: [
      layerInputSchema.parse({
        name: 'Primary',
        participants,
        start: '2026-03-01T00:00:00Z',
        turn: { unit: 'days', count: 1 },
        handoffTime,
      }),
    ],
    overrides: [],
  }) satisfies ScheduleRules;

const iso = (d: Date | null) => d?.toISOString() ?? null;
const summary = (s: ScheduleRules, from: string, to: string) =>
  handoffsBetween(s, new Date(from), new Date(to)).map(
    (h) => `${iso(h.at)} ${h.fromUserId}→${h.toUserId} until ${iso(h.until)}`,
  );

describe('handoffs', () => {
  it('hands off at 09:00 London on both sides of the March DST change', () => {
    const s = daily('Europe/London', ['alice', 'bob']);
    // 1 March 09:00 GMT is alice's first turn; 29 March is the change (09:00 BST = 08:00Z).
    expect(summary(s, '2026-03-28T00:00:00Z', '2026-03-30T12:00:00Z')).toEqual([
      '2026-03-28T09:00:00.000Z alice→bob until 2026-03-29T08:00:00.000Z',
      '2026-03-29T08:00:00.000Z bob→alice until 2026-03-30T08:00:00.000Z',
      '2026-03-30T08:00:00.000Z alice→bob until 2026-03-31T08:00:00.000Z',
    ]);
  });

  it('counts an instant once: windows are (from, to], so back-to-back windows never repeat or drop one', () => {
    const s = daily('America/New_York', ['a', 'b', 'c']);
    const all = summary(s, '2026-03-05T00:00:00Z', '2026-03-12T00:00:00Z');
    const pieces: string[] = [];
    let t = new Date('2026-03-05T00:00:00Z').getTime();
    const end = new Date('2026-03-12T00:00:00Z').getTime();
    for (let step = 7 * 3_600_000; t < end; t += step) {
      const to = Math.min(end, t + step);
      pieces.push(...summary(s, new Date(t).toISOString(), new Date(to).toISOString()));
    }
    expect(pieces).toEqual(all);
    expect(all).toHaveLength(7);
    // A window ending exactly on the handoff instant includes it; the next one does not.
    expect(summary(s, '2026-03-05T00:00:00Z', '2026-03-05T14:00:00Z')).toHaveLength(1);
    expect(summary(s, '2026-03-05T14:00:00Z', '2026-03-05T20:00:00Z')).toEqual([]);
  });

  it('treats a layer-to-override change keeping the same person as no handoff, and gaps as handoffs to nobody', () => {
    const s: ScheduleRules = {
      ...daily('UTC', ['alice', 'bob']),
      overrides: [
        // bob covers part of his own turn (no handoff), then carol covers part of alice's.
        {
          id: 'o1',
          userId: 'bob',
          start: new Date('2026-03-02T09:00:00Z'),
          end: new Date('2026-03-02T12:00:00Z'),
        },
        {
          id: 'o2',
          userId: 'carol',
          replaces: 'alice',
          start: new Date('2026-03-03T10:00:00Z'),
          end: new Date('2026-03-03T11:00:00Z'),
        },
      ],
    };
    expect(summary(s, '2026-03-02T08:00:00Z', '2026-03-03T12:00:00Z')).toEqual([
      '2026-03-02T09:00:00.000Z alice→bob until 2026-03-03T09:00:00.000Z',
      '2026-03-03T09:00:00.000Z bob→alice until 2026-03-03T10:00:00.000Z',
      '2026-03-03T10:00:00.000Z alice→carol until 2026-03-03T11:00:00.000Z',
      '2026-03-03T11:00:00.000Z carol→alice until 2026-03-04T09:00:00.000Z',
    ]);
    const office: ScheduleRules = {
      timeZone: 'UTC',
      layers: [
        layerInputSchema.parse({
          name: 'Office',
          participants: ['alice'],
          start: '2026-03-01T00:00:00Z',
          turn: { unit: 'weeks', count: 1 },
          handoffTime: '09:00',
          restrictions: [{ startTime: '09:00', endTime: '17:00' }],
        }),
      ],
      overrides: [],
    };
    expect(summary(office, '2026-03-02T08:00:00Z', '2026-03-02T18:00:00Z')).toEqual([
      '2026-03-02T09:00:00.000Z null→alice until 2026-03-02T17:00:00.000Z',
      '2026-03-02T17:00:00.000Z alice→null until 2026-03-03T09:00:00.000Z',
    ]);
  });

  it('gives no handoff for an empty window, and none for a lone participant turning over to themself', () => {
    expect(summary(daily('UTC', ['a', 'b']), '2026-03-02T09:00:00Z', '2026-03-02T09:00:00Z')).toEqual([]);
    expect(summary(daily('UTC', ['solo']), '2026-03-02T00:00:00Z', '2026-03-09T00:00:00Z')).toEqual([]);
  });
});
