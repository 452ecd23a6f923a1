import { WebClient } from '@slack/web-api';
import type { Config } from '../config.js';
import type { DeliveryReport, OutboxSender } from '../domains/notify/index.js';
import type { Services } from '../http/context.js';
import type { Metrics } from '../http/metrics.js';
import { outboxDeliverer } from '../jobs/outbox-deliver.job.js';
import { startWorker, type Worker, type WorkerOptions } from '../jobs/worker.js';
import type { RoleName } from '../main.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { SlackDeps } from './context.js';
import { slackSender } from './delivery/slack-sender.js';
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
  databaseUrl: string;
  /** Tests drive delivery themselves with `deliverOnce` (no Agenda, no LISTEN). */
  worker?: boolean;
  /** Agenda timing (tests use a short lock lifetime so stop() does not linger). */
  workerTiming?: Pick<WorkerOptions, 'sweepSeconds' | 'processEverySeconds' | 'lockLifetimeMs'>;
  botId?: string;
  botUserId?: string;
}

export interface SlackRoles {
  app: SlackApp | null;
  /** HTTP mode: the handler for `POST /slack/events`. */
  events?: (req: Request) => Promise<Response>;
  sender: OutboxSender;
  /** One delivery run now (what the worker's job and wake-ups run). */
  deliverOnce(): Promise<DeliveryReport>;
  worker: Worker | null;
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

/** Slack's side of OpsWatch: the outbox hook (every role), the Bolt app (`slack` role) and delivery (`worker`). */
export async function startSlackRoles(o: SlackRolesOptions): Promise<SlackRoles> {
  const token = o.config.SLACK_BOT_TOKEN ?? '';
  const { outbox } = o.services;
  const unsubscribe = outbox.subscribe();
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
      },
      deps,
    );
    await app.start();
    o.log.info({ mode: o.config.SLACK_APP_TOKEN ? 'socket' : 'http' }, 'Slack app started');
  }
  let worker: Worker | null = null;
  if (o.roles.includes('worker') && o.worker !== false) {
    const deliver = outboxDeliverer(outbox, sender, o.log);
    worker = await startWorker({ databaseUrl: o.databaseUrl, log: o.log, deliver, ...o.workerTiming });
  }
  return {
    app,
    ...(app?.events ? { events: app.events } : {}),
    sender,
    deliverOnce: () => outbox.deliverOnce(sender),
    worker,
    async stop() {
      unsubscribe();
      await worker?.stop();
      await app?.stop();
    },
  };
}
