import type { MiddlewareHandler } from 'hono';
import type { Services } from '../../app/services.js';
import { AppError } from '../../shared/errors.js';
import type { AppEnv } from '../context.js';

/** Reads the API key from `Authorization: Bearer KEY` or `X-API-Key: KEY`. */
export function apiKeyFrom(headers: Headers): string | null {
  const auth = headers.get('authorization');
  if (auth) {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m?.[1]) return m[1].trim();
  }
  const key = headers.get('x-api-key');
  return key?.trim() || null;
}

export function requireApiKey(services: Services): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = apiKeyFrom(c.req.raw.headers);
    if (!key) {
      throw new AppError(
        'unauthorized',
        'An API key is required: send "Authorization: Bearer <key>" or "X-API-Key: <key>".',
      );
    }
    const actor = await services.tenants.authenticate(key);
    if (!actor) throw new AppError('unauthorized', 'The API key is not valid or has been revoked.');
    c.set('actor', actor);
    await next();
  };
}
