import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv, HttpDeps } from '../context.js';
import { serve } from '../openapi/serve.js';
import { getRollups } from './rollups.openapi.js';

/** Metric rollups (Silver), under /api/v1/services/{name}/rollups. */
export function rollupRoutes(deps: HttpDeps): OpenAPIHono<AppEnv> {
  const { rollups } = deps.services;
  const app = new OpenAPIHono<AppEnv>();
  serve(app, getRollups, async (c) =>
    c.json(await rollups.list(c.get('actor'), c.req.valid('param').name, c.req.query()), 200),
  );
  return app;
}
