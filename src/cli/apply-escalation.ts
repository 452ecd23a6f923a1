import { z } from 'zod';
import type { Services } from '../app/services.js';
import { NOTIFY_METHODS, notificationRuleSchema, policyInputSchema } from '../domains/escalation/index.js';
import { serviceInputSchema } from '../domains/services/index.js';
import type { Actor } from '../shared/actor.js';
import { isUuid } from '../shared/ids.js';

/**
 * The escalation half of `opswatch apply`: services, escalation policies and people's managers and notification
 * rules. Policies name their targets by user email and schedule name (ids work too); services name their policy.
 */

const rulesList = z.array(notificationRuleSchema).max(10).default([]);
/** Per urgency; an urgency left out (or empty) gets the defaults (a Slack DM at once). */
export const applyRulesSchema = z.object({ high: rulesList, low: rulesList }).strict();

/** What `users:` entries take besides the user's own fields. */
export const applyUserExtras = {
  manager: z.email('manager must be the email of a user').optional(),
  notificationRules: applyRulesSchema.optional(),
};

/** A service names its policy by name. */
export const applyServiceSchema = serviceInputSchema
  .omit({ escalationPolicyId: true })
  .extend({ escalationPolicy: z.string().trim().min(1).max(200).nullish() })
  .strict();

export const applyPolicySchema = policyInputSchema;

export interface EscalationConfig {
  users: {
    email: string;
    manager?: string | undefined;
    notificationRules?: z.output<typeof applyRulesSchema>;
  }[];
  escalationPolicies: z.output<typeof applyPolicySchema>[];
  services: z.output<typeof applyServiceSchema>[];
}

export interface Known {
  /** User ids, and user emails (lower case) → id or null (listed under users:, not created yet). */
  userIds: Set<string>;
  emails: Map<string, string | null>;
  /** Schedule ids, and names (lower case) → id or null (listed under schedules:, not created yet). */
  scheduleIds: Set<string>;
  scheduleNames: Map<string, string | null>;
  /** Policy names (lower case) → id or null (listed under escalationPolicies:, not created yet). */
  policies: Map<string, string | null>;
}

type Ref = { kind: 'user' | 'schedule'; ref: string; path: string };

const refsOf = (policies: EscalationConfig['escalationPolicies'], at: string): Ref[] =>
  policies.flatMap((p, i) =>
    p.steps.flatMap((s, j) =>
      s.targets.flatMap((t, k): Ref[] => {
        const kind = t.type === 'manager_of' ? t.of : t.type;
        if (kind !== 'user' && kind !== 'schedule') return [];
        return [{ kind, ref: t.id, path: `${at}escalationPolicies[${i}].steps[${j}].targets[${k}].id` }];
      }),
    ),
  );

const knows = (known: Known, r: Pick<Ref, 'kind' | 'ref'>): boolean =>
  r.kind === 'user'
    ? known.userIds.has(r.ref) || known.emails.has(r.ref.toLowerCase())
    : known.scheduleIds.has(r.ref) || known.scheduleNames.has(r.ref.toLowerCase());

/** Every problem of one file's escalation half, with its path (nothing is written when there are any). */
export function escalationProblems(cfg: EscalationConfig, known: Known, at: string): string[] {
  const problems: string[] = [];
  cfg.users.forEach((u, i) => {
    if (u.manager && !known.emails.has(u.manager.toLowerCase()))
      problems.push(
        `${at}users[${i}].manager: "${u.manager}" is not the email of a known user or of one under users:`,
      );
    if (u.manager && u.manager.toLowerCase() === u.email.toLowerCase())
      problems.push(`${at}users[${i}].manager: a user cannot be their own manager`);
    for (const urgency of ['high', 'low'] as const)
      u.notificationRules?.[urgency].forEach((r, j) => {
        if (r.method !== NOTIFY_METHODS[0] && !r.contactMethodId)
          problems.push(
            `${at}users[${i}].notificationRules.${urgency}[${j}].method: ${r.method} needs a verified phone contact method (coming with Twilio)`,
          );
      });
  });
  for (const r of refsOf(cfg.escalationPolicies, at))
    if (!knows(known, r))
      problems.push(
        r.kind === 'user'
          ? `${r.path}: "${r.ref}" is neither a user id nor the email of a known user or of one under users:`
          : `${r.path}: "${r.ref}" is neither a schedule id nor the name of a known schedule or of one under schedules:`,
      );
  cfg.services.forEach((s, i) => {
    if (s.escalationPolicy && !known.policies.has(s.escalationPolicy.toLowerCase()))
      problems.push(
        `${at}services[${i}].escalationPolicy: "${s.escalationPolicy}" is not the name of a known escalation policy or of one under escalationPolicies:`,
      );
  });
  return problems;
}

const canonical = (v: unknown) => JSON.stringify(v);

/**
 * Writes the files' escalation halves, in order: managers and rules (users exist by now), policies (schedules
 * too), then services (naming policies). `routes`: the Slack routes of the files, whose channels the services get
 * when they name none. Every write is skipped when nothing would change.
 */
export async function applyEscalation(
  services: Pick<Services, 'users' | 'policies' | 'catalog' | 'notificationRules'>,
  actor: Actor,
  cfgs: readonly EscalationConfig[],
  known: Known,
  routes: Record<string, string> | undefined,
): Promise<string[]> {
  const changes: string[] = [];
  const userId = (ref: string) =>
    known.userIds.has(ref) ? ref : (known.emails.get(ref.toLowerCase()) ?? ref);
  const scheduleId = (ref: string) =>
    isUuid(ref) && known.scheduleIds.has(ref) ? ref : (known.scheduleNames.get(ref.toLowerCase()) ?? ref);
  for (const u of cfgs.flatMap((c) => c.users)) {
    const id = userId(u.email);
    if (u.manager !== undefined) {
      const changed = await services.users.setManager(actor, id, userId(u.manager));
      changes.push(`manager of ${u.email}: ${changed ? 'updated' : 'unchanged'}`);
    }
    if (u.notificationRules) {
      const before = await services.notificationRules.get(actor, id);
      const mine = (x: typeof before.high, defaulted: boolean) => (defaulted ? [] : x);
      const same =
        canonical([mine(before.high, before.defaulted.high), mine(before.low, before.defaulted.low)]) ===
        canonical([u.notificationRules.high, u.notificationRules.low]);
      if (!same) await services.notificationRules.set(actor, id, u.notificationRules);
      changes.push(`notification rules of ${u.email}: ${same ? 'unchanged' : 'updated'}`);
    }
  }
  for (const p of cfgs.flatMap((c) => c.escalationPolicies)) {
    const steps = p.steps.map((s) => ({
      ...s,
      targets: s.targets.map((t) => {
        const kind = t.type === 'manager_of' ? t.of : t.type;
        if (kind === 'user') return { ...t, id: userId(t.id) };
        if (kind === 'schedule') return { ...t, id: scheduleId(t.id) };
        return t;
      }),
    }));
    const r = await services.policies.upsertByName(actor, { ...p, steps });
    known.policies.set(p.name.toLowerCase(), r.policy.id);
    changes.push(
      `escalation policy "${p.name}": ${r.outcome}${r.outcome === 'unchanged' ? '' : ` (version ${r.policy.version})`}`,
    );
  }
  for (const s of cfgs.flatMap((c) => c.services)) {
    const { escalationPolicy, ...rest } = s;
    const r = await services.catalog.upsertByName(actor, {
      ...rest,
      slackChannel: rest.slackChannel ?? routes?.[rest.name] ?? null,
      escalationPolicyId: escalationPolicy ? known.policies.get(escalationPolicy.toLowerCase()) : null,
    });
    changes.push(`service "${s.name}": ${r.outcome}`);
  }
  return changes;
}
