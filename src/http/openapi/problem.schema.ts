import { z } from '@hono/zod-openapi';

/** RFC 9457 problem details, as src/http/problem.ts writes them. */
export const problemSchema = z
  .object({
    type: z.string().openapi({ example: 'https://opswatch.dev/problems/validation' }),
    title: z.string().openapi({ example: 'Invalid request' }),
    status: z.number().int().openapi({ example: 400 }),
    detail: z.string().openapi({ example: 'The request body is not valid.' }),
    errors: z
      .array(z.object({ field: z.string().openapi({ example: 'title' }), message: z.string() }))
      .optional()
      .openapi({ description: 'For validation failures: each field at fault (dotted path), and why.' }),
  })
  .openapi('Problem');

type Headers = Record<string, { description: string; schema: { type: 'string' | 'integer' } }>;

/** A response whose body is a problem (`application/problem+json`). */
export const problemResponse = (description: string, headers?: Headers) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/problem+json': { schema: problemSchema } },
});

/** The failures routes share, by status. */
export const PROBLEMS = {
  400: problemResponse('Invalid input; `errors` lists each field at fault. Nothing was stored.'),
  401: problemResponse('No API key, or one that is not valid or has been revoked.', {
    'WWW-Authenticate': { description: 'Bearer realm="opswatch"', schema: { type: 'string' } },
  }),
  403: problemResponse(
    'The API key’s scopes do not allow this; the detail names the scope it takes. Nothing was stored.',
  ),
  404: problemResponse('Not found.'),
  413: problemResponse('The request body is larger than 10 MiB.'),
  503: problemResponse('The database is unavailable; nothing was stored. Retry later.', {
    'Retry-After': { description: 'Seconds to wait before retrying (5).', schema: { type: 'integer' } },
  }),
} as const;
