import { describe, expect, it } from '@jest/globals';
import type { SectionBlock } from '@slack/types';
import { checkLimits } from './limits.js';
import { type SimulationView, simulationMessage } from './simulate.blocks.js';

const at = new Date('2026-12-01T12:00:00Z');
const min = (n: number) => new Date(at.getTime() + n * 60_000);
const ana = { name: 'Ana', slackUserId: 'U0ANA' };
const bo = { name: 'Bo', slackUserId: null };

function view(overrides: Partial<SimulationView> = {}): SimulationView {
  return {
    service: 'payments',
    policyName: 'Payments',
    policyVersion: 2,
    at,
    severity: 1,
    urgency: 'high',
    repeat: 1,
    lines: [
      {
        at: min(0),
        loop: 0,
        step: 0,
        method: 'slack_dm',
        person: ana,
        label: 'Payments on-call',
        skipped: false,
      },
      {
        at: min(5),
        loop: 0,
        step: 1,
        method: 'slack_dm',
        person: bo,
        label: 'Payments managers',
        skipped: false,
      },
      {
        at: min(5),
        loop: 0,
        step: 1,
        method: 'slack_channel',
        person: null,
        label: '#payments',
        skipped: false,
      },
      {
        at: min(15),
        loop: 1,
        step: 0,
        method: 'slack_dm',
        person: ana,
        label: 'Payments on-call',
        skipped: false,
      },
    ],
    nobody: [{ at: min(20), loop: 1, step: 1, label: 'Payments managers' }],
    exhausted: { at: min(20), loops: 2 },
    timeZone: 'UTC',
    ...overrides,
  };
}

const sections = (v: SimulationView) =>
  simulationMessage(v)
    .blocks.filter((b): b is SectionBlock => b.type === 'section')
    .map((b) => b.text?.text);

describe('simulationMessage', () => {
  it('lists who is notified, how and when, loop by loop', () => {
    expect(sections(view())).toEqual([
      '*Loop 1*\n12:00 DM <@U0ANA> (Payments on-call)\n12:05 DM *Bo* (Payments managers)\n12:05 Post @here in #payments',
      '*Loop 2*\n12:15 DM <@U0ANA> (Payments on-call)\n12:20 :warning: Nobody is on call for Payments managers: the next step fires at once',
    ]);
    const msg = simulationMessage(view());
    expect(msg.text).toBe(
      'Simulated escalation for payments: 12:00 DM <@U0ANA> (Payments on-call) · 12:05 DM Bo (Payments managers) · 12:05 Post @here in #payments · 12:15 DM <@U0ANA> (Payments on-call)',
    );
    expect(JSON.stringify(msg.blocks)).toContain(
      '12:20 Nobody acknowledged after 2 loops: the escalation stops',
    );
    expect(checkLimits('message', msg)).toEqual([]);
  });

  it('writes times in the reader’s zone, with the day once past the first', () => {
    const v = view({ timeZone: 'America/New_York', lines: [{ ...view().lines[0]!, at: min(25 * 60) }] });
    expect(sections(v)[0]).toContain('Wed 08:00 DM');
  });

  it('stays within limits with 10 loops of 20 steps of 20 targets', () => {
    const lines = Array.from({ length: 4000 }, (_, i) => ({
      ...view().lines[0]!,
      at: min(i),
      loop: Math.floor(i / 400),
      label: 'x'.repeat(300),
    }));
    expect(checkLimits('message', simulationMessage(view({ lines, repeat: 9 })))).toEqual([]);
  });
});
