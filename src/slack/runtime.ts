import { WebClient } from '@slack/web-api';
import type { Config } from '../config.js';
import type { DeliveryReport, OutboxSender } from '../domains/notify/index.js';
import type { Services } from '../http/context.js';
import type { Metrics } from '../http/metrics.js';
import { outboxDeliverer } from '../jobs/index.js';
import type { RoleName } from '../main.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { SlackDeps } from './context.js';
import { slackSender } from './delivery/slack-sender.js';
import type { SlackEventRequest } from './fetch-receiver.js';
import { boltLogger, createSlackApp, type SlackApp } from './slack-app.js';

export interface SlackRolesOptions {
  config: Pick<
    Config,
    'SLACK_BOT_TOKEN' | 'SLACK_SIGNING_SECRET' | 'SLACK_APP_TOKEN' | 'SLACK_API_URL' | 'publicBaseUrl'
  >;
  roles: RoleName[];
  services: Services;
  metrics: Metrics;
  log: Logger;
  clock: Clock;
  botId?: string;
  botUserId?: string;
}

export interface SlackRoles {
  app: SlackApp | null;
  /** HTTP mode: the handler for `POST /slack/events`. */
  events?: (req: SlackEventRequest) => Promise<Response>;
  sender: OutboxSender;
  /** One delivery run now, reporting what it did (tests). */
  deliverOnce(): Promise<DeliveryReport>;
  /** Delivery for the worker role: one run at a time, a wake-up during a run asks for another. */
  deliver: () => Promise<void>;
  stop(): Promise<void>;
}

/** The Web API client the outbox uses: no hidden retries (the outbox retries, honouring Retry-After per channel). */
export function deliveryClient(token: string, apiUrl: string | undefined, log: Logger): WebClient {
  return new WebClient(token, {
    ...(apiUrl ? { slackApiUrl: `${apiUrl.replace(/\/+$/, '')}/` } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
    logger: boltLogger(log),
  });
}

/**
 * Slack's side of OpsWatch: the outbox hooks (every role: incident changes and handoffs enqueue Slack work), the
 * Bolt app (`slack` role) and the delivery run the worker role schedules.
 */
export async function startSlackRoles(o: SlackRolesOptions): Promise<SlackRoles> {
  const token = o.config.SLACK_BOT_TOKEN ?? '';
  const { outbox, handoffs } = o.services;
  const unsubscribe = outbox.subscribe();
  handoffs.notifier = outbox.enqueueHandoffs;
  outbox.onFailure = (reason) => o.metrics.slackDeliveryFailures.inc({ reason });
  const deps: SlackDeps = {
    services: o.services,
    outbox,
    log: o.log,
    clock: o.clock,
    baseUrl: o.config.publicBaseUrl,
  };
  const sender = slackSender(deliveryClient(token, o.config.SLACK_API_URL, o.log), deps);
  let app: SlackApp | null = null;
  if (o.roles.includes('slack')) {
    app = createSlackApp(
      {
        botToken: token,
        ...(o.config.SLACK_SIGNING_SECRET ? { signingSecret: o.config.SLACK_SIGNING_SECRET } : {}),
        ...(o.config.SLACK_APP_TOKEN ? { appToken: o.config.SLACK_APP_TOKEN } : {}),
        ...(o.config.SLACK_API_URL ? { apiUrl: o.config.SLACK_API_URL } : {}),
        ...(o.botId && o.botUserId ? { botId: o.botId, botUserId: o.botUserId } : {}),
        onAnswer: (type, seconds) => o.metrics.slackAnswerDuration.observe({ type }, seconds),
      },
      deps,
    );
    await app.start();
    o.log.info({ mode: o.config.SLACK_APP_TOKEN ? 'socket' : 'http' }, 'Slack app started');
  }
  return {
    app,
    ...(app?.events ? { events: app.events } : {}),
    sender,
    deliverOnce: () => outbox.deliverOnce(sender),
    deliver: outboxDeliverer(outbox, sender, o.log),
    async stop() {
      unsubscribe();
      if (handoffs.notifier === outbox.enqueueHandoffs) handoffs.notifier = null;
      await app?.stop();
    },
  };
}
