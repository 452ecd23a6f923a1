// See incidents.routes.ts for the pattern: declared in knowledge.openapi.ts, served here, one service call each.
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv, HttpDeps } from '../context.js';
import { serve } from '../openapi/serve.js';
import {
  createEntry,
  entryBySignature,
  entryVersions,
  getEntry,
  listEntries,
  searchEntries,
  updateEntry,
} from './knowledge.openapi.js';

/** The knowledge base, under /api/v1/kb. */
export function knowledgeRoutes(deps: HttpDeps): OpenAPIHono<AppEnv> {
  const { knowledge } = deps.services;
  const app = new OpenAPIHono<AppEnv>();
  serve(app, listEntries, async (c) =>
    c.json(await knowledge.list(c.get('actor'), c.req.valid('query')), 200),
  );
  serve(app, createEntry, async (c) =>
    c.json(await knowledge.create(c.get('actor'), c.req.valid('json')), 201),
  );
  serve(app, searchEntries, async (c) =>
    c.json(await knowledge.search(c.get('actor'), c.req.valid('query')), 200),
  );
  serve(app, entryBySignature, async (c) =>
    c.json(await knowledge.bySignature(c.get('actor'), c.req.valid('param').signature), 200),
  );
  serve(app, getEntry, async (c) =>
    c.json(await knowledge.get(c.get('actor'), c.req.valid('param').id), 200),
  );
  serve(app, updateEntry, async (c) =>
    c.json(await knowledge.update(c.get('actor'), c.req.valid('param').id, c.req.valid('json')), 200),
  );
  serve(app, entryVersions, async (c) =>
    c.json(await knowledge.versions(c.get('actor'), c.req.valid('param').id), 200),
  );
  return app;
}
