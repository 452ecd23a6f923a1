import type { AlertsService } from '../domains/alerts/index.js';
import type { AuditService } from '../domains/audit/index.js';
import type { IncidentsService } from '../domains/incidents/index.js';
import type { OutboxService } from '../domains/notify/index.js';
import type { HandoffsService, OnCallService, RostersService } from '../domains/rosters/index.js';
import type { TenantsService, UsersService } from '../domains/tenants/index.js';
import type { Actor } from '../shared/actor.js';
import type { Logger } from '../shared/logger.js';
import type { SlackEventRequest } from '../slack/fetch-receiver.js';
import type { Metrics } from './metrics.js';

export interface Services {
  tenants: TenantsService;
  users: UsersService;
  incidents: IncidentsService;
  alerts: AlertsService;
  audit: AuditService;
  outbox: OutboxService;
  rosters: RostersService;
  oncall: OnCallService;
  handoffs: HandoffsService;
}

export interface HttpDeps {
  services: Services;
  metrics: Metrics;
  log: Logger;
  /** Database reachable and every migration applied. */
  ready: () => Promise<boolean>;
  /** Slack's HTTP-mode endpoint, when Slack runs in HTTP mode. */
  slackEvents?: (req: SlackEventRequest) => Promise<Response>;
}

export type AppEnv = { Variables: { actor: Actor; requestId: string } };
