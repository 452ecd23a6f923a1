import { OpenAPIHono } from '@hono/zod-openapi';
import { readJson } from '../body.js';
import type { AppEnv, HttpDeps } from '../context.js';
import { serve } from '../openapi/serve.js';
import {
  addContactMethod,
  deleteContactMethod,
  listContactMethods,
  markContactMethodVerified,
  resendContactMethodCode,
  verifyContactMethod,
} from './contact-methods.openapi.js';

/** People's phone numbers for SMS and voice pages, under /api/v1/users/{id}/contact-methods. */
export function contactMethodRoutes(deps: HttpDeps): OpenAPIHono<AppEnv> {
  const { contactMethods } = deps.services;
  const app = new OpenAPIHono<AppEnv>();
  serve(app, listContactMethods, async (c) =>
    c.json(await contactMethods.list(c.get('actor'), c.req.valid('param').id), 200),
  );
  serve(app, addContactMethod, async (c) => {
    const r = await contactMethods.add(c.get('actor'), c.req.valid('param').id, await readJson(c));
    return r.created ? c.json(r.method, 201) : c.json(r.method, 200);
  });
  serve(app, deleteContactMethod, async (c) => {
    const { id, cmId } = c.req.valid('param');
    await contactMethods.remove(c.get('actor'), id, cmId);
    return c.body(null, 204);
  });
  serve(app, verifyContactMethod, async (c) => {
    const { id, cmId } = c.req.valid('param');
    return c.json(await contactMethods.verify(c.get('actor'), id, cmId, await readJson(c)), 200);
  });
  serve(app, resendContactMethodCode, async (c) => {
    const { id, cmId } = c.req.valid('param');
    return c.json(await contactMethods.resendCode(c.get('actor'), id, cmId), 200);
  });
  serve(app, markContactMethodVerified, async (c) => {
    const { id, cmId } = c.req.valid('param');
    return c.json(await contactMethods.markVerified(c.get('actor'), id, cmId), 200);
  });
  return app;
}
