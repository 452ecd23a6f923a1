import { Hono } from 'hono';
import { z } from 'zod';
import { ingestionSettingsSchema } from '../../domains/alerts/index.js';
import { DEFAULT_KEY_SCOPES, userInputSchema } from '../../domains/tenants/index.js';
import { API_KEY_SCOPES } from '../../shared/actor.js';
import { parseWith, readBody } from '../body.js';
import type { AppEnv, HttpDeps } from '../context.js';

export const alertsQuerySchema = z.object({
  status: z.enum(['firing', 'resolved']).optional(),
  source: z.string().optional(),
  service: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const apiKeyBodySchema = z.object({
  name: z.string().trim().min(1).max(100),
  /** What the key may do; `webhooks` (send alerts only) when left out. */
  scopes: z
    .array(z.enum(API_KEY_SCOPES, { error: `expected one of ${API_KEY_SCOPES.join(', ')}` }))
    .min(1, 'at least one scope')
    .default([...DEFAULT_KEY_SCOPES]),
});
export const settingsBodySchema = z.object({ ingestion: ingestionSettingsSchema });
export const auditQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.string().regex(/^\d+$/).optional(),
});

/** Alerts, users, API keys, settings and the audit log. */
export function adminRoutes(deps: HttpDeps): Hono<AppEnv> {
  const s = deps.services;
  const app = new Hono<AppEnv>();
  app.get('/alerts', async (c) =>
    c.json({
      items: await s.alerts.list(c.get('actor'), parseWith(alertsQuerySchema, c.req.query(), 'The query')),
    }),
  );
  app.get('/users', async (c) => c.json({ items: await s.users.list(c.get('actor')) }));
  app.post('/users', async (c) =>
    c.json(await s.users.create(c.get('actor'), await readBody(c, userInputSchema)), 201),
  );
  app.post('/api-keys', async (c) => {
    const body = await readBody(c, apiKeyBodySchema);
    return c.json(await s.tenants.createApiKey(c.get('actor'), body.name, body.scopes), 201);
  });
  app.get('/settings', async (c) => c.json({ ingestion: await s.alerts.settingsFor(c.get('actor')) }));
  app.put('/settings', async (c) => {
    const body = await readBody(c, settingsBodySchema);
    await s.tenants.updateSettings(c.get('actor'), body);
    return c.json(body);
  });
  app.get('/audit', async (c) => {
    const q = parseWith(auditQuerySchema, c.req.query(), 'The query');
    return c.json({ items: await s.audit.list(c.get('actor'), q) });
  });
  return app;
}
