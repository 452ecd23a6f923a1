import type { WebClient } from '@slack/web-api';
import type { Services } from '../app/services.js';
import type { OutboxService } from '../domains/notify/index.js';
import type { Actor } from '../shared/actor.js';
import type { Clock } from '../shared/clock.js';
import { AppError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { zoneOrUtc } from '../shared/time-zone.js';

/** What the Slack adapters need: services (never stores), the outbox, time and where OpsWatch lives. */
export interface SlackDeps {
  services: Services;
  outbox: OutboxService;
  log: Logger;
  clock: Clock;
  /** PUBLIC_BASE_URL, for links in blocks. */
  baseUrl: string;
}

/** Set on Bolt's context by the identity middleware for every request with a user. */
export interface OpsWatchContext {
  /** The request's ack, kept so the global error handler can still answer a view submission with field errors. */
  opswatchAck?: (response?: unknown) => Promise<void>;
  /** The request's Web API client, for the error handler (which Bolt does not hand one). */
  webClient?: WebClient;
  /** Who is acting, resolved on first use (so an ack never waits for `users.info`). */
  actor?: () => Promise<Actor>;
}

export function actorOf(context: OpsWatchContext | Record<string, unknown>): Promise<Actor> {
  const resolve = (context as OpsWatchContext).actor;
  if (!resolve) throw new AppError('unauthorized', 'I could not tell who you are in this workspace.');
  return resolve();
}

/** Options for the builders; `timeZone` is the reader's (times told to one person are in their zone). */
export function blockOptions(deps: SlackDeps, timeZone?: string) {
  return {
    now: deps.clock.now(),
    baseUrl: deps.baseUrl,
    ...(timeZone ? { timeZone: zoneOrUtc(timeZone) } : {}),
  };
}
