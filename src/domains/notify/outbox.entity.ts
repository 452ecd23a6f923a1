import { defineEntity, p } from '@mikro-orm/core';

/** Entity schemas for the schema tooling; the outbox stores work in SQL (claims, leases, NOTIFY). */
export const OutboxEntrySchema = defineEntity({
  name: 'OutboxEntry',
  tableName: 'outbox',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    tenantId: p.uuid(),
    incidentId: p.uuid().nullable(),
    destination: p.string(),
    lane: p.string(),
    payload: p.json<Record<string, unknown>>(),
    idempotencyKey: p.string().unique(),
    tx: p.bigint('number'),
    status: p.string(),
    attempts: p.integer(),
    nextAttemptAt: p.datetime(),
    lastError: p.text().nullable(),
    createdAt: p.datetime(),
    sentAt: p.datetime().nullable(),
    leaseUntil: p.datetime().nullable(),
    maybeSent: p.boolean(),
  },
});

export const SlackMessageSchema = defineEntity({
  name: 'SlackMessage',
  tableName: 'slack_messages',
  properties: {
    tenantId: p.uuid(),
    incidentId: p.uuid().primary(),
    channel: p.string().primary(),
    channelId: p.string(),
    ts: p.string(),
    createdAt: p.datetime(),
  },
});

export const SlackHomeUserSchema = defineEntity({
  name: 'SlackHomeUser',
  tableName: 'slack_home_users',
  properties: {
    tenantId: p.uuid().primary(),
    slackUserId: p.string().primary(),
    openedAt: p.datetime(),
  },
});
