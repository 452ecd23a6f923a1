import { createRoute, type RouteConfig } from '@hono/zod-openapi';
import { type ZodType, z } from 'zod';
import { API_KEY_SCOPES } from '../../shared/actor.js';
import { type Permission, SCOPE_MATRIX } from '../../shared/authz.js';
import { PROBLEMS, problemResponse } from './problem.schema.js';

/*
 * How an HTTP route is written (every routes file follows it):
 *
 *   things.openapi.ts  export const listThings = route({ method: 'get', path: '/', tags: ['Things'],
 *                        summary: 'List things', permission: 'thing:read', request: { query: thingsQuerySchema },
 *                        responses: { 200: json(thingsSchema, 'The things') } });
 *   things.routes.ts   serve(app, listThings, async (c) =>
 *                        c.json(await things.list(c.get('actor'), c.req.valid('query')), 200));
 *
 * `route()` adds the security and the problem+json failures every route shares; `serve()` (serve.ts) validates
 * the path, query and body with the declared schemas and puts the route in the document. The handler's answer
 * is type-checked against the declared response schema. Describe a schema with `.openapi(...)` only when it is
 * built in src/http (zod is extended when @hono/zod-openapi loads, after the domains built theirs); describe a
 * domain's schema with zod's own `.meta({ description })`.
 */

type BodyContent = NonNullable<NonNullable<RouteConfig['request']>['body']>['content'][string];
/** A plain (JSON) Schema Object, as a route's content may hold instead of a zod schema. */
type SchemaObject = Exclude<
  Extract<BodyContent, { schema?: unknown }>['schema'],
  ZodType | { $ref: string } | undefined
>;

/** The names of the security schemes in the document's components (see document.ts). */
export const BEARER = 'bearer';
export const API_KEY_HEADER = 'apiKey';

/** A route as the routes files declare it: an OpenAPI operation plus what OpsWatch knows about its failures. */
export interface RouteSpec extends Omit<RouteConfig, 'security'> {
  /**
   * The permission the service checks (src/shared/authz.ts): the document lists the API key scopes that grant it,
   * and 401/403 answers. `null`: no API key is asked for (public, or a credential of its own).
   */
  permission: Permission | null;
  /** Documents a 409 answer, e.g. "The incident is not triggered". */
  conflict?: string;
  /** Documents a 400 answer on a route with no query or body to get wrong (e.g. a path that must be a number). */
  invalid?: string;
  /** Whether the route reads the database, so answers 503 while it is away (default yes). */
  database?: boolean;
  /**
   * The declared JSON body is validated by the code the handler hands it to (read with `readJson`): the service,
   * after its permission check, or a webhook source's parser. The document shows the schema; `serve()` leaves the
   * body unparsed, so it is read and parsed once.
   */
  rawBody?: true;
}

/** A declared route: an OpenAPI route config (the spec less OpsWatch's own keys), ready for `serve()`. */
export type Declared<R extends RouteSpec> = Omit<R, 'permission' | 'conflict' | 'invalid' | 'database'>;

/** Security requirements: an API key (either header) with any scope that grants `permission`. */
export function securityFor(permission: Permission): Record<string, string[]>[] {
  return API_KEY_SCOPES.filter((s) => SCOPE_MATRIX[s][permission] === 'any').flatMap(
    (s): Record<string, string[]>[] => [{ [BEARER]: [s] }, { [API_KEY_HEADER]: [s] }],
  );
}

/**
 * A route declaration with the answers every route shares: its security (from its permission) and the
 * problem+json failures it can meet (400 for input, 401/403 for the key, 404 for a path naming something,
 * 409, 413 for a body, 503 for the database). Statuses the spec lists itself win (e.g. PagerDuty's own 400).
 * Only the spec's own responses type the handler: failures are thrown as AppError, never returned.
 */
export function route<const R extends RouteSpec>(spec: R): Declared<R> {
  const { permission, conflict, invalid, database = true, ...config } = spec;
  const req = config.request;
  const failures: Record<number, ReturnType<typeof problemResponse>> = {};
  if (req?.query || req?.body) failures[400] = PROBLEMS[400];
  if (invalid) failures[400] = problemResponse(invalid);
  if (permission) Object.assign(failures, { 401: PROBLEMS[401], 403: PROBLEMS[403] });
  if (config.path.includes('{')) failures[404] = PROBLEMS[404];
  if (conflict) failures[409] = problemResponse(conflict);
  if (req?.body) failures[413] = PROBLEMS[413];
  if (database) failures[503] = PROBLEMS[503];
  const extras = permission ? { 'x-opswatch-permission': permission } : {};
  return createRoute({
    ...config,
    ...extras,
    security: permission ? securityFor(permission) : [],
    responses: { ...failures, ...config.responses },
  }) as unknown as Declared<R>;
}

/** A JSON response. */
export const json = <S extends ZodType>(schema: S, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/**
 * zod's own JSON Schema of what `schema` accepts, for a schema the document generator cannot walk (one with
 * `.catch()`, say). The route cannot validate with it: declare such a body with `rawBody: true`.
 */
export function inputJsonSchema(schema: ZodType): SchemaObject {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return rest as SchemaObject;
}

/** A JSON request body; `required: false` lets it be left out (an empty body then parses as `undefined`). */
export const jsonBody = <S extends ZodType | SchemaObject>(
  schema: S,
  opts: { required?: boolean; description?: string } = {},
) => ({
  required: opts.required ?? true,
  ...(opts.description ? { description: opts.description } : {}),
  content: { 'application/json': { schema } },
});
