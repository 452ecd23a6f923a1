import { type PolicySnapshot, type Urgency, urgencyOf } from './policy.types.js';
import {
  type PersonRules,
  type PlannedPage,
  type Position,
  planStep,
  type ResolvedTarget,
  runningChainsAt,
} from './step.calc.js';

/**
 * The escalation simulator's pure core: for an incident triggering at `at` and never acknowledged, each step of
 * each loop in turn, what the engine's own `planStep` would page and when. The shell (simulate.service.ts)
 * resolves each step's targets at the instant it fires — the same resolution the engine does — and feeds them in
 * with `advanceSimulation` until `done`.
 */

export interface SimulatedPage {
  loop: number;
  step: number;
  /** When the page is due (the step's firing time plus the rule's delay). */
  at: Date;
  /** null for a channel or user-group post. */
  userId: string | null;
  method: string;
  via: PlannedPage['via'];
  targetId: string;
  /** The target as people read it: "Payments on-call", a person's name, "#payments". */
  label: string;
  status: PlannedPage['status'];
  detail: string | null;
}

export type SimulationNote =
  | { kind: 'nobody'; at: Date; loop: number; step: number; label: string }
  | { kind: 'defaulted'; at: Date; loop: number; step: number; userId: string }
  | { kind: 'exhausted'; at: Date; loops: number };

export interface SimulationState {
  snapshot: PolicySnapshot;
  urgency: Urgency;
  startedAt: Date;
  /** The next step to fire and when; null once exhausted. */
  position: Position | null;
  firesAt: Date;
  pages: SimulatedPage[];
  notes: SimulationNote[];
  done: boolean;
}

export function startSimulation(snapshot: PolicySnapshot, at: Date, severity: number): SimulationState {
  return {
    snapshot,
    urgency: urgencyOf(severity, snapshot.spec),
    startedAt: at,
    position: { loop: 0, step: 0 },
    firesAt: at,
    pages: [],
    notes: [],
    done: false,
  };
}

/** The targets of the step about to fire (for the shell to resolve at `state.firesAt`). */
export function targetsToResolve(state: SimulationState) {
  if (!state.position) return [];
  return state.snapshot.spec.steps[state.position.step]?.targets ?? [];
}

/** Fires the current step with its resolved targets and people's rules; returns the state after it. */
export function advanceSimulation(
  state: SimulationState,
  targets: readonly ResolvedTarget[],
  rules: ReadonlyMap<string, PersonRules>,
): SimulationState {
  const position = state.position;
  if (!position || state.done) return state;
  const firedAt = state.firesAt;
  const plan = planStep({
    snapshot: state.snapshot,
    position,
    firedAt,
    targets,
    rules,
    runningChains: runningChainsAt(
      state.pages.map((p) => ({ userId: p.userId, dueAt: p.at, status: p.status })),
      firedAt,
    ),
  });
  const labelOf = new Map(targets.map((t) => [`${t.target.type}:${t.target.id}`, t.label]));
  const pages = plan.pages.map(
    (p): SimulatedPage => ({
      loop: position.loop,
      step: position.step,
      at: p.dueAt,
      userId: p.userId,
      method: p.method,
      via: p.via,
      targetId: p.targetId,
      label: labelOf.get(`${p.targetType}:${p.targetId}`) ?? p.targetId,
      status: p.status,
      detail: p.detail,
    }),
  );
  const notes: SimulationNote[] = [
    ...plan.nobody.map((label) => ({ kind: 'nobody' as const, at: firedAt, ...position, label })),
    ...plan.defaulted.map((userId) => ({ kind: 'defaulted' as const, at: firedAt, ...position, userId })),
  ];
  const next = plan.next;
  const base = {
    ...state,
    pages: [...state.pages, ...pages],
    notes: [...state.notes, ...notes],
  };
  if (next.kind === 'exhausted') {
    return {
      ...base,
      position: null,
      firesAt: plan.nextAt,
      notes: [...base.notes, { kind: 'exhausted', at: plan.nextAt, loops: next.loops }],
      done: true,
    };
  }
  return { ...base, position: next.position, firesAt: plan.nextAt };
}

/** Pages in the order they go out (by due time, then step order). */
export function simulatedTimeline(state: SimulationState): SimulatedPage[] {
  return [...state.pages].sort(
    (a, b) => a.at.getTime() - b.at.getTime() || a.loop - b.loop || a.step - b.step,
  );
}
