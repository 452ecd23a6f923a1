import { z } from '@hono/zod-openapi';
import { logQuerySchema, type OtlpSignal, telemetryEventsSchema } from '../domains/telemetry/index.js';
import { problemResponse } from './openapi/problem.schema.js';
import { json, jsonBody, route } from './openapi/route.js';

/** OTLP's answer: empty on full success; `partialSuccess` says how many items were refused and why. */
const otlpAnswer = (counter: string, name: string) =>
  z
    .object({
      partialSuccess: z
        .object({
          [counter]: z
            .string()
            .openapi({ description: 'How many were refused (int64, as OTLP/JSON writes it)' }),
          errorMessage: z.string(),
        })
        .optional(),
    })
    .openapi(name);

const binary = { type: 'string', format: 'binary' } as const;

/** The signal's word in OTLP's message names (`ExportTraceServiceRequest` is singular). */
const MESSAGE: Record<OtlpSignal, string> = { logs: 'Logs', metrics: 'Metrics', traces: 'Trace' };

const otlp = (path: string, signal: OtlpSignal, counter: string, name: string) =>
  route({
    method: 'post',
    path,
    tags: ['Telemetry'],
    summary: `OTLP/HTTP ${signal} export (protobuf or JSON, gzip accepted)`,
    description:
      `OpenTelemetry's OTLP/HTTP ${signal} endpoint: point an SDK's or the Collector's \`otlphttp\` exporter at ` +
      'OpsWatch with an API key header. `Content-Type: application/x-protobuf` or `application/json` (OTLP/JSON: ' +
      'camelCase, hex ids, int64 as strings); `Content-Encoding: gzip` accepted. The answer is ' +
      `Export${MESSAGE[signal]}ServiceResponse in the request's encoding, sent once what ` +
      'goes to Bronze is committed. The service is the `service.name` resource attribute.',
    permission: 'telemetry:write',
    rawBody: true,
    request: {
      body: {
        required: true,
        content: {
          'application/x-protobuf': { schema: binary },
          'application/json': {
            schema: z.looseObject({}).openapi({
              description: `OTLP/JSON Export${MESSAGE[signal]}ServiceRequest`,
            }),
          },
        },
      },
    },
    responses: {
      200: {
        description: 'Accepted (wholly, or partly: see partialSuccess)',
        content: {
          'application/json': { schema: otlpAnswer(counter, name) },
          'application/x-protobuf': { schema: binary },
        },
      },
      415: problemResponse('The content type is neither application/x-protobuf nor application/json'),
    },
  });

export const otlpLogsRoute = otlp('/v1/logs', 'logs', 'rejectedLogRecords', 'OtlpLogsAnswer');
export const otlpMetricsRoute = otlp('/v1/metrics', 'metrics', 'rejectedDataPoints', 'OtlpMetricsAnswer');
export const otlpTracesRoute = otlp('/v1/traces', 'traces', 'rejectedSpans', 'OtlpTracesAnswer');

const eventsAnswer = z
  .object({
    accepted: z.number().int(),
    rejected: z.number().int(),
    errorMessage: z.string(),
    bronze: z.number().int().openapi({ description: 'Rows written to Bronze (committed)' }),
    points: z
      .number()
      .int()
      .openapi({ description: 'Metric points taken (aggregated within about a second)' }),
  })
  .openapi('TelemetryEventsAnswer');

export const eventsRoute = route({
  method: 'post',
  path: '/api/v1/telemetry/events',
  tags: ['Telemetry'],
  summary: 'A plain JSON batch of events, for scripts',
  description:
    'Each event is redacted; ERROR/FATAL ones and those whose `durationMs` reaches the latency threshold go to ' +
    'Bronze; `name` + `value` is a data point of metric `name`, `durationMs` one of `<name>.duration`.',
  permission: 'telemetry:write',
  rawBody: true,
  request: { body: jsonBody(telemetryEventsSchema) },
  responses: { 200: json(eventsAnswer, 'Committed') },
});

const logEntrySchema = z
  .object({
    id: z.string(),
    time: z.iso.datetime(),
    service: z.string(),
    level: z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL']),
    message: z.string(),
    context: z.record(z.string(), z.unknown()),
    traceId: z.string().nullable(),
    spanId: z.string().nullable(),
    userHash: z.string().nullable().openapi({ description: 'HMAC-SHA256 of the user id, hex' }),
    durationMs: z.number().nullable(),
    incidentId: z.string().nullable(),
  })
  .openapi('LogEntry');

export const listLogsRoute = route({
  method: 'get',
  path: '/{name}/logs',
  tags: ['Telemetry'],
  summary:
    'A service’s Bronze logs (ERROR/FATAL records, error and slow spans, slow events; redacted), newest first',
  description:
    '`from`/`to` default to the last 24 hours; `q` finds text in the message (case-insensitive); ' +
    'pass `nextCursor` as `cursor` for the next page.',
  permission: 'telemetry:read',
  request: {
    params: z.object({ name: z.string().min(1).max(200).openapi({ description: 'The service' }) }),
    query: logQuerySchema,
  },
  responses: {
    200: json(
      z.object({ items: z.array(logEntrySchema), nextCursor: z.string().nullable() }),
      'A page of logs',
    ),
  },
});
