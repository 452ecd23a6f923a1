import { Hono } from 'hono';
import { z } from 'zod';
import { slackRoutesSchema } from '../../domains/notify/index.js';
import { readBody } from '../body.js';
import type { AppEnv, HttpDeps } from '../context.js';

export const slackRoutesBodySchema = z.object({ routes: slackRoutesSchema });

/** Which Slack channel each service's incidents are posted to (the rest go to SLACK_DEFAULT_CHANNEL). */
export function slackRoutes(deps: HttpDeps): Hono<AppEnv> {
  const { outbox } = deps.services;
  const app = new Hono<AppEnv>();
  app.get('/routes', async (c) => c.json(await outbox.routes(c.get('actor'))));
  app.put('/routes', async (c) => {
    const body = await readBody(c, slackRoutesBodySchema);
    return c.json({ routes: await outbox.setRoutes(c.get('actor'), body.routes) });
  });
  return app;
}
