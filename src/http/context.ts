import type { Services } from '../app/services.js';
import type { Actor } from '../shared/actor.js';
import type { Logger } from '../shared/logger.js';
import type { SlackEventRequest } from '../slack/fetch-receiver.js';
import type { Metrics } from './metrics.js';

export interface HttpDeps {
  services: Services;
  metrics: Metrics;
  log: Logger;
  /** Database reachable and every migration applied. */
  ready: () => Promise<boolean>;
  /** Twilio's auth token and the public URL its callbacks are signed for, when Twilio is set up. */
  twilio?: { authToken: string; publicBaseUrl: string };
  /** Slack's HTTP-mode endpoint, when Slack runs in HTTP mode. */
  slackEvents?: (req: SlackEventRequest) => Promise<Response>;
}

export type AppEnv = { Variables: { actor: Actor; requestId: string } };
