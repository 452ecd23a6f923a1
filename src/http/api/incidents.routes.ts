// The pattern every routes file follows (see src/http/openapi/route.ts): each route is declared in the
// *.openapi.ts beside it with `route()` (schemas, permission, answers) and served here with `serve()`, which
// validates the path, query and body with those schemas and puts the route in GET /api/v1/openapi.json. A handler
// stays a thin adapter: take `c.req.valid(...)` and the actor, call one service method, answer with its status.
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv, HttpDeps } from '../context.js';
import { serve } from '../openapi/serve.js';
import {
  acknowledgeIncident,
  addIncidentNote,
  assignIncident,
  declareIncident,
  editIncident,
  escalateIncident,
  getIncident,
  getIncidentRoles,
  listIncidentNotifications,
  listIncidents,
  listIncidentUpdates,
  mergeIncident,
  postIncidentUpdate,
  resolveIncident,
  setIncidentRole,
} from './incidents.openapi.js';

/** Incidents and their actions, under /api/v1/incidents. */
export function incidentRoutes(deps: HttpDeps): OpenAPIHono<AppEnv> {
  const { incidents } = deps.services;
  const app = new OpenAPIHono<AppEnv>();
  serve(app, listIncidents, async (c) =>
    c.json(await incidents.list(c.get('actor'), c.req.valid('query')), 200),
  );
  serve(app, declareIncident, async (c) =>
    c.json(await incidents.declare(c.get('actor'), c.req.valid('json')), 201),
  );
  serve(app, getIncident, async (c) =>
    c.json(await incidents.get(c.get('actor'), c.req.valid('param').ref), 200),
  );
  serve(app, editIncident, async (c) =>
    c.json(await incidents.edit(c.get('actor'), c.req.valid('param').ref, c.req.valid('json')), 200),
  );
  serve(app, acknowledgeIncident, async (c) =>
    c.json(await incidents.acknowledge(c.get('actor'), c.req.valid('param').ref), 200),
  );
  serve(app, resolveIncident, async (c) => {
    const body = c.req.valid('json');
    const capture = { cause: body.rootCause, kb: body.addToKnowledgeBase ?? body.fix !== undefined };
    const note = body.fix ?? body.note;
    return c.json(await incidents.resolve(c.get('actor'), c.req.valid('param').ref, note, capture), 200);
  });
  serve(app, assignIncident, async (c) =>
    c.json(await incidents.assign(c.get('actor'), c.req.valid('param').ref, c.req.valid('json').user), 200),
  );
  serve(app, addIncidentNote, async (c) =>
    c.json(await incidents.addNote(c.get('actor'), c.req.valid('param').ref, c.req.valid('json').text), 201),
  );
  serve(app, mergeIncident, async (c) =>
    c.json(await incidents.merge(c.get('actor'), c.req.valid('param').ref, c.req.valid('json')), 200),
  );
  const { escalation } = deps.services;
  serve(app, escalateIncident, async (c) =>
    c.json(
      await escalation.escalate(c.get('actor'), c.req.valid('param').ref, c.req.valid('json').token),
      200,
    ),
  );
  serve(app, listIncidentNotifications, async (c) =>
    c.json(await escalation.notifications(c.get('actor'), c.req.valid('param').ref), 200),
  );
  const { coordination } = deps.services;
  serve(app, getIncidentRoles, async (c) =>
    c.json(await coordination.roles(c.get('actor'), c.req.valid('param').ref), 200),
  );
  serve(app, setIncidentRole, async (c) =>
    c.json(
      (await coordination.setRole(c.get('actor'), c.req.valid('param').ref, c.req.valid('json'))).roles,
      200,
    ),
  );
  serve(app, listIncidentUpdates, async (c) =>
    c.json({ items: await coordination.updates(c.get('actor'), c.req.valid('param').ref) }, 200),
  );
  serve(app, postIncidentUpdate, async (c) =>
    c.json(
      (await coordination.postUpdate(c.get('actor'), c.req.valid('param').ref, c.req.valid('json'))).update,
      201,
    ),
  );
  return app;
}
