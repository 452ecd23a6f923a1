import type { MikroORM } from '@mikro-orm/postgresql';
import { withEm } from '../../db/tx.js';
import type { Actor } from '../../shared/actor.js';
import { authorize } from '../../shared/authz.js';
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import type { EscalationEngine } from './escalation.engine.js';
import type { EscalationDirectory } from './escalation.ports.js';
import { escalationStore } from './escalation.store.js';
import type { PoliciesService } from './policies.service.js';
import type { PolicySnapshot, Urgency } from './policy.types.js';
import {
  advanceSimulation,
  type SimulationState,
  simulatedTimeline,
  startSimulation,
  targetsToResolve,
} from './simulate.calc.js';
import type { PersonRules } from './step.calc.js';

export interface SimulatedNotificationDto {
  at: string;
  loop: number;
  step: number;
  userId: string | null;
  userName: string | null;
  method: string;
  target: { type: string; id: string; label: string };
  /** `pending` = would be sent; `skipped` = their chain from an earlier step is still running and continues. */
  status: string;
  detail: string | null;
}

export interface SimulationDto {
  policy: { id: string | null; name: string; version: number };
  service: string | null;
  at: string;
  severity: number;
  urgency: Urgency;
  repeat: number;
  notifications: SimulatedNotificationDto[];
  nobodyOnCall: { at: string; loop: number; step: number; target: string }[];
  /** People who have no notification rules for this urgency and would get the defaults. */
  defaultedRules: string[];
  exhausted: { at: string; loops: number } | null;
}

/** Steps walked at most (20 steps × 10 loops), so a bad snapshot can never loop for ever. */
const MAX_STEPS = 200;

/**
 * The escalation simulator's shell: for an incident triggering at `at`, never acknowledged, it resolves each step's
 * targets at the instant it fires with the engine's own resolver (real schedules, overrides, managers) and people's
 * rules through the directory, and walks simulate.calc. Reads only.
 */
export class SimulatorService {
  constructor(
    private readonly orm: MikroORM,
    private readonly deps: {
      engine: Pick<EscalationEngine, 'resolve'>;
      directory: EscalationDirectory;
      policies: Pick<PoliciesService, 'get'>;
      clock: Clock;
    },
  ) {}

  /** A policy by id (REST); `at` null = now. */
  async simulatePolicy(
    actor: Actor,
    policyId: string,
    at: Date | null,
    severity: number,
  ): Promise<SimulationDto> {
    authorize(actor, 'escalation_policy:read');
    const p = await this.deps.policies.get(actor, policyId);
    const snapshot: PolicySnapshot = {
      policyId: p.id,
      name: p.name,
      version: p.version,
      spec: {
        steps: p.steps,
        repeat: p.repeat,
        ackTimeoutMinutes: p.ackTimeoutMinutes ?? null,
        urgency: p.urgency,
        fallbackChannel: p.fallbackChannel ?? null,
      },
    };
    return this.run(actor, snapshot, null, at ?? this.deps.clock.now(), severity);
  }

  /** The policy in force for a service (its own, else the tenant's default), as an incident of it would get. */
  async simulateService(actor: Actor, service: string, at: Date, severity: number): Promise<SimulationDto> {
    authorize(actor, 'escalation_policy:read');
    const snapshot = await withEm(this.orm, { tenantId: actor.tenantId }, (em) =>
      this.deps.directory.policyFor(em, actor.tenantId, service),
    );
    if (!snapshot)
      throw AppError.notFound(
        `An escalation policy for ${service} (it has none and there is no default policy)`,
      );
    return this.run(actor, snapshot, service, at, severity);
  }

  private run(
    actor: Actor,
    snapshot: PolicySnapshot,
    service: string | null,
    at: Date,
    severity: number,
  ): Promise<SimulationDto> {
    const tenantId = actor.tenantId;
    return withEm(this.orm, { tenantId }, async (em) => {
      let state: SimulationState = startSimulation(snapshot, at, severity);
      for (let i = 0; i < MAX_STEPS && !state.done; i++) {
        const [targets = []] = await this.deps.engine.resolve(em, [
          { tenantId, targets: targetsToResolve(state), at: state.firesAt },
        ]);
        const people = [...new Set(targets.flatMap((t) => (isPerson(t.target.type) ? t.userIds : [])))];
        const rules: Map<string, PersonRules> = people.length
          ? await this.deps.directory.rulesOf(em, tenantId, people, state.urgency)
          : new Map();
        state = advanceSimulation(state, targets, rules);
      }
      const ids = [
        ...new Set(
          state.pages
            .map((p) => p.userId)
            .concat(state.notes.map((n) => (n.kind === 'defaulted' ? n.userId : null)))
            .filter((id): id is string => id !== null),
        ),
      ];
      const names = await escalationStore.userNames(em, tenantId, ids);
      const exhausted = state.notes.find((n) => n.kind === 'exhausted');
      return {
        policy: { id: snapshot.policyId, name: snapshot.name, version: snapshot.version },
        service,
        at: at.toISOString(),
        severity,
        urgency: state.urgency,
        repeat: snapshot.spec.repeat,
        notifications: simulatedTimeline(state).map((p) => ({
          at: p.at.toISOString(),
          loop: p.loop,
          step: p.step,
          userId: p.userId,
          userName: p.userId ? (names.get(p.userId) ?? p.userId) : null,
          method: p.method,
          target: { type: p.via === 'manager_of' ? 'manager_of' : p.via, id: p.targetId, label: p.label },
          status: p.status,
          detail: p.detail,
        })),
        nobodyOnCall: state.notes.flatMap((n) =>
          n.kind === 'nobody'
            ? [{ at: n.at.toISOString(), loop: n.loop, step: n.step, target: n.label }]
            : [],
        ),
        defaultedRules: [
          ...new Set(
            state.notes.flatMap((n) => (n.kind === 'defaulted' ? [names.get(n.userId) ?? n.userId] : [])),
          ),
        ],
        exhausted:
          exhausted?.kind === 'exhausted' ? { at: exhausted.at.toISOString(), loops: exhausted.loops } : null,
      };
    });
  }
}

function isPerson(type: string): boolean {
  return type === 'user' || type === 'schedule' || type === 'manager_of';
}
