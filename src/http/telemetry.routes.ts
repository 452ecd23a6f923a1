import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { encodeResponse, encodingOf, type OtlpSignal } from '../domains/telemetry/index.js';
import { AppError } from '../shared/errors.js';
import { readJson } from './body.js';
import type { AppEnv, HttpDeps } from './context.js';
import { requireApiKey } from './middleware/auth.middleware.js';
import { serve } from './openapi/serve.js';
import {
  eventsRoute,
  listLogsRoute,
  otlpLogsRoute,
  otlpMetricsRoute,
  otlpTracesRoute,
} from './telemetry.openapi.js';

const unzip = promisify(gunzip);
/** What a gzipped body may inflate to (the compressed body is limited like every other, to 10 MiB). */
export const MAX_INFLATED_BYTES = 64 * 1024 * 1024;

const COUNTER: Record<OtlpSignal, string> = {
  logs: 'rejectedLogRecords',
  metrics: 'rejectedDataPoints',
  traces: 'rejectedSpans',
};

/** The body's bytes, inflated when it says it is gzipped; a broken or oversized gzip stream is a 400 / 413. */
async function bodyBytes(c: Context<AppEnv>): Promise<Uint8Array> {
  const raw = new Uint8Array(await c.req.arrayBuffer());
  const encoding = (c.req.header('content-encoding') ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return raw;
  if (encoding !== 'gzip') {
    throw AppError.validation(`Content-Encoding "${encoding}" is not supported; send gzip or none.`, [
      { field: 'content-encoding', message: 'unsupported' },
    ]);
  }
  try {
    return await unzip(raw, { maxOutputLength: MAX_INFLATED_BYTES });
  } catch (err) {
    if (err instanceof RangeError || (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new AppError('too_large', 'The request body inflates to more than 64 MiB.');
    }
    throw AppError.validation('The request body is not valid gzip.', [
      { field: '(body)', message: 'invalid gzip' },
    ]);
  }
}

/** 415 as problem+json: OTLP/HTTP has two encodings. */
const unsupported = () =>
  new Response(
    JSON.stringify({
      type: 'https://opswatch.dev/problems/unsupported_media_type',
      title: 'Unsupported media type',
      status: 415,
      detail: 'OTLP/HTTP takes Content-Type application/x-protobuf or application/json.',
    }),
    { status: 415, headers: { 'content-type': 'application/problem+json' } },
  );

/** OTLP/HTTP receivers and the events batch: authenticate, decode, route, commit Bronze, then answer. */
export function telemetryRoutes(deps: HttpDeps): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();
  const auth = requireApiKey(deps.services);
  for (const [route, signal] of [
    [otlpLogsRoute, 'logs'],
    [otlpMetricsRoute, 'metrics'],
    [otlpTracesRoute, 'traces'],
  ] as const) {
    serve(app, { ...route, middleware: auth }, async (c) => {
      const encoding = encodingOf(c.req.header('content-type'));
      if (!encoding) return unsupported() as never;
      const outcome = await deps.services.telemetry.ingestOtlp(
        c.get('actor'),
        signal,
        encoding,
        await bodyBytes(c),
      );
      const partial =
        outcome.rejected > 0 || outcome.errorMessage
          ? {
              partialSuccess: {
                [COUNTER[signal]]: String(outcome.rejected),
                errorMessage: outcome.errorMessage,
              },
            }
          : {};
      if (encoding === 'json') return c.json(partial, 200);
      const bytes = encodeResponse(signal, partial);
      return c.body(new Uint8Array(bytes), 200, { 'content-type': 'application/x-protobuf' }) as never;
    });
  }
  serve(app, { ...eventsRoute, middleware: auth }, async (c) =>
    c.json(await deps.services.telemetry.ingestEvents(c.get('actor'), await readJson(c)), 200),
  );
  return app;
}

/** `GET /api/v1/services/{name}/logs` (mounted under /api/v1/services, behind the API key). */
export function serviceLogsRoutes(deps: HttpDeps): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();
  serve(app, listLogsRoute, async (c) =>
    c.json(
      await deps.services.telemetry.listLogs(c.get('actor'), c.req.valid('param').name, c.req.valid('query')),
      200,
    ),
  );
  return app;
}
