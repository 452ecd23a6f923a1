import { OpenAPIHono } from '@hono/zod-openapi';
import { readJson } from '../body.js';
import type { AppEnv, HttpDeps } from '../context.js';
import { serve } from '../openapi/serve.js';
import {
  createRunbook,
  deleteRunbook,
  getRunbook,
  listRunbooks,
  runbookDiff,
  runbookTemplates,
  runbookVersions,
  updateRunbook,
} from './runbooks.openapi.js';

/** Runbooks, under /api/v1/runbooks. */
export function runbookRoutes(deps: HttpDeps): OpenAPIHono<AppEnv> {
  const { runbooks } = deps.services;
  const app = new OpenAPIHono<AppEnv>();
  serve(app, listRunbooks, async (c) =>
    c.json({ items: await runbooks.list(c.get('actor'), c.req.valid('query')) }, 200),
  );
  serve(app, runbookTemplates, (c) => c.json({ items: runbooks.templates(c.get('actor')) }, 200));
  serve(app, createRunbook, async (c) =>
    c.json(await runbooks.create(c.get('actor'), await readJson(c)), 201),
  );
  serve(app, getRunbook, async (c) =>
    c.json(await runbooks.get(c.get('actor'), c.req.valid('param').id), 200),
  );
  serve(app, updateRunbook, async (c) =>
    c.json(await runbooks.update(c.get('actor'), c.req.valid('param').id, await readJson(c)), 200),
  );
  serve(app, deleteRunbook, async (c) => {
    await runbooks.remove(c.get('actor'), c.req.valid('param').id);
    return c.body(null, 204);
  });
  serve(app, runbookVersions, async (c) =>
    c.json({ items: await runbooks.versions(c.get('actor'), c.req.valid('param').id) }, 200),
  );
  serve(app, runbookDiff, async (c) => {
    const { id, from, to } = c.req.valid('param');
    return c.json(await runbooks.diff(c.get('actor'), id, from, to), 200);
  });
  return app;
}
