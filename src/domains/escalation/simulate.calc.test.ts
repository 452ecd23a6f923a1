import { describe, expect, it } from '@jest/globals';
import { type PolicySnapshot, policySpecSchema, type Target } from './policy.types.js';
import {
  advanceSimulation,
  type SimulationState,
  simulatedTimeline,
  startSimulation,
  targetsToResolve,
} from './simulate.calc.js';
import type { PersonRules, ResolvedTarget } from './step.calc.js';

const snapshot: PolicySnapshot = {
  policyId: 'p1',
  name: 'Payments',
  version: 1,
  spec: policySpecSchema.parse({
    steps: [
      { delayMinutes: 5, targets: [{ type: 'schedule', id: 'sched' }] },
      { delayMinutes: 10, targets: [{ type: 'manager_of', of: 'schedule', id: 'sched' }] },
    ],
    repeat: 1,
  }),
};
const at = new Date('2026-12-01T12:00:00Z');
const rules = new Map<string, PersonRules>([
  [
    'ana',
    {
      rules: [
        { method: 'slack_dm', delayMinutes: 0 },
        { method: 'sms', delayMinutes: 7 },
      ],
      defaulted: false,
    },
  ],
  ['bo', { rules: [{ method: 'slack_dm', delayMinutes: 0 }], defaulted: true }],
]);

/** Drives the simulation with a fixed resolver: the schedule → `onCall`, its manager → bo. */
function run(onCall: (at: Date) => string[]): SimulationState {
  let state = startSimulation(snapshot, at, 1);
  for (let i = 0; i < 100 && !state.done; i++) {
    const firedAt = state.firesAt;
    const resolved: ResolvedTarget[] = targetsToResolve(state).map((target: Target) =>
      target.type === 'schedule'
        ? { target, label: 'Payments on-call', userIds: onCall(firedAt) }
        : { target, label: 'Payments managers', userIds: ['bo'] },
    );
    state = advanceSimulation(state, resolved, rules);
  }
  return state;
}

const row = (p: {
  at: Date;
  loop: number;
  step: number;
  userId: string | null;
  method: string;
  status: string;
}) => `${p.at.toISOString().slice(11, 16)} L${p.loop + 1}S${p.step + 1} ${p.userId} ${p.method} ${p.status}`;

describe('the escalation simulator', () => {
  it('walks every step of every loop, with each person’s rules, and ends exhausted', () => {
    const state = run(() => ['ana']);
    expect(simulatedTimeline(state).map(row)).toEqual([
      '12:00 L1S1 ana slack_dm pending',
      '12:05 L1S2 bo slack_dm pending',
      '12:07 L1S1 ana sms pending',
      '12:15 L2S1 ana slack_dm pending',
      '12:20 L2S2 bo slack_dm pending',
      '12:22 L2S1 ana sms pending',
    ]);
    expect(state.notes.at(-1)).toEqual({ kind: 'exhausted', at: new Date('2026-12-01T12:30:00Z'), loops: 2 });
    expect(state.notes.filter((n) => n.kind === 'defaulted')).toHaveLength(2);
  });

  it('a step reaching nobody moves on at once and says so', () => {
    const state = run(() => []);
    expect(simulatedTimeline(state).map(row)).toEqual([
      '12:00 L1S2 bo slack_dm pending',
      '12:10 L2S2 bo slack_dm pending',
    ]);
    expect(state.notes.filter((n) => n.kind === 'nobody').map((n) => n.at.toISOString())).toEqual([
      '2026-12-01T12:00:00.000Z',
      '2026-12-01T12:10:00.000Z',
    ]);
  });

  it('uses the low-urgency rules below the policy’s high severities', () => {
    expect(startSimulation(snapshot, at, 3).urgency).toBe('low');
    expect(startSimulation(snapshot, at, 2).urgency).toBe('high');
  });
});
