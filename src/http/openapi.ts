import { z } from 'zod';
import { declareInputSchema } from '../domains/incidents/index.js';
import { userInputSchema } from '../domains/tenants/index.js';
import { apiKeyBodySchema, settingsBodySchema } from './api/admin.routes.js';
import { assignBodySchema, noteBodySchema, resolveBodySchema } from './api/incidents.routes.js';

const json = (schema: z.ZodType) => ({
  content: {
    'application/json': { schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) },
  },
});
const ok = (description: string) => ({ description, content: { 'application/json': {} } });
const problems = {
  '400': { description: 'Invalid input (application/problem+json naming the fields at fault)' },
  '401': { description: 'Missing or invalid API key' },
  '404': { description: 'Not found' },
  '409': { description: 'Invalid transition (for example resolving twice)' },
  '503': { description: 'Database unavailable; retry' },
};
const ref = {
  name: 'ref',
  in: 'path',
  required: true,
  description: 'Incident id, INC-42 or 42',
  schema: { type: 'string' },
};
const webhook = (summary: string) => ({
  post: {
    summary,
    requestBody: { content: { 'application/json': {} } },
    responses: {
      '200': ok('Committed: counts of created, deduplicated and resolved alerts'),
      '413': { description: 'Body over 10 MiB' },
      ...problems,
    },
  },
});

/** The OpenAPI 3.1 description of the HTTP API, built from the same zod schemas the routes use. */
export function openApiDocument(serverUrl: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: { title: 'OpsWatch API', version: '1' },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }, { apiKey: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
    },
    paths: {
      '/api/v1/webhooks/alertmanager': webhook('Alertmanager webhook (v4)'),
      '/api/v1/webhooks/grafana': webhook('Grafana unified alerting webhook'),
      '/api/v1/webhooks/generic': webhook('OpsWatch generic JSON alert(s)'),
      '/v2/enqueue': {
        post: {
          summary: 'PagerDuty Events API v2 compatible; routing_key is an OpsWatch API key',
          security: [],
          responses: { '202': ok('Accepted, with dedup_key'), '400': { description: 'Invalid event' } },
        },
      },
      '/api/v1/incidents': {
        get: {
          summary: 'List incidents (newest first, cursor pagination)',
          parameters: [
            'status',
            'service',
            'environment',
            'severity',
            'since',
            'until',
            'limit',
            'cursor',
          ].map((name) => ({
            name,
            in: 'query',
            schema: { type: 'string' },
          })),
          responses: { '200': ok('{ items, nextCursor }'), ...problems },
        },
        post: {
          summary: 'Declare an incident',
          requestBody: json(declareInputSchema),
          responses: { '201': ok('The incident'), ...problems },
        },
      },
      '/api/v1/incidents/{ref}': {
        get: {
          summary: 'An incident with its alerts and timeline',
          parameters: [ref],
          responses: { '200': ok('Incident'), ...problems },
        },
      },
      '/api/v1/incidents/{ref}/acknowledge': {
        post: {
          summary: 'Acknowledge',
          parameters: [ref],
          responses: { '200': ok('Incident'), ...problems },
        },
      },
      '/api/v1/incidents/{ref}/resolve': {
        post: {
          summary: 'Resolve',
          parameters: [ref],
          requestBody: json(resolveBodySchema),
          responses: { '200': ok('Incident'), ...problems },
        },
      },
      '/api/v1/incidents/{ref}/assign': {
        post: {
          summary: 'Assign',
          parameters: [ref],
          requestBody: json(assignBodySchema),
          responses: { '200': ok('Incident'), ...problems },
        },
      },
      '/api/v1/incidents/{ref}/notes': {
        post: {
          summary: 'Add a note',
          parameters: [ref],
          requestBody: json(noteBodySchema),
          responses: { '201': ok('Incident'), ...problems },
        },
      },
      '/api/v1/alerts': {
        get: { summary: 'List alerts', responses: { '200': ok('{ items }'), ...problems } },
      },
      '/api/v1/users': {
        get: { summary: 'List users', responses: { '200': ok('{ items }') } },
        post: {
          summary: 'Add a user',
          requestBody: json(userInputSchema),
          responses: { '201': ok('User'), ...problems },
        },
      },
      '/api/v1/api-keys': {
        post: {
          summary: 'Create an API key (shown once)',
          requestBody: json(apiKeyBodySchema),
          responses: { '201': ok('{ id, key }') },
        },
      },
      '/api/v1/settings': {
        get: {
          summary: 'Ingestion settings (grouping, auto-resolve, re-trigger window)',
          responses: { '200': ok('Settings') },
        },
        put: {
          summary: 'Replace ingestion settings',
          requestBody: json(settingsBodySchema),
          responses: { '200': ok('Settings'), ...problems },
        },
      },
      '/api/v1/audit': { get: { summary: 'Audit log (admins)', responses: { '200': ok('{ items }') } } },
      '/healthz': { get: { summary: 'Process up', security: [], responses: { '200': ok('ok') } } },
      '/readyz': {
        get: {
          summary: 'Database reachable and migrated',
          security: [],
          responses: { '200': ok('ready'), '503': { description: 'not ready' } },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics',
          security: [],
          responses: { '200': { description: 'text/plain' } },
        },
      },
    },
  };
}
