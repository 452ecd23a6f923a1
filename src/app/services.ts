import type { MikroORM } from '@mikro-orm/postgresql';
import { AlertsService, incidentAlerts } from '../domains/alerts/index.js';
import { AuditService } from '../domains/audit/index.js';
import { IncidentEventBus, IncidentsService } from '../domains/incidents/index.js';
import { type Destination, OutboxService } from '../domains/notify/index.js';
import { HandoffsService, OnCallService, RostersService } from '../domains/rosters/index.js';
import { TenantsService, UsersService } from '../domains/tenants/index.js';
import type { Clock } from '../shared/clock.js';
import { createLogger, type Logger } from '../shared/logger.js';

/** Every domain service of one OpsWatch, wired together. Adapters (HTTP, Slack, jobs) call these, nothing else. */
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

/** What the services tell the process's metrics. */
export interface ServiceMetrics {
  deliveryFailed(destination: Destination, reason: string): void;
  unrouted(): void;
  expired(destination: Destination, reason: string): void;
}

export interface ServiceOptions {
  log?: Logger;
  /** SLACK_DEFAULT_CHANNEL */
  slackDefaultChannel?: string | undefined;
  /** PUBLIC_BASE_URL, for iCal feed links */
  publicBaseUrl?: string | undefined;
  metrics?: ServiceMetrics;
}

/**
 * Builds the domain services and wires domain to domain, the same way in every process whatever roles it runs:
 * incident events (recorded by incidents and alert ingestion) go through one bus to the notification router —
 * its subscribers run in the recording transaction, in the order subscribed here — and handoffs are announced
 * through the outbox. Whether this process delivers anything is the delivery registry's business, not theirs.
 */
export function createServices(orm: MikroORM, clock: Clock, opts: ServiceOptions = {}): Services {
  const log = opts.log ?? createLogger('silent');
  const baseUrl = opts.publicBaseUrl ?? 'http://localhost:3000';
  const events = new IncidentEventBus();
  const tenants = new TenantsService(orm, clock);
  // The alerts ↔ incidents port: incidents read and end alerts through the alerts domain; alerts ingest through
  // the incidents' ingest port.
  const incidents = new IncidentsService(orm, clock, events, incidentAlerts);
  const outbox = new OutboxService(orm, clock, {
    tenants,
    recordNotice: incidents.recordNotice,
    defaultChannel: opts.slackDefaultChannel ?? null,
    log,
    ...(opts.metrics
      ? {
          onFailure: opts.metrics.deliveryFailed,
          onUnrouted: opts.metrics.unrouted,
          onExpired: opts.metrics.expired,
        }
      : {}),
  });
  // Subscribers of incident events, in order (the escalation engine, SLA and knowledge base will join here).
  events.subscribe(outbox.router);
  return {
    tenants,
    outbox,
    users: new UsersService(orm, clock),
    incidents,
    alerts: new AlertsService(orm, clock, (id) => tenants.settings(id), incidents.ingestPort),
    audit: new AuditService(orm),
    rosters: new RostersService(orm, clock, baseUrl),
    oncall: new OnCallService(orm, clock, baseUrl),
    handoffs: new HandoffsService(orm, clock, outbox.enqueueHandoffs),
  };
}
