import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv, HttpDeps } from '../context.js';
import { serve } from '../openapi/serve.js';
import { getSlackRoutes, putSlackRoutes } from './slack.openapi.js';

/**
 * Which Slack channel each service's incidents are posted to (the rest go to SLACK_DEFAULT_CHANNEL): the services'
 * `slackChannel`, read and written as one map.
 */
export function slackRoutes(deps: HttpDeps): OpenAPIHono<AppEnv> {
  const { catalog } = deps.services;
  const app = new OpenAPIHono<AppEnv>();
  serve(app, getSlackRoutes, async (c) => c.json(await catalog.routes(c.get('actor')), 200));
  serve(app, putSlackRoutes, async (c) =>
    c.json({ routes: await catalog.setRoutes(c.get('actor'), c.req.valid('json').routes) }, 200),
  );
  return app;
}
