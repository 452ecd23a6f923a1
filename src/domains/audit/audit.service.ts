import type { MikroORM } from '@mikro-orm/postgresql';
import type { Em } from '../../db/sql.js';
import { withEm } from '../../db/tx.js';
import type { Actor } from '../../shared/actor.js';
import { authorize } from '../../shared/authz.js';
import { type AuditInput, type AuditRow, auditStore } from './audit.store.js';

export interface AuditEventDto {
  id: string;
  actor: { kind: string; id: string | null; name: string };
  action: string;
  target: { type: string; id: string | null };
  data: Record<string, unknown>;
  createdAt: string;
}

const toDto = (r: AuditRow): AuditEventDto => ({
  id: r.id,
  actor: { kind: r.actor_kind, id: r.actor_id, name: r.actor_name },
  action: r.action,
  target: { type: r.target_type, id: r.target_id },
  data: r.data,
  createdAt: new Date(r.created_at).toISOString(),
});

/** Records an audit event inside the caller's transaction (`em`). */
export function recordAudit(em: Em, actor: Actor, input: AuditInput, at: Date): Promise<void> {
  return auditStore.record(em, actor, input, at);
}

export class AuditService {
  constructor(private readonly orm: MikroORM) {}

  async list(actor: Actor, opts: { limit: number; before?: string }): Promise<AuditEventDto[]> {
    authorize(actor, 'audit:read');
    const rows = await withEm(this.orm, { tenantId: actor.tenantId }, (em) =>
      auditStore.list(em, actor.tenantId, opts.limit, opts.before),
    );
    return rows.map(toDto);
  }
}
