import {
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
} from '@slack/web-api';
import { DeliveryError } from '../../domains/notify/index.js';

/** Slack errors that retrying will not fix: the destination or the token is wrong. */
const PERMANENT = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'token_revoked',
  'token_expired',
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'missing_scope',
  'no_permission',
  'restricted_action',
  'team_access_not_granted',
  'user_not_found',
  'cannot_dm_bot',
  'user_disabled',
  'invalid_blocks',
  'msg_too_long',
  'no_text',
  'invalid_arguments',
]);
/** The thing to update is no longer there: nothing to do. */
const GONE = new Set(['message_not_found', 'cant_update_message', 'edit_window_closed']);

/** Maps what `WebClient` threw to how the outbox should treat it. */
export function toDeliveryError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  if (err instanceof WebAPIRateLimitedError)
    return new DeliveryError('rate_limited', 'ratelimited', err.retryAfter);
  if (err instanceof WebAPIPlatformError) {
    const reason = String(err.data?.error ?? 'unknown_error');
    if (reason === 'ratelimited') return new DeliveryError('rate_limited', reason, 1);
    if (PERMANENT.has(reason)) return new DeliveryError('permanent', reason);
    if (GONE.has(reason)) return new DeliveryError('gone', reason);
    return new DeliveryError('transient', reason);
  }
  if (err instanceof WebAPIHTTPError) return new DeliveryError('transient', `http_${err.statusCode}`);
  if (err instanceof WebAPIRequestError) return new DeliveryError('transient', 'unreachable');
  return new DeliveryError('transient', err instanceof Error ? err.message.slice(0, 120) : 'unknown_error');
}
