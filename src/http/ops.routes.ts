import { OpenAPIHono, z } from '@hono/zod-openapi';
import { within } from '../shared/timeout.js';
import type { AppEnv, HttpDeps } from './context.js';
import { json, route } from './openapi/route.js';
import { serve } from './openapi/serve.js';

/** /readyz answers within this long; a readiness check that takes longer counts as not ready. */
const READY_TIMEOUT_MS = 2_000;

const status = (example: string) => z.object({ status: z.string().openapi({ example }) });
const tags = ['Operations'];

const healthz = route({
  method: 'get',
  path: '/healthz',
  tags,
  summary: 'The process is up',
  permission: null,
  database: false,
  responses: { 200: json(status('ok'), 'Up') },
});

const readyz = route({
  method: 'get',
  path: '/readyz',
  tags,
  summary: 'The database is reachable and every migration applied (answers within 2 seconds)',
  permission: null,
  database: false,
  responses: { 200: json(status('ready'), 'Ready'), 503: json(status('not ready'), 'Not ready') },
});

const metrics = route({
  method: 'get',
  path: '/metrics',
  tags,
  summary: 'Prometheus metrics (text format, `opswatch_` prefix)',
  permission: null,
  database: false,
  responses: {
    200: {
      description: 'Prometheus text exposition format',
      content: { 'text/plain': { schema: z.string() } },
    },
  },
});

/** Health, readiness and metrics: no API key, and no database needed to answer. */
export function opsRoutes(deps: HttpDeps): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();
  serve(app, healthz, (c) => c.json({ status: 'ok' }, 200));
  serve(app, readyz, async (c) => {
    const ready = await within(
      deps.ready().catch(() => false),
      READY_TIMEOUT_MS,
      false,
    );
    return ready ? c.json({ status: 'ready' }, 200) : c.json({ status: 'not ready' }, 503);
  });
  serve(app, metrics, async (c) =>
    c.text(await deps.metrics.registry.metrics(), 200, { 'Content-Type': deps.metrics.registry.contentType }),
  );
  return app;
}
