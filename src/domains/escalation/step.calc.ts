import { MINUTE_MS } from '../../shared/durations.js';
import type { NotificationRule, PolicySnapshot, Target } from './policy.types.js';

/**
 * What one escalation step does when it fires — pure, time as a parameter (the engine and the simulator share it).
 * Given the frozen policy, where the escalation is (loop, step), the instant the step fires, what its targets
 * resolved to and each person's notification rules, it answers: the pages to record (one per person and rule,
 * due at fired + the rule's delay), the next deadline (fired + the step's delay, or at once when the step reached
 * nobody) and what comes after it (the next step, the first step of the next loop, or exhausted).
 *
 * A person whose own chain of rules is still running for this incident (a page of theirs not yet due) is not
 * paged again: their chain continues, recorded as one `skipped` page saying so. Someone paged again after their
 * chain has finished gets a new chain.
 */

export interface Position {
  loop: number;
  step: number;
}

/** How a person came to be paged by a step. */
export type ResolvedVia = 'user' | 'schedule' | 'manager_of';

/**
 * One target of the step, resolved at the instant it fires: `userIds` are the people it reached (a user target:
 * that user; a schedule: whoever is on call then; manager_of: the manager, when there is one). Empty = nobody.
 * `label` names the target for people ("Payments on-call", a user's name). Channel and user-group targets
 * (`slack_channel`, `slack_user_group`) reach a channel, not people: their `userIds` are ignored.
 */
export interface ResolvedTarget {
  target: Target;
  label: string;
  userIds: readonly string[];
}

export interface PersonRules {
  rules: readonly NotificationRule[];
  /** The person had no rules for this urgency and got the defaults (the timeline says so). */
  defaulted: boolean;
}

export type PageStatus = 'pending' | 'skipped';

export interface PlannedPage {
  /** null for a channel or user-group post. */
  userId: string | null;
  via: ResolvedVia | 'slack_channel' | 'slack_user_group';
  targetType: Target['type'];
  targetId: string;
  /** Position of the rule in the person's chain (0 for a channel post or a skipped person). */
  rulePosition: number;
  method: string;
  /** The phone an `sms` or `voice` rule pages (null otherwise). */
  contactMethodId: string | null;
  dueAt: Date;
  status: PageStatus;
  detail: string | null;
}

export type NextMove = { kind: 'step'; position: Position } | { kind: 'exhausted'; loops: number };

export interface StepPlan {
  pages: PlannedPage[];
  /** Labels of the targets that resolved to nobody ("Nobody is on call for Payments"). */
  nobody: string[];
  /** People who got the default rules. */
  defaulted: string[];
  /** The step reached nobody at all (no person, no channel): the next move is due at once. */
  empty: boolean;
  /** When the next move is due: fired + the step's delay; `firedAt` itself when the step was empty. */
  nextAt: Date;
  next: NextMove;
}

export interface StepInput {
  snapshot: PolicySnapshot;
  position: Position;
  firedAt: Date;
  targets: readonly ResolvedTarget[];
  rules: ReadonlyMap<string, PersonRules>;
  /** People whose chain for this incident (generation) still has a page not yet due at `firedAt`. */
  runningChains?: ReadonlySet<string>;
}

export function addMinutes(at: Date, minutes: number): Date {
  return new Date(at.getTime() + Math.round(minutes * MINUTE_MS));
}

/** The move after `position`: the next step, the first step of the next loop, or exhausted after `repeat` loops. */
export function nextPosition(snapshot: PolicySnapshot, position: Position): NextMove {
  const { steps, repeat } = snapshot.spec;
  if (position.step + 1 < steps.length)
    return { kind: 'step', position: { loop: position.loop, step: position.step + 1 } };
  if (position.loop < repeat) return { kind: 'step', position: { loop: position.loop + 1, step: 0 } };
  return { kind: 'exhausted', loops: position.loop + 1 };
}

export function planStep(input: StepInput): StepPlan {
  const { snapshot, position, firedAt, targets, rules } = input;
  const running = input.runningChains ?? new Set<string>();
  const step = snapshot.spec.steps[position.step];
  if (!step) throw new Error(`The policy has no step ${position.step + 1}.`);
  const pages: PlannedPage[] = [];
  const nobody: string[] = [];
  const defaulted: string[] = [];
  const seen = new Set<string>();
  let reached = 0;
  for (const resolved of targets) {
    const { target } = resolved;
    if (target.type === 'slack_channel' || target.type === 'slack_user_group') {
      reached++;
      pages.push({
        userId: null,
        via: target.type,
        targetType: target.type,
        targetId: target.id,
        rulePosition: 0,
        method: target.type === 'slack_channel' ? 'slack_channel' : 'slack_user_group',
        contactMethodId: null,
        dueAt: firedAt,
        status: 'pending',
        detail: null,
      });
      continue;
    }
    if (resolved.userIds.length === 0) {
      nobody.push(resolved.label);
      continue;
    }
    for (const userId of resolved.userIds) {
      if (seen.has(userId)) continue; // reached twice by the same step: one chain
      seen.add(userId);
      reached++;
      const base = { userId, via: target.type, targetType: target.type, targetId: target.id };
      if (running.has(userId)) {
        pages.push({
          ...base,
          rulePosition: 0,
          method: 'none',
          contactMethodId: null,
          dueAt: firedAt,
          status: 'skipped',
          detail: 'Their notification rules are still running for this incident: that chain continues.',
        });
        continue;
      }
      const personRules = rules.get(userId);
      if (!personRules) throw new Error(`No notification rules were given for ${userId}.`);
      if (personRules.defaulted) defaulted.push(userId);
      personRules.rules.forEach((rule, i) => {
        pages.push({
          ...base,
          rulePosition: i,
          method: rule.method,
          contactMethodId: rule.contactMethodId ?? null,
          dueAt: addMinutes(firedAt, rule.delayMinutes),
          status: 'pending',
          detail: personRules.defaulted
            ? 'No notification rules for this urgency: the defaults apply.'
            : null,
        });
      });
    }
  }
  const empty = reached === 0;
  return {
    pages,
    nobody,
    defaulted,
    empty,
    nextAt: empty ? firedAt : addMinutes(firedAt, step.delayMinutes),
    next: nextPosition(snapshot, position),
  };
}

/** People whose chain is still running at `at`: a pending page of theirs is not yet due. */
export function runningChainsAt(
  pages: readonly { userId: string | null; dueAt: Date; status: string }[],
  at: Date,
): Set<string> {
  const out = new Set<string>();
  for (const p of pages)
    if (p.userId && p.status === 'pending' && p.dueAt.getTime() > at.getTime()) out.add(p.userId);
  return out;
}
