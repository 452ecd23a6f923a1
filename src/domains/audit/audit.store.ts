import type { JsonObject } from '../../db/schema.generated.js';
import { db, type Em, jsonb, query, type RowOf } from '../../db/sql.js';
import type { Actor } from '../../shared/actor.js';

export interface AuditInput {
  action: string;
  targetType: string;
  targetId: string | null;
  data?: Record<string, unknown>;
}

const selectAudit = () =>
  db
    .selectFrom('audit_events')
    .select([
      'id',
      'actor_kind',
      'actor_id',
      'actor_name',
      'action',
      'target_type',
      'target_id',
      'data',
      'created_at',
    ])
    .$narrowType<{ data: JsonObject }>();

/** An audit event as read (`id` is a bigint, so text; `created_at` text, as the pool reads timestamps). */
export type AuditRow = RowOf<ReturnType<typeof selectAudit>>;

export const auditStore = {
  /** Written in the caller's transaction, next to the change it describes. */
  async record(em: Em, actor: Actor, input: AuditInput, at: Date): Promise<void> {
    await query(
      em,
      db.insertInto('audit_events').values({
        tenant_id: actor.tenantId,
        actor_kind: actor.kind,
        actor_id: actor.id,
        actor_name: actor.name,
        action: input.action,
        target_type: input.targetType,
        target_id: input.targetId,
        data: jsonb(input.data ?? {}),
        created_at: at,
      }),
    );
  },

  async list(em: Em, tenantId: string, limit: number, beforeId?: string): Promise<AuditRow[]> {
    let q = selectAudit().where('tenant_id', '=', tenantId);
    if (beforeId) q = q.where('id', '<', beforeId);
    return query(em, q.orderBy('id', 'desc').limit(limit));
  },
};
