import { OpenAPIHono } from '@hono/zod-openapi';
import { readJson } from '../body.js';
import type { AppEnv, HttpDeps } from '../context.js';
import { serve } from '../openapi/serve.js';
import {
  deleteUser,
  getNotificationRules,
  getUser,
  patchUser,
  postTestPage,
  putNotificationRules,
} from './users.openapi.js';

/** One user, their manager, their notification rules and their test page, under /api/v1/users. */
export function userRoutes(deps: HttpDeps): OpenAPIHono<AppEnv> {
  const { users, notificationRules, escalation } = deps.services;
  const app = new OpenAPIHono<AppEnv>();
  serve(app, getUser, async (c) => c.json(await users.get(c.get('actor'), c.req.valid('param').id), 200));
  serve(app, patchUser, async (c) =>
    c.json(await users.update(c.get('actor'), c.req.valid('param').id, c.req.valid('json')), 200),
  );
  serve(app, deleteUser, async (c) => {
    await users.remove(c.get('actor'), c.req.valid('param').id);
    return c.body(null, 204);
  });
  serve(app, getNotificationRules, async (c) =>
    c.json(await notificationRules.get(c.get('actor'), c.req.valid('param').id), 200),
  );
  serve(app, putNotificationRules, async (c) =>
    c.json(await notificationRules.set(c.get('actor'), c.req.valid('param').id, await readJson(c)), 200),
  );
  serve(app, postTestPage, async (c) =>
    c.json(await escalation.testPage(c.get('actor'), c.req.valid('param').id), 201),
  );
  return app;
}
