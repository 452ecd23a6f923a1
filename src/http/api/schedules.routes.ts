import { OpenAPIHono } from '@hono/zod-openapi';
import { readJson } from '../body.js';
import type { AppEnv, HttpDeps } from '../context.js';
import { serve } from '../openapi/serve.js';
import {
  addLayer,
  addOverride,
  createSchedule,
  deleteLayer,
  deleteOverride,
  deleteSchedule,
  getOnCall,
  getSchedule,
  getUserIcal,
  listGaps,
  listHandoffs,
  listOverrides,
  listSchedules,
  listShifts,
  putLayer,
  putSchedule,
  scheduleFeed,
  userFeed,
} from './schedules.openapi.js';

/** Schedules, their overrides and on-call answers, under /api/v1/schedules. */
export function scheduleRoutes(deps: HttpDeps): OpenAPIHono<AppEnv> {
  const { rosters, oncall, handoffs } = deps.services;
  const app = new OpenAPIHono<AppEnv>();
  serve(app, listSchedules, async (c) => c.json({ items: await rosters.list(c.get('actor')) }, 200));
  serve(app, createSchedule, async (c) =>
    c.json(await rosters.create(c.get('actor'), await readJson(c)), 201),
  );
  serve(app, getSchedule, async (c) =>
    c.json(await rosters.get(c.get('actor'), c.req.valid('param').id), 200),
  );
  serve(app, putSchedule, async (c) =>
    c.json(await rosters.update(c.get('actor'), c.req.valid('param').id, await readJson(c)), 200),
  );
  serve(app, deleteSchedule, async (c) => {
    await rosters.remove(c.get('actor'), c.req.valid('param').id);
    return c.body(null, 204);
  });
  serve(app, addLayer, async (c) =>
    c.json(await rosters.addLayer(c.get('actor'), c.req.valid('param').id, await readJson(c)), 201),
  );
  serve(app, putLayer, async (c) => {
    const { id, index } = c.req.valid('param');
    return c.json(await rosters.replaceLayer(c.get('actor'), id, index, await readJson(c)), 200);
  });
  serve(app, deleteLayer, async (c) => {
    const { id, index } = c.req.valid('param');
    return c.json(await rosters.removeLayer(c.get('actor'), id, index), 200);
  });
  serve(app, listOverrides, async (c) =>
    c.json({ items: await rosters.listOverrides(c.get('actor'), c.req.valid('param').id) }, 200),
  );
  serve(app, addOverride, async (c) =>
    c.json(await rosters.addOverride(c.get('actor'), c.req.valid('param').id, await readJson(c)), 201),
  );
  serve(app, deleteOverride, async (c) => {
    const { id, overrideId } = c.req.valid('param');
    await rosters.removeOverride(c.get('actor'), id, overrideId);
    return c.body(null, 204);
  });
  serve(app, getOnCall, async (c) => {
    const { id } = c.req.valid('param');
    const { at } = c.req.valid('query');
    return c.json(await oncall.onCall(c.get('actor'), id, at ? new Date(at) : undefined), 200);
  });
  serve(app, listShifts, async (c) => {
    const { id } = c.req.valid('param');
    const { from, to } = c.req.valid('query');
    return c.json({ items: await oncall.shifts(c.get('actor'), id, new Date(from), new Date(to)) }, 200);
  });
  serve(app, listHandoffs, async (c) =>
    c.json({ items: await handoffs.recent(c.get('actor'), c.req.valid('param').id) }, 200),
  );
  serve(app, listGaps, async (c) =>
    c.json({ items: await oncall.gapsNext14Days(c.get('actor'), c.req.valid('param').id) }, 200),
  );
  return app;
}

/** GET /api/v1/users/{id}/ical: the user's secret feed URL (created on first ask). */
export function userIcalRoutes(deps: HttpDeps): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();
  serve(app, getUserIcal, async (c) =>
    c.json(await deps.services.oncall.userIcalUrl(c.get('actor'), c.req.valid('param').id), 200),
  );
  return app;
}

const ICS = { 'content-type': 'text/calendar; charset=utf-8', 'cache-control': 'private, max-age=300' };

/** Public iCal feeds; the secret token in the path is the only credential. */
export function icalFeedRoutes(deps: HttpDeps): OpenAPIHono<AppEnv> {
  const { oncall } = deps.services;
  const app = new OpenAPIHono<AppEnv>();
  const tokenOf = (file: string) => file.replace(/\.ics$/, '');
  serve(app, scheduleFeed, async (c) =>
    c.body(await oncall.icalForSchedule(tokenOf(c.req.valid('param').file)), 200, ICS),
  );
  serve(app, userFeed, async (c) =>
    c.body(await oncall.icalForUser(tokenOf(c.req.valid('param').file)), 200, ICS),
  );
  return app;
}
