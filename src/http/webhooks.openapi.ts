import { z } from '@hono/zod-openapi';
import { WEBHOOK_SOURCES } from '../domains/alerts/index.js';
import { inputJsonSchema, json, jsonBody, route } from './openapi/route.js';

/**
 * The webhook routes as the OpenAPI document shows them. Their bodies are parsed by each source's parser (the
 * alerts domain's source registry, src/domains/alerts/sources), with these very schemas, straight from the
 * request: the routes declare them with `rawBody`, so ingestion reads and parses a body once.
 */

const ingestResultSchema = z
  .object({
    status: z.string().openapi({ enum: ['ok'] }),
    received: z.number().int(),
    created: z.number().int(),
    deduplicated: z.number().int(),
    silenced: z
      .number()
      .int()
      .openapi({ description: 'Firing alerts held back by a silence or maintenance window' }),
    resolved: z.number().int(),
    acknowledged: z.number().int(),
    incidents: z.array(z.object({ id: z.string(), number: z.number().int(), created: z.boolean() })),
  })
  .openapi('IngestResult');

const ingest = (path: string, summary: string, body: z.ZodType) =>
  route({
    method: 'post',
    path,
    tags: ['Webhooks'],
    summary,
    description: 'Answers once the alerts are committed; a re-sent alert is counted as deduplicated.',
    permission: 'webhook:send',
    rawBody: true,
    request: { body: jsonBody(body) },
    responses: {
      200: json(ingestResultSchema, 'Committed: counts of new, deduplicated and resolved alerts'),
    },
  });

export const INGEST_ROUTES = {
  alertmanager: ingest(
    '/api/v1/webhooks/alertmanager',
    'Alertmanager webhook (v4)',
    WEBHOOK_SOURCES.alertmanager.schema,
  ),
  grafana: ingest(
    '/api/v1/webhooks/grafana',
    'Grafana unified alerting webhook',
    WEBHOOK_SOURCES.grafana.schema,
  ),
  generic: ingest(
    '/api/v1/webhooks/generic',
    'OpsWatch’s generic JSON: one alert, or a batch `{alerts: [...]}`',
    WEBHOOK_SOURCES.generic.schema,
  ),
  keep: ingest(
    '/api/v1/webhooks/keep',
    'Keep (keephq/keep) webhook provider: one alert (Keep’s AlertDto) or a list',
    WEBHOOK_SOURCES.keep.schema,
  ),
};

const pagerDutyAnswer = (status: string) =>
  z.object({
    status: z.string().openapi({ example: status }),
    message: z.string(),
    errors: z.array(z.string()),
  });

export const enqueueRoute = route({
  method: 'post',
  path: '/v2/enqueue',
  tags: ['Webhooks'],
  summary: 'PagerDuty Events API v2 compatible',
  description:
    '`routing_key` is an OpsWatch API key with the `webhooks` scope (no header needed); answers are in ' +
    'PagerDuty’s shape, so anything that can page PagerDuty can page OpsWatch.',
  permission: null,
  rawBody: true,
  // The event schema's `.catch()` (an unusable acknowledge/resolve payload is ignored) is beyond the generator.
  request: { body: jsonBody(inputJsonSchema(WEBHOOK_SOURCES.pagerduty.schema)) },
  responses: {
    202: json(
      z.object({
        status: z.string().openapi({ example: 'success' }),
        message: z.string(),
        dedup_key: z.string(),
      }),
      'Accepted and committed',
    ),
    400: json(pagerDutyAnswer('invalid event'), 'Invalid event, or a routing key that is not valid'),
    403: json(pagerDutyAnswer('invalid event'), 'The routing key may not send events'),
    503: {
      ...json(
        z.object({ status: z.string().openapi({ example: 'error' }), message: z.string() }),
        'The database is unavailable; nothing was stored. Retry later.',
      ),
      headers: { 'Retry-After': { description: 'Seconds to wait (5)', schema: { type: 'integer' } } },
    },
  },
});
