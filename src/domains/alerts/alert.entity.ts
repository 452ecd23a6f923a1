import { defineEntity, p } from '@mikro-orm/core';

export const AlertSchema = defineEntity({
  name: 'Alert',
  tableName: 'alerts',
  properties: {
    id: p.uuid().primary(),
    tenantId: p.uuid(),
    incidentId: p.uuid().nullable(),
    source: p.string(),
    dedupKey: p.string(),
    status: p.string(),
    title: p.string(),
    description: p.text().nullable(),
    service: p.string(),
    environment: p.string(),
    severity: p.smallint(),
    groupKey: p.string(),
    labels: p.json<Record<string, string>>(),
    annotations: p.json<Record<string, string>>(),
    links: p.json<{ href: string; text: string }[]>(),
    startsAt: p.datetime().nullable(),
    endsAt: p.datetime().nullable(),
    firstSeenAt: p.datetime(),
    lastSeenAt: p.datetime(),
    resolvedAt: p.datetime().nullable(),
    occurrences: p.integer().default(1),
    raw: p.json<unknown>().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export class Alert extends AlertSchema.class {}
AlertSchema.setClass(Alert);
