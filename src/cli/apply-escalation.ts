import { z } from 'zod';
import type { Services } from '../app/services.js';
import {
  NOTIFY_METHODS,
  type NotificationRule,
  notificationRuleSchema,
  policyInputSchema,
} from '../domains/escalation/index.js';
import {
  CONTACT_METHOD_TYPES,
  type ContactMethodStatus,
  type ContactMethodType,
  checkPhone,
} from '../domains/paging/index.js';
import { serviceInputSchema } from '../domains/services/index.js';
import type { Actor } from '../shared/actor.js';
import { isUuid } from '../shared/ids.js';

/**
 * The escalation half of `opswatch apply`: services, escalation policies and people's managers, contact methods
 * and notification rules. Policies name their targets by user email and schedule name (ids work too); services
 * name their policy; SMS and voice rules name their contact method by its number (or id).
 */

/** A rule; an SMS or voice rule names its contact method by `phoneNumber` (of the same user and type) or id. */
const applyRuleSchema = notificationRuleSchema.extend({
  phoneNumber: z.string().optional(),
});
const rulesList = z.array(applyRuleSchema).max(10).default([]);
/** Per urgency; an urgency left out (or empty) gets the defaults (a Slack DM at once). */
export const applyRulesSchema = z.object({ high: rulesList, low: rulesList }).strict();

/** What `users:` entries take besides the user's own fields. */
export const applyUserExtras = {
  manager: z.email('manager must be the email of a user').optional(),
  notificationRules: applyRulesSchema.optional(),
  /**
   * Phone numbers, added if the user lacks them (unverified, and sent a code) — `verified: true` marks them
   * verified instead (admins, audited). Methods not listed are left alone.
   */
  contactMethods: z
    .array(
      z
        .object({
          type: z.enum(CONTACT_METHOD_TYPES, { error: 'type must be sms or voice' }),
          phoneNumber: z.string(),
          verified: z.boolean().optional(),
        })
        .strict(),
    )
    .max(10)
    .optional(),
};
type ApplyContactMethod = NonNullable<z.output<typeof applyUserExtras.contactMethods>>[number];

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
    contactMethods?: ApplyContactMethod[] | undefined;
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
  /** The contact methods of the existing users the files list, by user id. */
  methods: Map<string, KnownMethod[]>;
}

export interface KnownMethod {
  id: string;
  type: ContactMethodType;
  phoneNumber: string;
  status: ContactMethodStatus;
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
    const declared = (u.contactMethods ?? []).map((m, j) => {
      const phone = checkPhone(m.phoneNumber);
      if (!phone.ok) problems.push(`${at}users[${i}].contactMethods[${j}].phoneNumber: ${phone.message}`);
      return { ...m, e164: phone.ok ? phone.e164 : null };
    });
    const userId = known.emails.get(u.email.toLowerCase());
    const existing = (userId && known.methods.get(userId)) || [];
    for (const urgency of ['high', 'low'] as const)
      u.notificationRules?.[urgency].forEach((r, j) => {
        const field = `${at}users[${i}].notificationRules.${urgency}[${j}]`;
        if (r.method === NOTIFY_METHODS[0]) return;
        if (r.phoneNumber === undefined) {
          if (!r.contactMethodId)
            problems.push(
              `${field}.method: ${r.method} needs a verified phone contact method: name it with phoneNumber (or contactMethodId)`,
            );
          return;
        }
        const phone = checkPhone(r.phoneNumber);
        if (!phone.ok) {
          problems.push(`${field}.phoneNumber: ${phone.message}`);
          return;
        }
        const same = (m: { type: string }, n: string | null) => m.type === r.method && n === phone.e164;
        const verified =
          declared.some((m) => same(m, m.e164) && m.verified) ||
          existing.some((m) => same(m, m.phoneNumber) && m.status === 'active');
        if (!verified)
          problems.push(
            `${field}.phoneNumber: ${phone.e164} is not a verified ${r.method} contact method of ${u.email} (declare it under contactMethods with verified: true, or verify it first)`,
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
  services: Pick<Services, 'users' | 'policies' | 'catalog' | 'notificationRules' | 'contactMethods'>,
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
    for (const m of u.contactMethods ?? []) {
      const r = await services.contactMethods.ensure(actor, id, m);
      const what =
        r.outcome === 'created'
          ? r.method.verified
            ? 'created (verified)'
            : 'created (code sent)'
          : r.outcome;
      changes.push(`contact method ${m.type} ${r.method.phoneNumber} of ${u.email}: ${what}`);
    }
    if (u.notificationRules) {
      const methods =
        (u.notificationRules.high.length || u.notificationRules.low.length) &&
        (await services.contactMethods.list(actor, id));
      const resolve = (r: z.output<typeof applyRuleSchema>): NotificationRule => {
        const phone = r.phoneNumber === undefined ? null : checkPhone(r.phoneNumber);
        const byPhone =
          phone?.ok && methods
            ? methods.find((m) => m.type === r.method && m.phoneNumber === phone.e164)?.id
            : undefined;
        const contactMethodId = byPhone ?? r.contactMethodId;
        return {
          method: r.method,
          delayMinutes: r.delayMinutes,
          ...(contactMethodId ? { contactMethodId } : {}),
        };
      };
      const wanted = {
        high: u.notificationRules.high.map(resolve),
        low: u.notificationRules.low.map(resolve),
      };
      const before = await services.notificationRules.get(actor, id);
      const mine = (x: typeof before.high, defaulted: boolean) => (defaulted ? [] : x);
      const same =
        canonical([mine(before.high, before.defaulted.high), mine(before.low, before.defaulted.low)]) ===
        canonical([wanted.high, wanted.low]);
      if (!same) await services.notificationRules.set(actor, id, wanted);
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
