import { defineEntity, p } from '@mikro-orm/core';

export const IncidentSchema = defineEntity({
  name: 'Incident',
  tableName: 'incidents',
  properties: {
    id: p.uuid().primary(),
    tenantId: p.uuid(),
    number: p.integer(),
    title: p.string(),
    description: p.text().nullable(),
    service: p.string(),
    environment: p.string(),
    severity: p.smallint(),
    status: p.string(),
    groupKey: p.string().nullable(),
    source: p.string(),
    assigneeId: p.uuid().nullable(),
    autoResolve: p.boolean().default(true),
    version: p.integer().default(1),
    createdAt: p.datetime(),
    acknowledgedAt: p.datetime().nullable(),
    resolvedAt: p.datetime().nullable(),
    updatedAt: p.datetime(),
  },
});

export class Incident extends IncidentSchema.class {}
IncidentSchema.setClass(Incident);

export const TimelineEntrySchema = defineEntity({
  name: 'TimelineEntry',
  tableName: 'timeline_entries',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    tenantId: p.uuid(),
    incidentId: p.uuid(),
    kind: p.string(),
    actorKind: p.string(),
    actorId: p.string().nullable(),
    actorName: p.string(),
    message: p.text().nullable(),
    data: p.json<Record<string, unknown>>(),
    createdAt: p.datetime(),
  },
});

export class TimelineEntry extends TimelineEntrySchema.class {}
TimelineEntrySchema.setClass(TimelineEntry);
