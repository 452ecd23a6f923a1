import { type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../context.js';
import { API_KEY_HEADER, BEARER, json, route } from './route.js';
import { serve } from './serve.js';

const SCOPES =
  'API key scopes: `webhooks` (send alerts only), `read` (read everything), `write` (also act on incidents, ' +
  'schedules and overrides), `admin` (everything). Each operation lists the scopes that may call it.';

const TAGS = [
  { name: 'Incidents', description: 'Incidents and their lifecycle: acknowledge, resolve, assign, notes.' },
  { name: 'Alerts', description: 'Alerts as the webhooks received them.' },
  { name: 'Webhooks', description: 'Alert ingestion: Alertmanager, Grafana, the generic format, PagerDuty.' },
  { name: 'Schedules', description: 'On-call schedules, layers, overrides, on-call answers and handoffs.' },
  { name: 'Calendars', description: 'Secret-token iCal feeds (RFC 5545).' },
  {
    name: 'Contact methods',
    description:
      'People’s phone numbers for SMS and voice pages, verified by a 6-digit code (or by an admin).',
  },
  { name: 'Admin', description: 'Users, API keys, settings, Slack routes and the audit log.' },
  { name: 'Operations', description: 'Health, readiness, metrics and this document.' },
];

const openApiRoute = route({
  method: 'get',
  path: '/api/v1/openapi.json',
  tags: ['Operations'],
  summary: 'This OpenAPI 3.1 document',
  permission: null,
  database: false,
  responses: {
    200: json(z.looseObject({ openapi: z.string() }), 'The OpenAPI 3.1 description of this API'),
  },
});

/** The OpenAPI 3.1 document of every route declared on `app` (and the apps routed under it). */
export function openApiDocument(app: OpenAPIHono<AppEnv>, serverUrl: string) {
  return app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'OpsWatch API',
      version: '1',
      description:
        'REST API, webhooks and iCal feeds of the OpsWatch HTTP sidecar. Errors are RFC 9457 ' +
        '`application/problem+json`; validation failures list each field at fault in `errors`.',
    },
    servers: [{ url: serverUrl }],
    tags: TAGS,
  });
}

/** Serves the document at GET /api/v1/openapi.json (built on first ask, when every route is declared). */
export function serveDocument(app: OpenAPIHono<AppEnv>, serverUrl: string): void {
  app.openAPIRegistry.registerComponent('securitySchemes', BEARER, {
    type: 'http',
    scheme: 'bearer',
    description: `An OpsWatch API key: \`Authorization: Bearer KEY\`. ${SCOPES}`,
  });
  app.openAPIRegistry.registerComponent('securitySchemes', API_KEY_HEADER, {
    type: 'apiKey',
    in: 'header',
    name: 'X-API-Key',
    description: `An OpsWatch API key in the X-API-Key header. ${SCOPES}`,
  });
  let document: ReturnType<typeof openApiDocument> | undefined;
  serve(app, openApiRoute, (c) => {
    document ??= openApiDocument(app, serverUrl);
    return c.json(document, 200);
  });
}
