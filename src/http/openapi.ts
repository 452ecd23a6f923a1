import { z } from 'zod';
import { declareInputSchema } from '../domains/incidents/index.js';
import { layerInputSchema, overrideInputSchema, scheduleInputSchema } from '../domains/rosters/index.js';
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
  '403': { description: 'The API key’s scopes do not allow this (the detail names the scope it takes)' },
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
      ...schedulePaths(),
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
          summary: 'Create an API key (shown once) with scopes webhooks (default), read, write and/or admin',
          requestBody: json(apiKeyBodySchema),
          responses: { '201': ok('{ id, name, scopes, key }'), ...problems },
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
      '/api/v1/audit': {
        get: {
          summary: 'Audit log (scopes read, write or admin)',
          responses: { '200': ok('{ items }'), ...problems },
        },
      },
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

const idParam = (name: string, description: string) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string' },
});
const scheduleId = idParam('id', 'Schedule id');
const instantQuery = (name: string, required: boolean, description: string) => ({
  name,
  in: 'query',
  required,
  description,
  schema: { type: 'string', format: 'date-time' },
});
const calendar = (summary: string) => ({
  get: {
    summary,
    security: [],
    parameters: [idParam('token', 'The secret feed token (with .ics)')],
    responses: {
      '200': { description: 'RFC 5545 calendar', content: { 'text/calendar': {} } },
      '404': { description: 'Unknown token' },
    },
  },
});

/** Schedules, overrides, on-call answers and the public iCal feeds. */
function schedulePaths(): Record<string, unknown> {
  return {
    '/api/v1/schedules': {
      get: {
        summary: 'List schedules (each with icalUrl and gaps in the next 14 days)',
        responses: { '200': ok('{ items }'), ...problems },
      },
      post: {
        summary: 'Create a schedule; participants are user ids',
        requestBody: json(scheduleInputSchema),
        responses: { '201': ok('Schedule'), ...problems },
      },
    },
    '/api/v1/schedules/{id}': {
      get: {
        summary: 'A schedule',
        parameters: [scheduleId],
        responses: { '200': ok('Schedule'), ...problems },
      },
      put: {
        summary: 'Replace a schedule (name, zone, Slack settings, layers)',
        parameters: [scheduleId],
        requestBody: json(scheduleInputSchema),
        responses: { '200': ok('Schedule'), ...problems },
      },
      delete: {
        summary: 'Delete a schedule and its overrides',
        parameters: [scheduleId],
        responses: { '204': { description: 'Deleted' }, ...problems },
      },
    },
    '/api/v1/schedules/{id}/layers': {
      post: {
        summary: 'Add a layer on top (it wins where it covers)',
        parameters: [scheduleId],
        requestBody: json(layerInputSchema),
        responses: { '201': ok('Schedule'), ...problems },
      },
    },
    '/api/v1/schedules/{id}/layers/{index}': {
      put: {
        summary: 'Replace layer `index` (0 = the lowest)',
        parameters: [scheduleId, idParam('index', 'Layer index, 0 = the lowest')],
        requestBody: json(layerInputSchema),
        responses: { '200': ok('Schedule'), ...problems },
      },
      delete: {
        summary: 'Remove layer `index`',
        parameters: [scheduleId, idParam('index', 'Layer index, 0 = the lowest')],
        responses: { '200': ok('Schedule'), ...problems },
      },
    },
    '/api/v1/schedules/{id}/overrides': {
      get: {
        summary: 'Overrides in effect now or later',
        parameters: [scheduleId],
        responses: { '200': ok('{ items }'), ...problems },
      },
      post: {
        summary: 'Add an override (a person covers a range, replacing one participant or everyone)',
        parameters: [scheduleId],
        requestBody: json(overrideInputSchema),
        responses: { '201': ok('Override'), ...problems },
      },
    },
    '/api/v1/schedules/{id}/overrides/{overrideId}': {
      delete: {
        summary: 'Remove an override',
        parameters: [scheduleId, idParam('overrideId', 'Override id')],
        responses: { '204': { description: 'Deleted' }, ...problems },
      },
    },
    '/api/v1/schedules/{id}/oncall': {
      get: {
        summary:
          'Who is on call at an instant (now by default), from which layer or override, and until when',
        parameters: [scheduleId, instantQuery('at', false, 'ISO 8601 instant with offset')],
        responses: { '200': ok('{ scheduleId, at, users, source, until }'), ...problems },
      },
    },
    '/api/v1/schedules/{id}/shifts': {
      get: {
        summary: 'The final, merged shifts in [from, to) (180 days at most)',
        parameters: [scheduleId, instantQuery('from', true, 'Start'), instantQuery('to', true, 'End')],
        responses: { '200': ok('{ items }'), ...problems },
      },
    },
    '/api/v1/schedules/{id}/handoffs': {
      get: {
        summary: 'The latest handoffs (who took over from whom, when, until when), newest first',
        parameters: [scheduleId],
        responses: { '200': ok('{ items }'), ...problems },
      },
    },
    '/api/v1/schedules/{id}/gaps': {
      get: {
        summary: 'Uncovered ranges in the next 14 days',
        parameters: [scheduleId],
        responses: { '200': ok('{ items }'), ...problems },
      },
    },
    '/api/v1/users/{id}/ical': {
      get: {
        summary: "The user's secret iCal feed URL (created on first ask)",
        parameters: [idParam('id', 'User id')],
        responses: { '200': ok('{ userId, icalUrl }'), ...problems },
      },
    },
    '/ical/schedules/{token}.ics': calendar("A schedule's shifts, 7 days back to 90 days ahead (no API key)"),
    '/ical/users/{token}.ics': calendar("A user's shifts across all schedules (no API key)"),
  };
}
