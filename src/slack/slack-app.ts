import { App, LogLevel, SocketModeReceiver } from '@slack/bolt';
import type { Logger as SlackLogger } from '@slack/logger';
import type { Logger } from '../shared/logger.js';
import type { SlackDeps } from './context.js';
import { registerErrorHandler } from './error-handler.js';
import { registerContact } from './features/contact/register.js';
import { registerEscalation } from './features/escalation/register.js';
import { registerHeartbeatCommand } from './features/heartbeat-command/register.js';
import { registerHome } from './features/home/register.js';
import { registerIncidentButtons } from './features/incident-buttons/register.js';
import { registerIncidentCommand } from './features/incident-command/register.js';
import { registerKnowledge } from './features/knowledge/register.js';
import { registerOnCallCommand } from './features/oncall-command/register.js';
import { registerPostmortem } from './features/postmortem/register.js';
import { registerRunbookCommand } from './features/runbook-command/register.js';
import { registerRunbookRuns } from './features/runbook-runs/register.js';
import { runbookRunCommand } from './features/runbook-runs/run.command.js';
import { registerSilenceCommand } from './features/silence-command/register.js';
import { registerSlaCommand } from './features/sla-command/register.js';
import { FetchReceiver, type SlackEventRequest } from './fetch-receiver.js';
import { identityResolver } from './identity.js';
import { registerIdentity } from './identity.middleware.js';

export interface SlackAppConfig {
  botToken: string;
  /** HTTP mode. */
  signingSecret?: string;
  /** Socket Mode when set. */
  appToken?: string;
  /** SLACK_API_URL: Slack's Web API base (proxies, tests). */
  apiUrl?: string;
  botId?: string;
  botUserId?: string;
  /** HTTP mode: told how long each answer took (metrics). */
  onAnswer?: (type: string, seconds: number) => void;
}

export interface SlackApp {
  app: App;
  /** HTTP mode: the handler for `POST /slack/events`. */
  events?: (req: SlackEventRequest) => Promise<Response>;
  /** Resolves when the HTTP receiver has no request in progress. */
  idle(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Bolt's logger on top of pino. */
export function boltLogger(log: Logger): SlackLogger {
  const l = log.child({ component: 'bolt' });
  return {
    debug: (...m: unknown[]) => l.debug(m.map(String).join(' ')),
    info: (...m: unknown[]) => l.info(m.map(String).join(' ')),
    warn: (...m: unknown[]) => l.warn(m.map(String).join(' ')),
    error: (...m: unknown[]) => l.error(m.map(String).join(' ')),
    setLevel: () => {},
    getLevel: () => LogLevel.INFO,
    setName: () => {},
  };
}

/**
 * The Bolt app: Socket Mode when an app token is given, else HTTP mode through a receiver the sidecar mounts
 * at `/slack/events`. Listeners are thin: ack, resolve the actor, call one service method, answer.
 */
export function createSlackApp(config: SlackAppConfig, deps: SlackDeps): SlackApp {
  const logger = boltLogger(deps.log);
  const slackApiUrl = config.apiUrl ? `${config.apiUrl.replace(/\/+$/, '')}/` : undefined;
  const clientOptions = {
    ...(slackApiUrl ? { slackApiUrl } : {}),
    // Listeners answer people: a short, bounded retry, never Slack's 30-minute default.
    retryConfig: { retries: 2, factor: 1, minTimeout: 200, maxTimeout: 1_000 },
    timeout: 5_000,
  };
  const ids = config.botId && config.botUserId ? { botId: config.botId, botUserId: config.botUserId } : {};
  let receiver: FetchReceiver | SocketModeReceiver;
  if (config.appToken) {
    receiver = new SocketModeReceiver({
      appToken: config.appToken,
      logger,
      installerOptions: { clientOptions },
    });
  } else {
    if (!config.signingSecret) throw new Error('Slack HTTP mode needs SLACK_SIGNING_SECRET');
    receiver = new FetchReceiver(
      config.signingSecret,
      deps.log.child({ component: 'slack' }),
      config.onAnswer,
    );
  }
  const app = new App({
    token: config.botToken,
    receiver,
    logger,
    clientOptions,
    extendedErrorHandler: true,
    ...ids,
  });
  const identify = identityResolver(deps);
  registerIdentity(app, identify);
  registerIncidentButtons(app, deps, identify);
  registerEscalation(app, deps);
  registerIncidentCommand(app, deps, identify);
  registerOnCallCommand(app, deps, identify);
  registerHeartbeatCommand(app, deps);
  registerSlaCommand(app, deps);
  registerSilenceCommand(app, deps);
  registerPostmortem(app, deps, identify);
  registerContact(app, deps);
  registerHome(app, deps);
  registerKnowledge(app, deps);
  registerRunbookCommand(app, deps, { run: runbookRunCommand(deps) });
  registerRunbookRuns(app, deps);
  registerErrorHandler(app, deps.log.child({ component: 'slack' }));
  const http = receiver instanceof FetchReceiver ? receiver : null;
  return {
    app,
    ...(http ? { events: http.handle } : {}),
    idle: async () => http?.idle(),
    start: async () => {
      await app.start();
    },
    stop: async () => {
      await app.stop();
    },
  };
}
