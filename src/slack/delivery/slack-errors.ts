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
    return new DeliveryError('rate_limited', 'ratelimited', err.retryAfter, true);
  if (err instanceof WebAPIPlatformError) {
    const reason = String(err.data?.error ?? 'unknown_error');
    // Slack answered ok: false, so it posted nothing.
    if (reason === 'ratelimited') return new DeliveryError('rate_limited', reason, 1, true);
    if (PERMANENT.has(reason)) return new DeliveryError('permanent', reason, undefined, true);
    if (GONE.has(reason)) return new DeliveryError('gone', reason, undefined, true);
    return new DeliveryError('transient', reason, undefined, true);
  }
  // No answer, or not Slack's: the request may have been carried out.
  if (err instanceof WebAPIHTTPError) return new DeliveryError('transient', `http_${err.statusCode}`);
  if (err instanceof WebAPIRequestError) return new DeliveryError('transient', 'unreachable');
  return new DeliveryError('transient', err instanceof Error ? err.message.slice(0, 120) : 'unknown_error');
}
