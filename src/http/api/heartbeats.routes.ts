import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { isAppError } from '../../shared/errors.js';
import { isUuid } from '../../shared/ids.js';
import { readJson } from '../body.js';
import type { AppEnv, HttpDeps } from '../context.js';
import { serve } from '../openapi/serve.js';
import {
  createHeartbeat,
  deleteHeartbeat,
  getHeartbeat,
  listHeartbeats,
  patchHeartbeat,
  pingGet,
  pingPost,
} from './heartbeats.openapi.js';

/** Heartbeat monitors, under /api/v1/heartbeats (API key). */
export function heartbeatRoutes(deps: HttpDeps): OpenAPIHono<AppEnv> {
  const { heartbeats } = deps.services;
  const app = new OpenAPIHono<AppEnv>();
  serve(app, listHeartbeats, async (c) => c.json({ items: await heartbeats.list(c.get('actor')) }, 200));
  serve(app, createHeartbeat, async (c) =>
    c.json(await heartbeats.create(c.get('actor'), await readJson(c)), 201),
  );
  serve(app, getHeartbeat, async (c) =>
    c.json(await heartbeats.get(c.get('actor'), c.req.valid('param').id), 200),
  );
  serve(app, patchHeartbeat, async (c) =>
    c.json(await heartbeats.update(c.get('actor'), c.req.valid('param').id, await readJson(c)), 200),
  );
  serve(app, deleteHeartbeat, async (c) => {
    await heartbeats.remove(c.get('actor'), c.req.valid('param').id);
    return c.body(null, 204);
  });
  return app;
}

/**
 * Pings, `POST` or `GET /api/v1/heartbeats/{token}`: the token is the credential, so these come before the API
 * key check. Whatever body comes (Alertmanager's webhook, a script's output) is read and ignored; the answer
 * comes after the commit. A `GET` naming a monitor's id (a UUID, never a token's shape) is the REST read: it
 * goes on to the API key check and `heartbeatRoutes`.
 */
export function heartbeatPingRoutes(deps: HttpDeps): OpenAPIHono<AppEnv> {
  const { heartbeats } = deps.services;
  const app = new OpenAPIHono<AppEnv>();
  const handle = async (c: Context<AppEnv>) => {
    await c.req.raw.arrayBuffer().catch(() => undefined);
    try {
      const result = await heartbeats.ping(c.req.param('token') ?? '');
      deps.metrics.heartbeatPings.inc({ outcome: result.recovered ? 'recovered' : 'ok' });
      return c.json(result, 200);
    } catch (err) {
      if (isAppError(err) && err.code === 'not_found')
        deps.metrics.heartbeatPings.inc({ outcome: 'unknown' });
      throw err;
    }
  };
  serve(app, pingPost, (c) => handle(c));
  app.openAPIRegistry.registerPath(pingGet);
  app.get('/api/v1/heartbeats/:token', async (c, next) => {
    if (isUuid(c.req.param('token'))) return next();
    return handle(c);
  });
  return app;
}
