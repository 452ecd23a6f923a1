import { describe, expect, it } from '@jest/globals';
import { nextPosition, planStep } from './step.calc.js';
import { testPageDelayMinutes, testPageSnapshot, testPageWaitMs } from './test-page.calc.js';

const ANA = '11111111-1111-4111-8111-111111111111';

describe('a test page’s one-off escalation', () => {
  it('waits for the whole chain: the last rule’s delay plus a minute', () => {
    expect(testPageDelayMinutes([])).toBe(1);
    expect(testPageDelayMinutes([{ delayMinutes: 0 }])).toBe(1);
    expect(testPageDelayMinutes([{ delayMinutes: 0 }, { delayMinutes: 7 }, { delayMinutes: 3 }])).toBe(8);
  });

  it('is one step paging the person only, high urgency, run once, then over (never repeated)', () => {
    const snap = testPageSnapshot(ANA, 3);
    expect(snap).toMatchObject({ policyId: null, testOf: ANA });
    expect(snap.spec.steps).toEqual([{ delayMinutes: 3, targets: [{ type: 'user', id: ANA }] }]);
    expect(snap.spec.urgency.high).toEqual([1, 2, 3, 4, 5]);
    expect(nextPosition(snap, { loop: 0, step: 0 })).toEqual({ kind: 'exhausted', loops: 1 });
    const firedAt = new Date('2026-03-02T10:00:00Z');
    const plan = planStep({
      snapshot: snap,
      position: { loop: 0, step: 0 },
      firedAt,
      targets: [{ target: { type: 'user', id: ANA }, label: 'Ana', userIds: [ANA] }],
      rules: new Map([
        [
          ANA,
          {
            rules: [
              { method: 'slack_dm', delayMinutes: 0 },
              { method: 'sms', delayMinutes: 2 },
            ],
            defaulted: false,
          },
        ],
      ]),
    });
    expect(plan.pages.map((p) => [p.userId, p.method, p.dueAt.toISOString()])).toEqual([
      [ANA, 'slack_dm', '2026-03-02T10:00:00.000Z'],
      [ANA, 'sms', '2026-03-02T10:02:00.000Z'],
    ]);
    expect(plan.nextAt.toISOString()).toBe('2026-03-02T10:03:00.000Z');
  });

  it('allows one per 5 minutes', () => {
    const now = new Date('2026-03-02T10:05:00Z');
    expect(testPageWaitMs(null, now)).toBe(0);
    expect(testPageWaitMs(new Date('2026-03-02T10:00:00Z'), now)).toBe(0);
    expect(testPageWaitMs(new Date('2026-03-02T10:01:30Z'), now)).toBe(90_000);
  });
});
