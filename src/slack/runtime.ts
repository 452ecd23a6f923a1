import { WebClient } from '@slack/web-api';
import type { Services } from '../app/services.js';
import type { Config } from '../config.js';
import type { DeliveryRegistry } from '../domains/notify/index.js';
import type { Metrics } from '../http/metrics.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { SlackDeps } from './context.js';
import { slackDelivery } from './delivery/slack-adapter.js';
import { boltLogger, createSlackApp, type SlackApp } from './slack-app.js';

export type SlackConfig = Pick<
  Config,
  'SLACK_BOT_TOKEN' | 'SLACK_SIGNING_SECRET' | 'SLACK_APP_TOKEN' | 'SLACK_API_URL' | 'publicBaseUrl'
>;

export interface SlackOptions {
  config: SlackConfig;
  services: Services;
  log: Logger;
  clock: Clock;
}

/** The Web API client the outbox uses: no hidden retries (the outbox retries, honouring Retry-After per lane). */
export function deliveryClient(token: string, apiUrl: string | undefined, log: Logger): WebClient {
  return new WebClient(token, {
    ...(apiUrl ? { slackApiUrl: `${apiUrl.replace(/\/+$/, '')}/` } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
    logger: boltLogger(log),
  });
}

const depsOf = (o: SlackOptions): SlackDeps => ({
  services: o.services,
  outbox: o.services.outbox,
  log: o.log,
  clock: o.clock,
  baseUrl: o.config.publicBaseUrl,
});

/** The Slack destinations' delivery adapters (any role may deliver: the worker's outbox job does). */
export function slackDeliveryRegistry(o: SlackOptions): DeliveryRegistry {
  return slackDelivery(
    deliveryClient(o.config.SLACK_BOT_TOKEN ?? '', o.config.SLACK_API_URL, o.log),
    depsOf(o),
  );
}

/** The `slack` role: the Bolt app (Socket Mode, or HTTP mode through the sidecar's `/slack/events`), started. */
export async function startSlackApp(
  o: SlackOptions & { metrics: Metrics; botId?: string | undefined; botUserId?: string | undefined },
): Promise<SlackApp> {
  const app = createSlackApp(
    {
      botToken: o.config.SLACK_BOT_TOKEN ?? '',
      ...(o.config.SLACK_SIGNING_SECRET ? { signingSecret: o.config.SLACK_SIGNING_SECRET } : {}),
      ...(o.config.SLACK_APP_TOKEN ? { appToken: o.config.SLACK_APP_TOKEN } : {}),
      ...(o.config.SLACK_API_URL ? { apiUrl: o.config.SLACK_API_URL } : {}),
      ...(o.botId && o.botUserId ? { botId: o.botId, botUserId: o.botUserId } : {}),
      onAnswer: (type, seconds) => o.metrics.slackAnswerDuration.observe({ type }, seconds),
    },
    depsOf(o),
  );
  await app.start();
  o.log.info({ mode: o.config.SLACK_APP_TOKEN ? 'socket' : 'http' }, 'Slack app started');
  return app;
}
