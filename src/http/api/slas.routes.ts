import { OpenAPIHono } from '@hono/zod-openapi';
import { readJson } from '../body.js';
import type { AppEnv, HttpDeps } from '../context.js';
import { serve } from '../openapi/serve.js';
import { createSla, getSla, listSlas, listSnapshots } from './slas.openapi.js';

/** SLAs (Gold), under /api/v1/slas (API key). */
export function slaRoutes(deps: HttpDeps): OpenAPIHono<AppEnv> {
  const { sla } = deps.services;
  const app = new OpenAPIHono<AppEnv>();
  serve(app, listSlas, async (c) =>
    c.json({ items: await sla.list(c.get('actor'), { all: c.req.valid('query').all === 'true' }) }, 200),
  );
  serve(app, createSla, async (c) => {
    const { sla: dto, created } = await sla.create(c.get('actor'), await readJson(c));
    return created ? c.json(dto, 201) : c.json(dto, 200);
  });
  serve(app, getSla, async (c) => c.json(await sla.get(c.get('actor'), c.req.valid('param').id), 200));
  serve(app, listSnapshots, async (c) =>
    c.json(
      { items: await sla.snapshots(c.get('actor'), c.req.valid('param').id, c.req.valid('query')) },
      200,
    ),
  );
  return app;
}
