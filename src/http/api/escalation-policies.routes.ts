import { OpenAPIHono } from '@hono/zod-openapi';
import { readJson } from '../body.js';
import type { AppEnv, HttpDeps } from '../context.js';
import { serve } from '../openapi/serve.js';
import {
  createPolicy,
  deletePolicy,
  getPolicy,
  listPolicies,
  putPolicy,
  simulatePolicy,
} from './escalation-policies.openapi.js';

/** Escalation policies, under /api/v1/escalation-policies. */
export function escalationPolicyRoutes(deps: HttpDeps): OpenAPIHono<AppEnv> {
  const { policies, simulator } = deps.services;
  const app = new OpenAPIHono<AppEnv>();
  serve(app, listPolicies, async (c) => c.json({ items: await policies.list(c.get('actor')) }, 200));
  serve(app, createPolicy, async (c) =>
    c.json(await policies.create(c.get('actor'), await readJson(c)), 201),
  );
  serve(app, getPolicy, async (c) =>
    c.json(await policies.get(c.get('actor'), c.req.valid('param').id), 200),
  );
  serve(app, putPolicy, async (c) =>
    c.json(await policies.update(c.get('actor'), c.req.valid('param').id, await readJson(c)), 200),
  );
  serve(app, deletePolicy, async (c) => {
    await policies.remove(c.get('actor'), c.req.valid('param').id);
    return c.body(null, 204);
  });
  serve(app, simulatePolicy, async (c) => {
    const { at, severity } = c.req.valid('query');
    return c.json(
      await simulator.simulatePolicy(
        c.get('actor'),
        c.req.valid('param').id,
        at ? new Date(at) : null,
        severity,
      ),
      200,
    );
  });
  return app;
}
