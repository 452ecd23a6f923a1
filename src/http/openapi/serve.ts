import type { OpenAPIHono, RouteConfig, RouteHandler } from '@hono/zod-openapi';
import type { Context, Handler, MiddlewareHandler } from 'hono';
import type { ZodType } from 'zod';
import { parseWith, readJson } from '../body.js';
import type { AppEnv } from '../context.js';

const isZod = (schema: unknown): schema is ZodType =>
  typeof schema === 'object' && schema !== null && typeof (schema as ZodType).safeParse === 'function';

/** A JSON body that may be left out: an empty one is `undefined` (the schema's default applies). */
async function readOptionalJson(c: Context): Promise<unknown> {
  return (await c.req.text()).trim() ? readJson(c) : undefined;
}

type Target = 'param' | 'query' | 'json';

/** Parses one part of the request with its declared schema; a failure is a 400 naming each field at fault. */
const check =
  (target: Target, schema: ZodType, read: (c: Context) => unknown, what: string): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    c.req.addValidatedData(target, parseWith(schema, await read(c), what) as object);
    await next();
  };

type Served = RouteConfig & { rawBody?: true };
/** What the handler sees: a `rawBody` route's body is not parsed, so `c.req.valid('json')` is not offered. */
type Parsed<R extends Served> = R extends { rawBody: true; request: infer Q }
  ? Omit<R, 'request'> & { request: Omit<Q, 'body'> }
  : R;

function validators(route: Served): MiddlewareHandler<AppEnv>[] {
  const { params, query, body } = route.request ?? {};
  const out: MiddlewareHandler<AppEnv>[] = [];
  if (isZod(params)) out.push(check('param', params, (c) => c.req.param(), 'The path'));
  if (isZod(query)) out.push(check('query', query, (c) => c.req.query(), 'The query'));
  const media = body?.content['application/json'];
  const schema = media && 'schema' in media ? media.schema : undefined;
  if (isZod(schema) && !route.rawBody) {
    const read = body?.required ? readJson : readOptionalJson;
    out.push(check('json', schema, read, 'The request body'));
  }
  return out;
}

/**
 * Serves a declared route (see route.ts): registers it in the app's OpenAPI registry, so the document at
 * /api/v1/openapi.json shows it, and validates the request's path, query and JSON body with the very same
 * schemas before the handler runs (`c.req.valid('param' | 'query' | 'json')`; a `rawBody` route's body is
 * left to its handler). Failures are the usual
 * 400 problem+json (an AppError naming each field at fault), the body is read as `readJson` reads it (any
 * content type; empty or malformed JSON is a 400), and the query as `c.req.query()` reads it (the first of
 * repeated keys) — where `app.openapi` would answer 415 for a body sent without a JSON content type.
 */
export function serve<R extends Served>(
  app: OpenAPIHono<AppEnv>,
  route: R,
  handler: RouteHandler<Parsed<R>, AppEnv>,
): void {
  const { middleware, hide, rawBody: _unparsed, ...operation } = route;
  if (!hide) app.openAPIRegistry.registerPath(operation);
  const before = middleware === undefined ? [] : Array.isArray(middleware) ? middleware : [middleware];
  const chain: [Handler<AppEnv>, ...Handler<AppEnv>[]] = [handler as unknown as Handler<AppEnv>];
  chain.unshift(...(before as MiddlewareHandler<AppEnv>[]), ...validators(route));
  app.on(route.method.toUpperCase(), route.path.replaceAll(/\/{(.+?)}/g, '/:$1'), ...chain);
}
