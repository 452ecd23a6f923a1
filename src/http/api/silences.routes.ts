import { OpenAPIHono } from '@hono/zod-openapi';
import { readJson } from '../body.js';
import type { AppEnv, HttpDeps } from '../context.js';
import { serve } from '../openapi/serve.js';
import {
  createSilence,
  createWindow,
  deleteWindow,
  expireSilence,
  getSilence,
  getWindow,
  listSilences,
  listWindows,
} from './silences.openapi.js';

/** Silences, under /api/v1/silences. */
export function silenceRoutes(deps: HttpDeps): OpenAPIHono<AppEnv> {
  const { silences } = deps.services;
  const app = new OpenAPIHono<AppEnv>();
  serve(app, listSilences, async (c) =>
    c.json({ items: await silences.list(c.get('actor'), c.req.valid('query')) }, 200),
  );
  serve(app, createSilence, async (c) =>
    c.json(await silences.create(c.get('actor'), await readJson(c)), 201),
  );
  serve(app, getSilence, async (c) =>
    c.json(await silences.get(c.get('actor'), c.req.valid('param').id), 200),
  );
  serve(app, expireSilence, async (c) =>
    c.json(await silences.expire(c.get('actor'), c.req.valid('param').id), 200),
  );
  return app;
}

/** Maintenance windows, under /api/v1/maintenance-windows. */
export function maintenanceRoutes(deps: HttpDeps): OpenAPIHono<AppEnv> {
  const { maintenance } = deps.services;
  const app = new OpenAPIHono<AppEnv>();
  serve(app, listWindows, async (c) => c.json({ items: await maintenance.list(c.get('actor')) }, 200));
  serve(app, createWindow, async (c) =>
    c.json(await maintenance.create(c.get('actor'), await readJson(c)), 201),
  );
  serve(app, getWindow, async (c) =>
    c.json(await maintenance.get(c.get('actor'), c.req.valid('param').id), 200),
  );
  serve(app, deleteWindow, async (c) => {
    await maintenance.remove(c.get('actor'), c.req.valid('param').id);
    return c.body(null, 204);
  });
  return app;
}
