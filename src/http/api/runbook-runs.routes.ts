import { OpenAPIHono } from '@hono/zod-openapi';
import { readJson } from '../body.js';
import type { AppEnv, HttpDeps } from '../context.js';
import { serve } from '../openapi/serve.js';
import { getRun, listRuns, startRun } from './runbook-runs.openapi.js';

/** Runbook action runs, under /api/v1/runbook-runs (approving and rejecting is done by people, in Slack). */
export function runbookRunRoutes(deps: HttpDeps): OpenAPIHono<AppEnv> {
  const { runs } = deps.services.remediation;
  const app = new OpenAPIHono<AppEnv>();
  serve(app, listRuns, async (c) =>
    c.json({ items: await runs.list(c.get('actor'), c.req.valid('query').incident) }, 200),
  );
  serve(app, startRun, async (c) => c.json(await runs.start(c.get('actor'), await readJson(c)), 201));
  serve(app, getRun, async (c) => c.json(await runs.get(c.get('actor'), c.req.valid('param').id), 200));
  return app;
}
