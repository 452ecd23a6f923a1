import { z } from '@hono/zod-openapi';
import { ingestionSettingsSchema } from '../../domains/alerts/index.js';
import { postmortemSettingsSchema } from '../../domains/postmortems/index.js';
import { telemetrySettingsSchema } from '../../domains/telemetry/index.js';
import { DEFAULT_KEY_SCOPES, userInputSchema } from '../../domains/tenants/index.js';
import { API_KEY_SCOPES, USER_ROLES } from '../../shared/actor.js';
import { isChannelId } from '../../shared/slack-channel.js';
import { json, jsonBody, route } from '../openapi/route.js';

export const alertsQuerySchema = z.object({
  status: z.enum(['firing', 'resolved']).optional(),
  source: z.string().optional(),
  service: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const apiKeyBodySchema = z.object({
  name: z.string().trim().min(1).max(100),
  /** What the key may do; `webhooks` (send alerts only) when left out. */
  scopes: z
    .array(z.enum(API_KEY_SCOPES, { error: `expected one of ${API_KEY_SCOPES.join(', ')}` }))
    .min(1, 'at least one scope')
    .default([...DEFAULT_KEY_SCOPES]),
});
export const escalationSettingsSchema = z
  .object({
    defaultPolicyId: z
      .string()
      .nullable()
      .openapi({ description: 'The escalation policy of services without one of their own (null: none)' }),
  })
  .openapi('EscalationSettings');
const slaReportChannelSchema = z
  .string()
  .trim()
  .refine(isChannelId, 'slaReportChannel must be a channel id such as C0123ABCD (Slack shares files by id).')
  .nullable()
  .openapi({
    description:
      'Where the weekly SLA report goes (a channel id); null: SLA_REPORT_CHANNEL, and no report when that is unset',
  });
/** Each part given replaces that part; a part left out stays as it is. */
export const settingsBodySchema = z
  .object({
    ingestion: ingestionSettingsSchema.optional(),
    escalation: escalationSettingsSchema.optional(),
    postmortems: postmortemSettingsSchema.optional(),
    telemetry: telemetrySettingsSchema.optional(),
    slaReportChannel: slaReportChannelSchema.optional(),
  })
  .openapi('SettingsChange');
export const settingsSchema = z
  .object({
    ingestion: ingestionSettingsSchema,
    escalation: escalationSettingsSchema,
    postmortems: postmortemSettingsSchema,
    telemetry: telemetrySettingsSchema,
    slaReportChannel: slaReportChannelSchema,
  })
  .openapi('Settings');
export const auditQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z
    .string()
    .regex(/^\d+$/)
    .optional()
    .openapi({ description: 'Entries older than this id (the last id of the previous page)' }),
});

const instant = z.iso.datetime();

const alertSchema = z
  .object({
    id: z.string(),
    incident: z.object({ id: z.string(), ref: z.string() }).nullable(),
    source: z.string(),
    dedupKey: z.string(),
    status: z.string().openapi({ enum: ['firing', 'resolved'] }),
    title: z.string(),
    service: z.string(),
    environment: z.string(),
    severity: z.number().int(),
    labels: z.record(z.string(), z.string()),
    firstSeenAt: instant,
    lastSeenAt: instant,
    resolvedAt: instant.nullable(),
    occurrences: z.number().int(),
    silenced: z
      .object({
        silenceId: z.string().nullable(),
        maintenanceWindowId: z.string().nullable(),
        until: z.iso.datetime(),
      })
      .nullable()
      .openapi({
        description: 'Held back by a silence or maintenance window: no incident, no page (until then)',
      }),
  })
  .openapi('Alert');

export const userSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string().nullable(),
    slackUserId: z.string().nullable(),
    timeZone: z.string(),
    role: z.string().openapi({ enum: [...USER_ROLES] }),
    managerId: z.string().nullable(),
  })
  .openapi('User');

const createdKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    scopes: z.array(z.enum(API_KEY_SCOPES)),
    key: z.string().openapi({ description: 'The key itself, shown this once (only its hash is stored)' }),
  })
  .openapi('CreatedApiKey');

const auditEventSchema = z
  .object({
    id: z.string(),
    actor: z.object({ kind: z.string(), id: z.string().nullable(), name: z.string() }),
    action: z.string().openapi({ example: 'api_key.created' }),
    target: z.object({ type: z.string(), id: z.string().nullable() }),
    data: z.record(z.string(), z.unknown()),
    createdAt: instant,
  })
  .openapi('AuditEvent');

const items = <S extends z.ZodType>(schema: S, description: string) =>
  json(z.object({ items: z.array(schema) }), description);

export const listAlerts = route({
  method: 'get',
  path: '/alerts',
  tags: ['Alerts'],
  summary: 'List alerts, the most recently seen first',
  permission: 'alert:read',
  request: { query: alertsQuerySchema },
  responses: { 200: items(alertSchema, 'Alerts') },
});

export const listUsers = route({
  method: 'get',
  path: '/users',
  tags: ['Admin'],
  summary: 'List users',
  permission: 'user:read',
  responses: { 200: items(userSchema, 'Users') },
});

export const addUser = route({
  method: 'post',
  path: '/users',
  tags: ['Admin'],
  summary: 'Add a user',
  permission: 'user:write',
  conflict: 'A user with that email or Slack user id already exists.',
  request: { body: jsonBody(userInputSchema) },
  responses: { 201: json(userSchema, 'The new user') },
});

export const createApiKey = route({
  method: 'post',
  path: '/api-keys',
  tags: ['Admin'],
  summary: 'Create an API key (shown once)',
  description: 'Scopes: `webhooks` (the default), `read`, `write` and/or `admin`.',
  permission: 'apikey:write',
  request: { body: jsonBody(apiKeyBodySchema) },
  responses: { 201: json(createdKeySchema, 'The new key') },
});

export const getSettings = route({
  method: 'get',
  path: '/settings',
  tags: ['Admin'],
  summary:
    'Settings: ingestion (grouping, auto-resolve, re-trigger window) and escalation (the default policy)',
  permission: 'settings:read',
  responses: { 200: json(settingsSchema, 'The settings') },
});

export const putSettings = route({
  method: 'put',
  path: '/settings',
  tags: ['Admin'],
  summary:
    'Replace the ingestion settings and/or the escalation settings (an unknown default policy is a 400)',
  permission: 'settings:write',
  request: { body: jsonBody(settingsBodySchema) },
  responses: { 200: json(settingsSchema, 'The settings now in force') },
});

export const listAudit = route({
  method: 'get',
  path: '/audit',
  tags: ['Admin'],
  summary: 'The audit log, newest first',
  permission: 'audit:read',
  request: { query: auditQuerySchema },
  responses: { 200: items(auditEventSchema, 'Audit log entries') },
});
