import { defineEntity, p } from '@mikro-orm/core';

export const AuditEventSchema = defineEntity({
  name: 'AuditEvent',
  tableName: 'audit_events',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    tenantId: p.uuid(),
    actorKind: p.string(),
    actorId: p.string().nullable(),
    actorName: p.string(),
    action: p.string(),
    targetType: p.string(),
    targetId: p.string().nullable(),
    data: p.json<Record<string, unknown>>(),
    createdAt: p.datetime(),
  },
});

export class AuditEvent extends AuditEventSchema.class {}
AuditEventSchema.setClass(AuditEvent);
