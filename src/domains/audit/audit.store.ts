import { type Em, query, sql } from '../../db/sql.js';
import type { Actor } from '../../shared/actor.js';

export interface AuditInput {
  action: string;
  targetType: string;
  targetId: string | null;
  data?: Record<string, unknown>;
}

export interface AuditRow {
  id: string;
  actor_kind: string;
  actor_id: string | null;
  actor_name: string;
  action: string;
  target_type: string;
  target_id: string | null;
  data: Record<string, unknown>;
  created_at: Date;
}

export const auditStore = {
  /** Written in the caller's transaction, next to the change it describes. */
  async record(em: Em, actor: Actor, input: AuditInput, at: Date): Promise<void> {
    await query(
      em,
      sql`insert into audit_events (tenant_id, actor_kind, actor_id, actor_name, action, target_type, target_id, data, created_at)
          values (${actor.tenantId}, ${actor.kind}, ${actor.id}, ${actor.name}, ${input.action}, ${input.targetType},
                  ${input.targetId}, ${JSON.stringify(input.data ?? {})}::jsonb, ${at})`,
    );
  },

  async list(em: Em, tenantId: string, limit: number, beforeId?: string): Promise<AuditRow[]> {
    return query<AuditRow>(
      em,
      sql`select id::text, actor_kind, actor_id, actor_name, action, target_type, target_id, data, created_at
          from audit_events where tenant_id = ${tenantId}
          ${beforeId ? sql`and id < ${beforeId}::bigint` : sql``}
          order by id desc limit ${limit}`,
    );
  },
};
