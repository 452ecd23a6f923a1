import { Hono } from 'hono';
import { z } from 'zod';
import { parseWith, readJson } from '../body.js';
import type { AppEnv, HttpDeps } from '../context.js';

const instant = (what: string) =>
  z.iso.datetime({
    offset: true,
    error: `${what} must be an ISO 8601 instant with an offset, e.g. 2026-03-02T09:00:00Z`,
  });

export const oncallQuerySchema = z.object({ at: instant('at').optional() });
export const layerIndexSchema = z.object({
  index: z.coerce
    .number({ error: 'index must be a number' })
    .int('index must be a whole number')
    .min(0)
    .max(19),
});
export const shiftsQuerySchema = z.object({ from: instant('from'), to: instant('to') });

/** Schedules, their overrides and on-call answers, under /api/v1/schedules. */
export function scheduleRoutes(deps: HttpDeps): Hono<AppEnv> {
  const { rosters, oncall } = deps.services;
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => c.json({ items: await rosters.list(c.get('actor')) }));
  app.post('/', async (c) => {
    return c.json(await rosters.create(c.get('actor'), await readJson(c)), 201);
  });
  app.get('/:id', async (c) => c.json(await rosters.get(c.get('actor'), c.req.param('id'))));
  app.put('/:id', async (c) => {
    return c.json(await rosters.update(c.get('actor'), c.req.param('id'), await readJson(c)));
  });
  app.delete('/:id', async (c) => {
    await rosters.remove(c.get('actor'), c.req.param('id'));
    return c.body(null, 204);
  });
  const layerIndex = (raw: string) => parseWith(layerIndexSchema, { index: raw }, 'The path').index;
  app.post('/:id/layers', async (c) =>
    c.json(await rosters.addLayer(c.get('actor'), c.req.param('id'), await readJson(c)), 201),
  );
  app.put('/:id/layers/:index', async (c) =>
    c.json(
      await rosters.replaceLayer(
        c.get('actor'),
        c.req.param('id'),
        layerIndex(c.req.param('index')),
        await readJson(c),
      ),
    ),
  );
  app.delete('/:id/layers/:index', async (c) =>
    c.json(await rosters.removeLayer(c.get('actor'), c.req.param('id'), layerIndex(c.req.param('index')))),
  );
  app.get('/:id/overrides', async (c) =>
    c.json({ items: await rosters.listOverrides(c.get('actor'), c.req.param('id')) }),
  );
  app.post('/:id/overrides', async (c) => {
    return c.json(await rosters.addOverride(c.get('actor'), c.req.param('id'), await readJson(c)), 201);
  });
  app.delete('/:id/overrides/:overrideId', async (c) => {
    await rosters.removeOverride(c.get('actor'), c.req.param('id'), c.req.param('overrideId'));
    return c.body(null, 204);
  });
  app.get('/:id/oncall', async (c) => {
    const q = parseWith(oncallQuerySchema, c.req.query(), 'The query');
    return c.json(await oncall.onCall(c.get('actor'), c.req.param('id'), q.at ? new Date(q.at) : undefined));
  });
  app.get('/:id/shifts', async (c) => {
    const q = parseWith(shiftsQuerySchema, c.req.query(), 'The query');
    const items = await oncall.shifts(c.get('actor'), c.req.param('id'), new Date(q.from), new Date(q.to));
    return c.json({ items });
  });
  app.get('/:id/handoffs', async (c) =>
    c.json({ items: await deps.services.handoffs.recent(c.get('actor'), c.req.param('id')) }),
  );
  app.get('/:id/gaps', async (c) =>
    c.json({ items: await oncall.gapsNext14Days(c.get('actor'), c.req.param('id')) }),
  );
  return app;
}

/** GET /api/v1/users/{id}/ical: the user's secret feed URL (created on first ask). */
export function userIcalRoutes(deps: HttpDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/:id/ical', async (c) =>
    c.json(await deps.services.oncall.userIcalUrl(c.get('actor'), c.req.param('id'))),
  );
  return app;
}

const ICS = { 'content-type': 'text/calendar; charset=utf-8', 'cache-control': 'private, max-age=300' };

/** Public iCal feeds; the secret token in the path is the only credential. */
export function icalFeedRoutes(deps: HttpDeps): Hono<AppEnv> {
  const { oncall } = deps.services;
  const app = new Hono<AppEnv>();
  const tokenOf = (file: string) => file.replace(/\.ics$/, '');
  app.get('/schedules/:file', async (c) =>
    c.body(await oncall.icalForSchedule(tokenOf(c.req.param('file'))), 200, ICS),
  );
  app.get('/users/:file', async (c) =>
    c.body(await oncall.icalForUser(tokenOf(c.req.param('file'))), 200, ICS),
  );
  return app;
}
