import { simulationMessage } from '../../../../blocks/simulate.blocks.js';
import type { MessagePayload } from '../../../../blocks/types.js';
import type { SimulationDto } from '../../../domains/escalation/index.js';
import { parseWhen } from '../../../domains/rosters/index.js';
import type { Actor } from '../../../shared/actor.js';
import type { SlackDeps } from '../../context.js';

/** A simulated incident is a P1: the high-urgency rules are the ones that wake people. */
export const SIMULATED_SEVERITY = 1;

/** `/oncall simulate <service> [at <time>]`: the time read like `/oncall at`, in the caller's zone. */
export async function answerSimulate(
  deps: SlackDeps,
  actor: Actor,
  zone: string,
  cmd: { service: string; when?: string },
): Promise<MessagePayload> {
  const now = deps.clock.now();
  const at = cmd.when ? parseWhen(cmd.when, zone, now) : now;
  const sim = await deps.services.simulator.simulateService(actor, cmd.service, at, SIMULATED_SEVERITY);
  return simulationMessage(toSimulationView(sim, zone));
}

export function toSimulationView(sim: SimulationDto, zone: string) {
  return {
    service: sim.service ?? sim.policy.name,
    policyName: sim.policy.name,
    policyVersion: sim.policy.version,
    at: new Date(sim.at),
    severity: sim.severity,
    urgency: sim.urgency,
    repeat: sim.repeat,
    lines: sim.notifications.map((n) => ({
      at: new Date(n.at),
      loop: n.loop,
      step: n.step,
      method: n.method,
      person: n.userName ? { name: n.userName, slackUserId: null } : null,
      label: labelOf(n.target),
      skipped: n.status === 'skipped',
    })),
    nobody: sim.nobodyOnCall.map((n) => ({
      at: new Date(n.at),
      loop: n.loop,
      step: n.step,
      label: n.target,
    })),
    exhausted: sim.exhausted ? { at: new Date(sim.exhausted.at), loops: sim.exhausted.loops } : null,
    timeZone: zone,
  };
}

function labelOf(t: { type: string; label: string }): string {
  if (t.type === 'user') return 'directly';
  if (t.type === 'schedule') return `${t.label} on-call`;
  return t.label;
}
