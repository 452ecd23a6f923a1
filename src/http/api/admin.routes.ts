import { OpenAPIHono } from '@hono/zod-openapi';
import type { Actor } from '../../shared/actor.js';
import type { AppEnv, HttpDeps } from '../context.js';
import { serve } from '../openapi/serve.js';
import {
  addUser,
  createApiKey,
  getSettings,
  listAlerts,
  listAudit,
  listUsers,
  putSettings,
} from './admin.openapi.js';

/** Alerts, users, API keys, settings and the audit log. */
export function adminRoutes(deps: HttpDeps): OpenAPIHono<AppEnv> {
  const s = deps.services;
  const app = new OpenAPIHono<AppEnv>();
  serve(app, listAlerts, async (c) =>
    c.json({ items: await s.alerts.list(c.get('actor'), c.req.valid('query')) }, 200),
  );
  serve(app, listUsers, async (c) => c.json({ items: await s.users.list(c.get('actor')) }, 200));
  serve(app, addUser, async (c) => c.json(await s.users.create(c.get('actor'), c.req.valid('json')), 201));
  serve(app, createApiKey, async (c) => {
    const body = c.req.valid('json');
    return c.json(await s.tenants.createApiKey(c.get('actor'), body.name, body.scopes), 201);
  });
  const settings = async (actor: Actor) => ({
    ingestion: await s.alerts.settingsFor(actor),
    escalation: { defaultPolicyId: await s.policies.defaultPolicyId(actor) },
    postmortems: await s.postmortems.settingsFor(actor),
    telemetry: await s.telemetry.settingsFor(actor),
    // Read after the parts above, which check settings:read.
    slaReportChannel: ownChannel((await s.tenants.settings(actor.tenantId)).slaReportChannel),
  });
  serve(app, getSettings, async (c) => c.json(await settings(c.get('actor')), 200));
  serve(app, putSettings, async (c) => {
    const { ingestion, escalation, postmortems, telemetry, slaReportChannel } = c.req.valid('json');
    const actor = c.get('actor');
    if (escalation) await s.policies.setDefaultPolicy(actor, escalation.defaultPolicyId);
    if (ingestion) await s.tenants.updateSettings(actor, { ingestion });
    if (postmortems) await s.tenants.updateSettings(actor, { postmortems });
    if (telemetry) await s.tenants.updateSettings(actor, { telemetry: s.telemetry.parseSettings(telemetry) });
    if (slaReportChannel !== undefined) await s.tenants.updateSettings(actor, { slaReportChannel });
    return c.json(await settings(actor), 200);
  });
  serve(app, listAudit, async (c) =>
    c.json({ items: await s.audit.list(c.get('actor'), c.req.valid('query')) }, 200),
  );
  return app;
}

const ownChannel = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);
