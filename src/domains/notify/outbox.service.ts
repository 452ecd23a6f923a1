import type { MikroORM } from '@mikro-orm/postgresql';
import type { Em } from '../../db/sql.js';
import { beforeCommit, withEm, withTx } from '../../db/tx.js';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type {
  IncidentNoticeRecorder,
  IncidentNoticesRecorder,
  StatusUpdateNotice,
  UpdateNotifier,
  UpdateReminderNotice,
} from '../incidents/index.js';
import type { HandoffNotice } from '../rosters/index.js';
import { deliveryStore } from './delivery.store.js';
import type { Destination } from './destinations.js';
import { handoffRows } from './handoff-rows.calc.js';
import { NotificationRouter } from './notification-router.js';
import { outboxStore } from './outbox.store.js';
import type { CardMessage, DeliveryReport, NewOutboxRow } from './outbox.types.js';
import { emptyReport, OutboxDelivery } from './outbox-delivery.js';
import { expireUndeliverable } from './outbox-expiry.js';
import type { DeliveryRegistry } from './registry.js';
import type { ChannelRoutes } from './slack-routes.js';
import { statusUpdateRows, updateReminderRow } from './status-update-rows.calc.js';

export interface OutboxOptions {
  /** Where the Slack routes are kept (the services' channels), read in the routing facts' statement. */
  channels: ChannelRoutes;
  /** Writes notices on incident timelines (IncidentsService.recordNotice). */
  recordNotice: IncidentNoticeRecorder;
  /** Writes notices on several incidents' timelines in one statement (IncidentsService.recordNotices). */
  recordNotices: IncidentNoticesRecorder;
  /** SLACK_DEFAULT_CHANNEL: where incidents no route claims are posted. */
  defaultChannel: string | null;
  log: Logger;
  /** Called for each failed delivery attempt (metrics). */
  onFailure?: (destination: Destination, reason: string) => void;
  /** Called for each incident no route and no default channel claims (metrics). */
  onUnrouted?: () => void;
  /** Called for each row given up undelivered because nothing here delivers its destination (metrics). */
  onExpired?: (destination: Destination, reason: string) => void;
  /** Rows leased per lane at a time. */
  batchSize?: number;
  /** Lanes worked at once. */
  concurrency?: number;
  /** How long a delivery lease lasts (a worker that dies gives its rows up after this). */
  leaseMs?: number;
}

/** Undeliverable rows are looked for at most this often (each delivery run would be too often). */
const EXPIRY_EVERY_MS = 60_000;

/**
 * The outbox of side effects: rows written by `router` (incident events) and `enqueueHandoffs` in the
 * transaction of the change that caused them, whatever this process runs; delivered lane by lane by
 * `deliverOnce` through the adapters of a registry, idempotently.
 */
export class OutboxService {
  /** Subscribe it to the incidents' event bus: it turns incident events into outbox rows. */
  readonly router: NotificationRouter;
  private readonly delivery: OutboxDelivery;
  private lastExpiry = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly opts: OutboxOptions,
  ) {
    this.router = new NotificationRouter({
      clock,
      defaultChannel: opts.defaultChannel,
      channels: opts.channels,
      recordNotices: opts.recordNotices,
      onUnrouted: opts.onUnrouted,
      log: opts.log,
    });
    this.delivery = new OutboxDelivery(orm, clock, {
      log: opts.log,
      batchSize: opts.batchSize ?? 20,
      concurrency: opts.concurrency ?? 16,
      leaseMs: opts.leaseMs ?? 60_000,
      onFailure: () => opts.onFailure,
      recordNotice: opts.recordNotice,
    });
  }

  /** Remembers that someone uses App Home, so it is republished when incidents change. */
  async homeOpened(tenantId: string, slackUserId: string): Promise<void> {
    await withTx(this.orm, { tenantId }, (em) =>
      outboxStore.homeOpened(em, tenantId, slackUserId, this.clock.now()),
    );
  }

  /** The id Slack gave a channel the tenant knows by name (from a card posted there), or null. */
  channelIdOf(tenantId: string, channel: string): Promise<string | null> {
    return withEm(this.orm, { tenantId }, (em) => outboxStore.channelIdOf(em, tenantId, channel));
  }

  /** Where the incident's (first) card is, channel id and ts, or null when none has been posted yet. */
  cardMessage(tenantId: string, incidentId: string): Promise<CardMessage | null> {
    return withEm(this.orm, { tenantId }, (em) => deliveryStore.firstCard(em, tenantId, incidentId));
  }

  /**
   * Delivers everything due now through `registry`'s adapters, lane by lane, until nothing due is left (or a
   * pass limit); gives up, now and then, rows no adapter here serves that waited too long (see `expire`).
   */
  async deliverOnce(registry: DeliveryRegistry): Promise<DeliveryReport> {
    const report = emptyReport();
    if (this.clock.now().getTime() - this.lastExpiry >= EXPIRY_EVERY_MS)
      report.expired = await this.expire(registry);
    return this.delivery.deliverOnce(registry, report);
  }

  /** Gives up rows that waited too long for a destination no adapter here serves (now, whenever it ran last). */
  async expire(registry: DeliveryRegistry): Promise<number> {
    this.lastExpiry = this.clock.now().getTime();
    return expireUndeliverable(this.orm, this.clock, registry, {
      log: this.opts.log,
      recordNotice: this.opts.recordNotice,
      onExpired: this.opts.onExpired,
    });
  }

  /** The lane of an incident's first card, in the caller's transaction (rows for its thread go there). */
  readonly cardLane = (em: Em, tenantId: string, incidentId: string): Promise<string | null> =>
    outboxStore.cardLane(em, tenantId, incidentId);

  /** Queues rows in the caller's transaction (keys make repeats harmless). */
  readonly enqueue = (em: Em, rows: readonly NewOutboxRow[]): Promise<void> =>
    outboxStore.enqueue(em, rows, this.clock.now());

  /**
   * Queues an SLA burn's chart into the thread of each card of an incident, in the transaction that opened it.
   * One per card lane; the key makes a repeat harmless.
   */
  readonly enqueueChart = async (
    em: Em,
    c: { tenantId: string; incidentId: string; definitionKey: string; service: string; at: Date },
  ): Promise<void> => {
    // The router queues the card posts just before COMMIT: look for their lanes after it has.
    beforeCommit(em, async () => {
      const lanes = await outboxStore.cardLanes(em, c.tenantId, c.incidentId);
      const payload = {
        type: 'sla_chart' as const,
        definitionKey: c.definitionKey,
        service: c.service,
        at: c.at.toISOString(),
      };
      await outboxStore.enqueue(
        em,
        lanes.map((lane) => ({
          tenantId: c.tenantId,
          incidentId: c.incidentId,
          destination: 'slack.file' as const,
          lane,
          payload,
          key: `sla-chart:${c.incidentId}:${lane}`,
        })),
        this.clock.now(),
      );
    });
  };

  /** Queues rows in the caller's transaction and answers each key's outbox id (an escalation's pages keep it). */
  readonly enqueueReturning = (em: Em, rows: readonly NewOutboxRow[]): Promise<Map<string, string>> =>
    outboxStore.enqueueReturning(em, rows, this.clock.now());

  /**
   * Queues what announces handoffs, in the transaction that recorded them: the post in the schedule's channel,
   * the DM to the person coming on call, the user group's new members and a Home republish for both people.
   */
  readonly enqueueHandoffs = async (em: Em, notices: HandoffNotice[]): Promise<void> => {
    const now = this.clock.now();
    const rows: NewOutboxRow[] = [];
    for (const n of notices) {
      const people = [n.from?.slackUserId, n.to?.slackUserId].filter((u): u is string => Boolean(u));
      rows.push(...handoffRows(n, await outboxStore.homeUsersAmong(em, n.tenantId, people, now)));
    }
    await outboxStore.enqueue(em, rows, now);
  };

  /** Queues status updates for their followers and reminders that an update is due, in the caller's transaction. */
  readonly updateNotifier: UpdateNotifier = {
    updates: (em: Em, notices: StatusUpdateNotice[]) =>
      outboxStore.enqueue(em, notices.flatMap(statusUpdateRows), this.clock.now()),
    reminders: (em: Em, notices: UpdateReminderNotice[]) =>
      outboxStore.enqueue(em, notices.map(updateReminderRow), this.clock.now()),
  };
}
