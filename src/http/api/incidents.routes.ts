import { Hono } from 'hono';
import { z } from 'zod';
import { declareInputSchema, listFilterSchema } from '../../domains/incidents/index.js';
import { parseWith, readBody } from '../body.js';
import type { AppEnv, HttpDeps } from '../context.js';

export const resolveBodySchema = z.object({ note: z.string().trim().max(10_000).optional() }).default({});
export const assignBodySchema = z.object({
  user: z.string().trim().min(1, 'a user id, email or Slack user id is required'),
});
export const noteBodySchema = z.object({
  text: z.string().trim().min(1, 'a note needs some text').max(10_000),
});

async function optionalBody<S extends z.ZodType>(
  c: Parameters<typeof readBody>[0],
  schema: S,
): Promise<z.infer<S>> {
  const text = await c.req.raw.clone().text();
  return text.trim() ? readBody(c, schema) : parseWith(schema, undefined);
}

export function incidentRoutes(deps: HttpDeps): Hono<AppEnv> {
  const { incidents } = deps.services;
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => {
    const filter = parseWith(listFilterSchema, c.req.query(), 'The query');
    return c.json(await incidents.list(c.get('actor'), filter));
  });
  app.post('/', async (c) => {
    const input = await readBody(c, declareInputSchema);
    return c.json(await incidents.declare(c.get('actor'), input), 201);
  });
  app.get('/:ref', async (c) => c.json(await incidents.get(c.get('actor'), c.req.param('ref'))));
  app.post('/:ref/acknowledge', async (c) =>
    c.json(await incidents.acknowledge(c.get('actor'), c.req.param('ref'))),
  );
  app.post('/:ref/resolve', async (c) => {
    const body = await optionalBody(c, resolveBodySchema);
    return c.json(await incidents.resolve(c.get('actor'), c.req.param('ref'), body.note));
  });
  app.post('/:ref/assign', async (c) => {
    const body = await readBody(c, assignBodySchema);
    return c.json(await incidents.assign(c.get('actor'), c.req.param('ref'), body.user));
  });
  app.post('/:ref/notes', async (c) => {
    const body = await readBody(c, noteBodySchema);
    return c.json(await incidents.addNote(c.get('actor'), c.req.param('ref'), body.text), 201);
  });
  return app;
}
