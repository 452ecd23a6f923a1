import { z } from '@hono/zod-openapi';
import { serviceInputSchema } from '../../domains/services/index.js';
import { json, jsonBody, route } from '../openapi/route.js';

const serviceSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    escalationPolicyId: z.string().nullable(),
    slackChannel: z.string().nullable(),
    autoChannel: z
      .object({ minSeverity: z.number().int().min(1).max(5) })
      .nullable()
      .openapi({ description: 'Incidents this severe or worse get their own Slack channel when they open' }),
    channelArchiveHours: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'Hours after resolution the channel is archived; null: the default' }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('Service');

const id = z.object({ id: z.string().openapi({ description: 'The service’s id' }) });
const service = json(serviceSchema, 'The service');
const nameTaken = 'A service of that name already exists.';
const tags = ['Services'];
// Bodies are validated by ServiceCatalog after its permission check (as `opswatch apply`'s are): `rawBody`.

export const listServices = route({
  method: 'get',
  path: '/',
  tags,
  summary: 'List services (an alert’s `service` names one; new names are added on first sight)',
  permission: 'service:read',
  responses: { 200: json(z.object({ items: z.array(serviceSchema) }), 'The services') },
});

export const createService = route({
  method: 'post',
  path: '/',
  tags,
  summary: 'Create a service',
  permission: 'service:write',
  conflict: nameTaken,
  rawBody: true,
  request: { body: jsonBody(serviceInputSchema) },
  responses: { 201: json(serviceSchema, 'The new service') },
});

export const getService = route({
  method: 'get',
  path: '/{id}',
  tags,
  summary: 'A service',
  permission: 'service:read',
  request: { params: id },
  responses: { 200: service },
});

export const putService = route({
  method: 'put',
  path: '/{id}',
  tags,
  summary: 'Replace a service: name, escalation policy, Slack channel, description',
  permission: 'service:write',
  conflict: nameTaken,
  rawBody: true,
  request: { params: id, body: jsonBody(serviceInputSchema) },
  responses: { 200: service },
});

export const deleteService = route({
  method: 'delete',
  path: '/{id}',
  tags,
  summary: 'Delete a service (an alert naming it again adds it back, with no policy)',
  permission: 'service:write',
  request: { params: id },
  responses: { 204: { description: 'Deleted' } },
});
