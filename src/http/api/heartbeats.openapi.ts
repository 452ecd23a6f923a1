import { z } from '@hono/zod-openapi';
import { heartbeatInputSchema, heartbeatPatchSchema } from '../../domains/heartbeats/index.js';
import { json, jsonBody, route } from '../openapi/route.js';

const heartbeatSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    service: z.string(),
    environment: z.string(),
    severity: z.number().int(),
    description: z.string().nullable(),
    intervalSeconds: z.number().int(),
    graceSeconds: z.number().int(),
    status: z.enum(['up', 'late', 'down', 'paused']),
    pingUrl: z
      .string()
      .nullable()
      .openapi({
        description:
          'POST (or GET) it to ping; the token in it is the credential. Shown to those who may change heartbeats ' +
          '(managers, admins, keys with the write scope); null for readers',
      }),
    token: z.string().nullable(),
    lastPingAt: z.iso.datetime().nullable(),
    nextDueAt: z.iso.datetime().nullable(),
    downAt: z.iso.datetime().nullable(),
    downSince: z.iso.datetime().nullable(),
    pings: z.number().int(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('Heartbeat');

const id = z.object({ id: z.string().openapi({ description: 'The heartbeat’s id' }) });
const heartbeat = json(heartbeatSchema, 'The heartbeat monitor');
const nameTaken = 'A heartbeat of that name already exists.';
const tags = ['Heartbeats'];
// Bodies are validated by HeartbeatsService after its permission check (as `opswatch apply`'s are): `rawBody`.

export const listHeartbeats = route({
  method: 'get',
  path: '/',
  tags,
  summary: 'List heartbeat monitors with their status (up, late, down, paused), last ping and next due time',
  permission: 'heartbeat:read',
  responses: { 200: json(z.object({ items: z.array(heartbeatSchema) }), 'The heartbeat monitors') },
});

export const createHeartbeat = route({
  method: 'post',
  path: '/',
  tags,
  summary: 'Create a heartbeat monitor; the answer carries its ping URL',
  permission: 'heartbeat:write',
  conflict: nameTaken,
  rawBody: true,
  request: { body: jsonBody(heartbeatInputSchema) },
  responses: { 201: json(heartbeatSchema, 'The new heartbeat monitor') },
});

export const getHeartbeat = route({
  method: 'get',
  path: '/{id}',
  tags,
  summary: 'A heartbeat monitor',
  permission: 'heartbeat:read',
  request: { params: id },
  responses: { 200: heartbeat },
});

export const patchHeartbeat = route({
  method: 'patch',
  path: '/{id}',
  tags,
  summary: 'Change a heartbeat monitor (the fields given); `paused: true` stops watching it',
  permission: 'heartbeat:write',
  conflict: nameTaken,
  rawBody: true,
  request: { params: id, body: jsonBody(heartbeatPatchSchema) },
  responses: { 200: heartbeat },
});

export const deleteHeartbeat = route({
  method: 'delete',
  path: '/{id}',
  tags,
  summary: 'Delete a heartbeat monitor (when down, its alert resolves)',
  permission: 'heartbeat:write',
  request: { params: id },
  responses: { 204: { description: 'Deleted' } },
});

const pingResultSchema = z
  .object({
    status: z.string().openapi({ enum: ['ok'] }),
    heartbeat: z.string().openapi({ description: 'The monitor’s name' }),
    recovered: z.boolean().openapi({ description: 'It was down: this ping resolved its alert' }),
    nextDueAt: z.iso.datetime(),
  })
  .openapi('HeartbeatPing');

const token = z.object({
  token: z.string().openapi({ description: 'The monitor’s secret token (`hb_…`), from its `pingUrl`' }),
});

const ping = (method: 'post' | 'get') =>
  route({
    method,
    path: '/api/v1/heartbeats/{token}',
    tags,
    summary:
      method === 'post' ? 'Ping a heartbeat monitor' : 'Ping a heartbeat monitor (for scripts and curl)',
    description:
      'The token in the path is the credential (no API key). Any body is accepted and ignored (Alertmanager’s ' +
      'webhook, say). Answers once the ping is committed; a monitor that was down recovers, resolving its alert.',
    permission: null,
    request: { params: token },
    responses: { 200: json(pingResultSchema, 'The ping is recorded') },
  });

export const pingPost = ping('post');
export const pingGet = ping('get');
