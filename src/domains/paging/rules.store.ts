import { type Em, query, sql } from '../../db/sql.js';
import type { NotificationRule, Urgency } from '../escalation/index.js';

interface RuleRow {
  user_id: string;
  urgency: Urgency;
  method: NotificationRule['method'];
  contact_method_id: string | null;
  delay_minutes: string | number;
}

export const toRule = (r: RuleRow): NotificationRule => ({
  method: r.method,
  delayMinutes: Number(r.delay_minutes),
  ...(r.contact_method_id ? { contactMethodId: r.contact_method_id } : {}),
});

export const rulesStore = {
  /** The rules of these users (for one urgency, or both), in order. */
  of(em: Em, tenantId: string, userIds: readonly string[], urgency: Urgency | null): Promise<RuleRow[]> {
    if (userIds.length === 0) return Promise.resolve([]);
    return query<RuleRow>(
      em,
      sql`select user_id, urgency, method, contact_method_id, delay_minutes from notification_rules
          where tenant_id = ${tenantId} and user_id = any(${[...userIds]}::uuid[])
            ${urgency ? sql`and urgency = ${urgency}` : sql``}
          order by user_id, urgency, position`,
    );
  },

  /** Replaces a user's rules (both urgencies). */
  async replace(
    em: Em,
    tenantId: string,
    userId: string,
    rules: Record<Urgency, readonly NotificationRule[]>,
    at: Date,
  ): Promise<void> {
    await query(
      em,
      sql`delete from notification_rules where tenant_id = ${tenantId} and user_id = ${userId}`,
    );
    const rows = (['high', 'low'] as const).flatMap((urgency) =>
      rules[urgency].map((r, position) => ({
        urgency,
        position,
        method: r.method,
        contact_method_id: r.contactMethodId ?? null,
        delay_minutes: r.delayMinutes,
      })),
    );
    if (rows.length === 0) return;
    await query(
      em,
      sql`insert into notification_rules (id, tenant_id, user_id, urgency, position, method, contact_method_id,
            delay_minutes, created_at)
          select gen_random_uuid(), ${tenantId}, ${userId}, x.urgency, x.position, x.method, x.contact_method_id,
            x.delay_minutes, ${at}
          from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
            as x(urgency text, position smallint, method text, contact_method_id uuid, delay_minutes numeric)`,
    );
  },
};
