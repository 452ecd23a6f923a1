import { describe, expect, it } from '@jest/globals';
import { type PolicySnapshot, policySpecSchema } from './policy.types.js';
import { nextPosition, planStep, runningChainsAt } from './step.calc.js';

const snapshot = (spec: unknown): PolicySnapshot => ({
  policyId: 'p1',
  name: 'Payments',
  version: 3,
  spec: policySpecSchema.parse(spec),
});

const policy = snapshot({
  steps: [
    { delayMinutes: 5, targets: [{ type: 'schedule', id: 'sched-payments' }] },
    {
      delayMinutes: 10,
      targets: [
        { type: 'user', id: 'bob' },
        { type: 'slack_channel', id: 'C0PAY' },
      ],
    },
  ],
  repeat: 1,
});
const fired = new Date('2026-12-01T03:00:00Z');
const dmNowSmsLater = {
  rules: [
    { method: 'slack_dm' as const, delayMinutes: 0 },
    { method: 'sms' as const, delayMinutes: 2 },
  ],
  defaulted: false,
};

describe('planStep', () => {
  it('pages each person once per rule, due at fired + the rule delay, next step after the step delay', () => {
    const plan = planStep({
      snapshot: policy,
      position: { loop: 0, step: 0 },
      firedAt: fired,
      targets: [{ target: policy.spec.steps[0]!.targets[0]!, label: 'Payments on-call', userIds: ['alice'] }],
      rules: new Map([['alice', dmNowSmsLater]]),
    });
    expect(
      plan.pages.map((p) => [p.userId, p.rulePosition, p.method, p.dueAt.toISOString(), p.status]),
    ).toEqual([
      ['alice', 0, 'slack_dm', '2026-12-01T03:00:00.000Z', 'pending'],
      ['alice', 1, 'sms', '2026-12-01T03:02:00.000Z', 'pending'],
    ]);
    expect(plan.pages[0]!.via).toBe('schedule');
    expect(plan.nextAt.toISOString()).toBe('2026-12-01T03:05:00.000Z');
    expect(plan.next).toEqual({ kind: 'step', position: { loop: 0, step: 1 } });
    expect(plan.empty).toBe(false);
  });

  it('a step whose targets resolve to nobody moves on at once and names them', () => {
    const plan = planStep({
      snapshot: policy,
      position: { loop: 0, step: 0 },
      firedAt: fired,
      targets: [{ target: policy.spec.steps[0]!.targets[0]!, label: 'Payments on-call', userIds: [] }],
      rules: new Map(),
    });
    expect(plan.pages).toEqual([]);
    expect(plan.nobody).toEqual(['Payments on-call']);
    expect(plan.empty).toBe(true);
    expect(plan.nextAt).toEqual(fired);
  });

  it('notes the defaults, posts to channels, and continues a running chain instead of restarting it', () => {
    const plan = planStep({
      snapshot: policy,
      position: { loop: 0, step: 1 },
      firedAt: fired,
      targets: [
        { target: { type: 'user', id: 'bob' }, label: 'bob', userIds: ['bob'] },
        { target: { type: 'user', id: 'alice' }, label: 'alice', userIds: ['alice', 'alice'] },
        { target: { type: 'slack_channel', id: 'C0PAY' }, label: '#payments', userIds: [] },
      ],
      rules: new Map([
        ['bob', { rules: [{ method: 'slack_dm' as const, delayMinutes: 0 }], defaulted: true }],
      ]),
      runningChains: new Set(['alice']),
    });
    expect(plan.defaulted).toEqual(['bob']);
    expect(plan.pages.map((p) => [p.userId, p.method, p.status])).toEqual([
      ['bob', 'slack_dm', 'pending'],
      ['alice', 'none', 'skipped'],
      [null, 'slack_channel', 'pending'],
    ]);
    expect(plan.nextAt.toISOString()).toBe('2026-12-01T03:10:00.000Z');
    expect(plan.next).toEqual({ kind: 'step', position: { loop: 1, step: 0 } });
  });

  it('after the last step of the last loop the escalation is exhausted', () => {
    expect(nextPosition(policy, { loop: 1, step: 1 })).toEqual({ kind: 'exhausted', loops: 2 });
    expect(
      nextPosition(snapshot({ steps: [{ delayMinutes: 0.25, targets: [{ type: 'user', id: 'a' }] }] }), {
        loop: 0,
        step: 0,
      }),
    ).toEqual({
      kind: 'exhausted',
      loops: 1,
    });
  });

  it('fractional delays are exact to the millisecond', () => {
    const quick = snapshot({ steps: [{ delayMinutes: 0.25, targets: [{ type: 'user', id: 'a' }] }] });
    const plan = planStep({
      snapshot: quick,
      position: { loop: 0, step: 0 },
      firedAt: fired,
      targets: [{ target: { type: 'user', id: 'a' }, label: 'a', userIds: ['a'] }],
      rules: new Map([['a', dmNowSmsLater]]),
    });
    expect(plan.nextAt.toISOString()).toBe('2026-12-01T03:00:15.000Z');
  });
});

describe('runningChainsAt', () => {
  it('a chain runs while a pending page of it is not yet due', () => {
    const pages = [
      { userId: 'alice', dueAt: new Date('2026-12-01T03:02:00Z'), status: 'pending' },
      { userId: 'bob', dueAt: new Date('2026-12-01T03:00:00Z'), status: 'pending' },
      { userId: 'carol', dueAt: new Date('2026-12-01T03:09:00Z'), status: 'cancelled' },
    ];
    expect([...runningChainsAt(pages, new Date('2026-12-01T03:01:00Z'))]).toEqual(['alice']);
    expect([...runningChainsAt(pages, new Date('2026-12-01T03:02:00Z'))]).toEqual([]);
  });
});
