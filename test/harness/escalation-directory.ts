import { type Em, query, queryOne, sql } from '../../src/db/sql.js';
import {
  DEFAULT_RULES,
  type EscalationDirectory,
  type NotificationRule,
  type PolicySnapshot,
  policySpecSchema,
} from '../../src/domains/escalation/index.js';
import { whoIsOnCallAt } from '../../src/domains/rosters/index.js';

/**
 * A small EscalationDirectory over the tables (escalation_policies, services, notification_rules,
 * users.manager_id) for the engine's tests, until the escalation, services and paging domains provide theirs.
 */
export const tableDirectory: EscalationDirectory = {
  async policyFor(em: Em, tenantId: string, service: string): Promise<PolicySnapshot | null> {
    const row = await queryOne<{ id: string; name: string; version: number; spec: unknown }>(
      em,
      sql`select p.id, p.name, p.version, p.spec from escalation_policies p
          where p.tenant_id = ${tenantId} and p.id = coalesce(
            (select s.escalation_policy_id from services s where s.tenant_id = ${tenantId} and s.name = ${service}),
            (select (t.settings #>> '{escalation,defaultPolicyId}')::uuid from tenants t where t.id = ${tenantId}))`,
    );
    return row
      ? { policyId: row.id, name: row.name, version: row.version, spec: policySpecSchema.parse(row.spec) }
      : null;
  },

  async rulesOf(em, tenantId, userIds, urgency) {
    const rows = userIds.length
      ? await query<{ user_id: string; method: NotificationRule['method']; delay_minutes: string }>(
          em,
          sql`select user_id, method, delay_minutes from notification_rules
              where tenant_id = ${tenantId} and user_id = any(${userIds}::uuid[]) and urgency = ${urgency}
              order by user_id, position`,
        )
      : [];
    const out = new Map<string, { rules: NotificationRule[]; defaulted: boolean }>();
    for (const id of userIds) {
      const mine = rows.filter((r) => r.user_id === id);
      out.set(
        id,
        mine.length
          ? {
              rules: mine.map((r) => ({ method: r.method, delayMinutes: Number(r.delay_minutes) })),
              defaulted: false,
            }
          : { rules: [...DEFAULT_RULES[urgency]], defaulted: true },
      );
    }
    return out;
  },

  async managerOf(em, tenantId, target, at) {
    const userId =
      target.of === 'user'
        ? target.id
        : ((await whoIsOnCallAt(em, tenantId, target.id, at))?.userIds[0] ?? null);
    if (!userId) return null;
    const row = await queryOne<{ manager_id: string | null }>(
      em,
      sql`select manager_id from users where tenant_id = ${tenantId} and id = ${userId}`,
    );
    return row?.manager_id ?? null;
  },
};
