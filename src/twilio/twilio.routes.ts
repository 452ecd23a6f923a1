import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv, HttpDeps } from '../http/context.js';
import { route } from '../http/openapi/route.js';
import { serve } from '../http/openapi/serve.js';
import { problem } from '../http/problem.js';
import { AppError } from '../shared/errors.js';

/** What the Twilio routes need beyond the HTTP sidecar's deps: the token Twilio signs with, and the public URL. */
export interface TwilioRouteSettings {
  authToken: string;
  publicBaseUrl: string;
}

const form = (description: string) => ({
  required: true,
  description,
  content: {
    'application/x-www-form-urlencoded': {
      schema: z.record(z.string(), z.string()).openapi({ description: 'Twilio’s parameters' }),
    },
  },
});
const twiml = (description: string) => ({ description, content: { 'text/xml': { schema: z.string() } } });
const signed = {
  permission: null,
  rawBody: true as const,
  tags: ['Twilio'],
  responses: { 403: { description: 'The X-Twilio-Signature header is missing or does not match' } },
};
const sendIdParam = z.object({ id: z.uuid({ error: 'The call id must be a UUID.' }) });

export const TWILIO_ROUTES = {
  status: route({
    ...signed,
    method: 'post',
    path: '/twilio/status',
    summary: 'Twilio status callback (SMS and calls)',
    description:
      'Moves the delivery ledger of the send named by `?send=` on: queued → sent → delivered / undelivered / failed for SMS, ringing → answered → completed / no-answer / busy / failed for calls.',
    request: { query: z.object({ send: z.uuid() }), body: form('A status callback') },
    responses: { ...signed.responses, 204: { description: 'Recorded' } },
  }),
  sms: route({
    ...signed,
    method: 'post',
    path: '/twilio/sms',
    summary: 'Inbound SMS (replies to pages)',
    description:
      '`42a` acknowledges INC-42, `42e` escalates it, `42c` resolves it; `a`/`e`/`c` alone act on the one incident paging the sender, `aa` acknowledges all; STOP/START; help. Answers TwiML.',
    request: { body: form('An inbound message') },
    responses: { ...signed.responses, 200: twiml('TwiML: the reply to text back, if any') },
  }),
  voice: route({
    ...signed,
    method: 'post',
    path: '/twilio/voice/{id}',
    summary: 'TwiML of a page’s call',
    description:
      'Says the incident twice and gathers one key: 4 acknowledge, 5 escalate, 6 resolve, * repeat. A call answered by a machine hangs up (it does not count as reached).',
    request: { params: sendIdParam, body: form('The call’s parameters') },
    responses: { ...signed.responses, 200: twiml('TwiML') },
  }),
  gather: route({
    ...signed,
    method: 'post',
    path: '/twilio/voice/{id}/gather',
    summary: 'The key pressed on a page’s call',
    request: { params: sendIdParam, body: form('The call’s parameters with `Digits`') },
    responses: { ...signed.responses, 200: twiml('TwiML') },
  }),
};

/**
 * The Twilio SDK (its TwiML builders and signature check, in twiml.ts) is imported on first use: it adds ~30 MiB
 * of RSS, which an HTTP role without Twilio set up (every request answers 404) need not hold. With Twilio set up,
 * the import starts with the routes, so the first callback does not wait for it.
 */
let sdk: Promise<typeof import('./twiml.js')> | undefined;
const loadSdk = () => {
  sdk ??= import('./twiml.js');
  return sdk;
};

const xml = (c: Context, body: string) => c.body(body, 200, { 'content-type': 'text/xml; charset=utf-8' });

/**
 * Every request's X-Twilio-Signature is checked with the SDK's `validateRequest` against the URL Twilio called:
 * PUBLIC_BASE_URL + the path and query (behind a proxy the host and scheme seen here differ). A bad or missing
 * signature is refused with 403 and changes nothing. Twilio not set up: 404.
 */
function verified(settings: TwilioRouteSettings | undefined): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!settings)
      return problem(
        c,
        AppError.notFound('Twilio is not set up here (TWILIO_ACCOUNT_SID and friends are unset).'),
      );
    const params = await paramsOf(c);
    const url = new URL(c.req.url);
    const publicUrl = `${settings.publicBaseUrl.replace(/\/+$/, '')}${url.pathname}${url.search}`;
    const signature = c.req.header('x-twilio-signature') ?? '';
    const { validSignature } = await loadSdk();
    if (!signature || !validSignature(settings.authToken, signature, publicUrl, params))
      return problem(c, new AppError('forbidden', 'The X-Twilio-Signature header is missing or wrong.'));
    await next();
  };
}

/** Each request's form, parsed once by the signature check and read by the handler. */
const forms = new WeakMap<Request, Record<string, string>>();

/** The form Twilio posted: the first value of each name. */
async function paramsOf(c: Context): Promise<Record<string, string>> {
  const known = forms.get(c.req.raw);
  if (known) return known;
  const params: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(await c.req.text())) if (!(k in params)) params[k] = v;
  forms.set(c.req.raw, params);
  return params;
}

const num = (v: string | undefined): number | null => (v && /^\d+$/.test(v) ? Number(v) : null);

/** Twilio's callbacks and TwiML: status callbacks, inbound SMS, a page's call and the key pressed on it. */
export function twilioRoutes(deps: HttpDeps, settings: TwilioRouteSettings | undefined): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();
  const paging = deps.services.phonePaging;
  const base = settings?.publicBaseUrl.replace(/\/+$/, '') ?? '';
  const middleware = verified(settings);
  if (settings) loadSdk().catch(() => {}); // a failed import fails the requests that need it, with their error

  serve(app, { ...TWILIO_ROUTES.status, middleware }, async (c) => {
    const p = await paramsOf(c);
    const status = p.MessageStatus ?? p.SmsStatus ?? p.CallStatus;
    if (status)
      await paging.status(c.req.valid('query').send, {
        status,
        errorCode: num(p.ErrorCode),
        answeredBy: p.AnsweredBy ?? null,
        sid: p.MessageSid ?? p.CallSid ?? null,
      });
    return c.body(null, 204);
  });

  serve(app, { ...TWILIO_ROUTES.sms, middleware }, async (c) => {
    const p = await paramsOf(c);
    const from = p.From ?? '';
    const { messageTwiml } = await loadSdk();
    if (!/^\+\d{1,15}$/.test(from)) return xml(c, messageTwiml(null));
    const { text } = await paging.inbound(from, p.Body ?? '');
    return xml(c, messageTwiml(text));
  });

  serve(app, { ...TWILIO_ROUTES.voice, middleware }, async (c) => {
    const { id } = c.req.valid('param');
    const p = await paramsOf(c);
    const script = await paging.callScript(id, p.AnsweredBy ?? null);
    const { callTwiml } = await loadSdk();
    return xml(c, callTwiml(script, `${base}/twilio/voice/${id}/gather`));
  });

  serve(app, { ...TWILIO_ROUTES.gather, middleware }, async (c) => {
    const { id } = c.req.valid('param');
    const digits = ((await paramsOf(c)).Digits ?? '').trim();
    const { gatherTwiml } = await loadSdk();
    if (digits === '*') return xml(c, gatherTwiml({ repeat: `${base}/twilio/voice/${id}` }));
    const said = await paging.pressed(id, digits.slice(0, 1));
    return xml(c, gatherTwiml({ said, retry: `${base}/twilio/voice/${id}` }));
  });
  return app;
}
