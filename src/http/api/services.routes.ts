import { OpenAPIHono } from '@hono/zod-openapi';
import { readJson } from '../body.js';
import type { AppEnv, HttpDeps } from '../context.js';
import { serve } from '../openapi/serve.js';
import { createService, deleteService, getService, listServices, putService } from './services.openapi.js';

/** Services, under /api/v1/services. */
export function serviceRoutes(deps: HttpDeps): OpenAPIHono<AppEnv> {
  const { catalog } = deps.services;
  const app = new OpenAPIHono<AppEnv>();
  serve(app, listServices, async (c) => c.json({ items: await catalog.list(c.get('actor')) }, 200));
  serve(app, createService, async (c) =>
    c.json(await catalog.create(c.get('actor'), await readJson(c)), 201),
  );
  serve(app, getService, async (c) =>
    c.json(await catalog.get(c.get('actor'), c.req.valid('param').id), 200),
  );
  serve(app, putService, async (c) =>
    c.json(await catalog.update(c.get('actor'), c.req.valid('param').id, await readJson(c)), 200),
  );
  serve(app, deleteService, async (c) => {
    await catalog.remove(c.get('actor'), c.req.valid('param').id);
    return c.body(null, 204);
  });
  return app;
}
