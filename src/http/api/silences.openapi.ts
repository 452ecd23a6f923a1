import { z } from '@hono/zod-openapi';
import { silenceInputSchema, windowInputSchema } from '../../domains/silences/index.js';
import { json, jsonBody, route } from '../openapi/route.js';

const matcherSchema = z.object({ name: z.string(), op: z.enum(['=', '!=', '=~', '!~']), value: z.string() });

const silenceSchema = z
  .object({
    id: z.string(),
    matchers: z.array(matcherSchema),
    matchersText: z.string().openapi({ description: 'The matchers in Alertmanager’s syntax' }),
    state: z.enum(['active', 'pending', 'expired']),
    startsAt: z.iso.datetime(),
    endsAt: z.iso.datetime(),
    reason: z.string(),
    createdBy: z.string(),
    incidentId: z.string().nullable(),
    expiredBy: z.string().nullable(),
    createdAt: z.iso.datetime(),
  })
  .openapi('Silence');

const ruleSchema = z.union([
  z.object({ kind: z.literal('once'), startsAt: z.string(), endsAt: z.string() }),
  z.object({ kind: z.literal('weekly'), days: z.array(z.string()), start: z.string(), end: z.string() }),
]);

const windowSchema = z
  .object({
    id: z.string(),
    service: z.string(),
    name: z.string(),
    timeZone: z.string(),
    rule: ruleSchema,
    active: z.boolean(),
    current: z
      .object({ startsAt: z.iso.datetime(), endsAt: z.iso.datetime() })
      .nullable()
      .openapi({ description: 'The occurrence under way, else the next one (within a year)' }),
    createdBy: z.string(),
    createdAt: z.iso.datetime(),
  })
  .openapi('MaintenanceWindow');

const id = z.object({ id: z.string().openapi({ description: 'The id' }) });
const silenceTags = ['Silences'];
const windowTags = ['Maintenance windows'];

export const listSilences = route({
  method: 'get',
  path: '/',
  tags: silenceTags,
  summary: 'List silences (latest ending first), optionally in one state',
  permission: 'silence:read',
  request: {
    query: z.object({
      state: z.enum(['active', 'pending', 'expired']).optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
  },
  responses: { 200: json(z.object({ items: z.array(silenceSchema) }), 'The silences') },
});

export const createSilence = route({
  method: 'post',
  path: '/',
  tags: silenceTags,
  summary: 'Create a silence: matching firing alerts are stored but open no incident and page nobody',
  permission: 'silence:write',
  rawBody: true,
  request: { body: jsonBody(silenceInputSchema) },
  responses: { 201: json(silenceSchema, 'The new silence') },
});

export const getSilence = route({
  method: 'get',
  path: '/{id}',
  tags: silenceTags,
  summary: 'A silence',
  permission: 'silence:read',
  request: { params: id },
  responses: { 200: json(silenceSchema, 'The silence') },
});

export const expireSilence = route({
  method: 'delete',
  path: '/{id}',
  tags: silenceTags,
  summary: 'Expire a silence now (it is kept, expired); alerts it held that still fire open their incidents',
  permission: 'silence:write',
  conflict: 'The silence has already expired.',
  request: { params: id },
  responses: { 200: json(silenceSchema, 'The expired silence') },
});

export const listWindows = route({
  method: 'get',
  path: '/',
  tags: windowTags,
  summary: 'List maintenance windows',
  permission: 'silence:read',
  responses: { 200: json(z.object({ items: z.array(windowSchema) }), 'The maintenance windows') },
});

export const createWindow = route({
  method: 'post',
  path: '/',
  tags: windowTags,
  summary: 'Create a maintenance window for a service (one-off, or weekly in a time zone)',
  permission: 'maintenance:write',
  rawBody: true,
  request: { body: jsonBody(windowInputSchema) },
  responses: { 201: json(windowSchema, 'The new maintenance window') },
});

export const getWindow = route({
  method: 'get',
  path: '/{id}',
  tags: windowTags,
  summary: 'A maintenance window',
  permission: 'silence:read',
  request: { params: id },
  responses: { 200: json(windowSchema, 'The maintenance window') },
});

export const deleteWindow = route({
  method: 'delete',
  path: '/{id}',
  tags: windowTags,
  summary: 'Delete a maintenance window (alerts it held that still fire open their incidents)',
  permission: 'maintenance:write',
  request: { params: id },
  responses: { 204: { description: 'Deleted' } },
});
