import { OpenAPIHono } from '@hono/zod-openapi';
import { readJson } from '../body.js';
import type { AppEnv, HttpDeps } from '../context.js';
import { serve } from '../openapi/serve.js';
import {
  addActionItem,
  createPostmortem,
  getPostmortem,
  listActionItems,
  patchActionItem,
  putPostmortem,
} from './postmortems.openapi.js';

const MARKDOWN = { 'content-type': 'text/markdown; charset=utf-8' };

/** Postmortems and their action items, under /api/v1. */
export function postmortemRoutes(deps: HttpDeps): OpenAPIHono<AppEnv> {
  const { postmortems, actionItems } = deps.services;
  const app = new OpenAPIHono<AppEnv>();
  serve(app, createPostmortem, async (c) => {
    const { postmortem, created } = await postmortems.create(c.get('actor'), c.req.valid('param').ref);
    return created ? c.json(postmortem, 201) : c.json(postmortem, 200);
  });
  serve(app, getPostmortem, async (c) => {
    const { ref } = c.req.valid('param');
    if (c.req.valid('query').format === 'md')
      return c.body(await postmortems.markdown(c.get('actor'), ref), 200, MARKDOWN);
    return c.json(await postmortems.get(c.get('actor'), ref), 200);
  });
  serve(app, putPostmortem, async (c) =>
    c.json(await postmortems.update(c.get('actor'), c.req.valid('param').ref, await readJson(c)), 200),
  );
  serve(app, addActionItem, async (c) =>
    c.json(await actionItems.add(c.get('actor'), c.req.valid('param').ref, await readJson(c)), 201),
  );
  serve(app, patchActionItem, async (c) => {
    const { ref, id } = c.req.valid('param');
    return c.json(await actionItems.update(c.get('actor'), id, await readJson(c), ref), 200);
  });
  serve(app, listActionItems, async (c) =>
    c.json({ items: await actionItems.open(c.get('actor'), { limit: c.req.valid('query').limit }) }, 200),
  );
  return app;
}
