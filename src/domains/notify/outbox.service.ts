import type { MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { Em } from '../../db/sql.js';
import { withEm, withTx } from '../../db/tx.js';
import type { Actor } from '../../shared/actor.js';
import { authorize } from '../../shared/authz.js';
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import type { Logger } from '../../shared/logger.js';
import { onIncidentChanges } from '../incidents/index.js';
import type { HandoffNotice } from '../rosters/index.js';
import type { TenantsService } from '../tenants/index.js';
import { handoffRows } from './handoff-rows.calc.js';
import { type NewOutboxRow, outboxStore } from './outbox.store.js';
import type { CardMessage, DeliveryReport, OutboxSender } from './outbox.types.js';
import { OutboxDelivery } from './outbox-delivery.js';

export const slackRoutesSchema = z.record(
  z.string().trim().min(1, 'a service name is required').max(200),
  z
    .string()
    .trim()
    .min(1, 'a channel is required')
    .max(80)
    .regex(
      /^#?[a-z0-9][a-z0-9_.-]*$|^[CGD][A-Z0-9]+$/,
      'expected a channel id (C0123ABC) or name (#incidents)',
    ),
);
export type SlackRoutes = z.infer<typeof slackRoutesSchema>;

export interface OutboxOptions {
  /** SLACK_DEFAULT_CHANNEL: where incidents no route claims are posted. */
  defaultChannel: string | null;
  log: Logger;
  /** Called for each failed attempt (metrics). */
  onFailure?: (reason: string) => void;
  /** Rows leased per channel at a time. */
  batchSize?: number;
  /** Channels worked at once. */
  concurrency?: number;
  /** How long a delivery lease lasts (a worker that dies gives its rows up after this). */
  leaseMs?: number;
}

/**
 * The outbox of Slack side effects: enqueued by a hook inside every incident change's transaction, delivered
 * by `deliverOnce` per channel (so one channel's rate limit or outage never holds up another), idempotently.
 */
export class OutboxService {
  private readonly delivery: OutboxDelivery;
  /** Called for each failed attempt with its reason (the process's metrics set it). */
  onFailure: ((reason: string) => void) | undefined;

  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly tenants: TenantsService,
    private readonly opts: OutboxOptions,
  ) {
    this.onFailure = opts.onFailure;
    this.delivery = new OutboxDelivery(orm, clock, {
      log: opts.log,
      batchSize: opts.batchSize ?? 20,
      concurrency: opts.concurrency ?? 4,
      leaseMs: opts.leaseMs ?? 60_000,
      onFailure: () => this.onFailure,
    });
  }

  /** Starts writing outbox rows for every incident change; returns the unsubscribe function. */
  subscribe(): () => void {
    return onIncidentChanges(async (em, changes) => {
      const first = changes[0];
      if (!first) return;
      await outboxStore.enqueueChanges(
        em,
        first.tenantId,
        newId(),
        changes.map((c) => ({
          incidentId: c.incidentId,
          kind: c.kind,
          message: c.message,
          actorName: c.actor.name,
          actorId: c.actor.kind === 'user' ? c.actor.id : null,
        })),
        this.opts.defaultChannel,
        first.at,
      );
    });
  }

  async routes(actor: Actor): Promise<{ routes: SlackRoutes; defaultChannel: string | null }> {
    authorize(actor, 'settings:read');
    const settings = await this.tenants.settings(actor.tenantId);
    const slack = z.object({ routes: slackRoutesSchema.default({}) }).catch({ routes: {} });
    return { routes: slack.parse(settings.slack ?? {}).routes, defaultChannel: this.opts.defaultChannel };
  }

  async setRoutes(actor: Actor, routes: SlackRoutes): Promise<SlackRoutes> {
    authorize(actor, 'settings:write');
    const parsed = slackRoutesSchema.safeParse(routes);
    if (!parsed.success) throw AppError.validation('The Slack routes are not valid.');
    const clean = Object.fromEntries(Object.entries(parsed.data).map(([s, c]) => [s, c.replace(/^#/, '')]));
    await this.tenants.updateSettings(actor, { slack: { routes: clean } });
    return clean;
  }

  /** Remembers that someone uses App Home, so it is republished when incidents change. */
  async homeOpened(tenantId: string, slackUserId: string): Promise<void> {
    await withTx(this.orm, { tenantId }, (em) =>
      outboxStore.homeOpened(em, tenantId, slackUserId, this.clock.now()),
    );
  }

  /** Queues a Slack DM (delivered like every other row; the key makes repeats harmless). */
  async enqueueDm(
    em: Em,
    tenantId: string,
    incidentId: string | null,
    slackUserId: string,
    message: { text: string; blocks?: unknown[] },
    key: string,
  ): Promise<void> {
    await outboxStore.enqueue(
      em,
      { tenantId, incidentId, kind: 'dm', channel: slackUserId, payload: message, key: `dm:${key}` },
      this.clock.now(),
    );
  }

  /** The id Slack gave a channel the tenant knows by name (from a card posted there), or null. */
  channelIdOf(tenantId: string, channel: string): Promise<string | null> {
    return withEm(this.orm, { tenantId }, (em) => outboxStore.channelIdOf(em, tenantId, channel));
  }

  /** Every tenant's outbox rows by status (metrics): system scope. */
  async counts(): Promise<Record<string, number>> {
    const rows = await withEm(this.orm, 'system', (em) => outboxStore.counts(em));
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  /** Delivers everything due now, channel by channel, until nothing due is left (or a pass limit). */
  deliverOnce(sender: OutboxSender): Promise<DeliveryReport> {
    return this.delivery.deliverOnce(sender);
  }

  /**
   * Queues what announces handoffs, in the transaction that recorded them: the post in the schedule's channel,
   * the DM to the person coming on call, the user group's new members and a Home republish for both people.
   */
  readonly enqueueHandoffs = async (em: Em, notices: HandoffNotice[]): Promise<void> => {
    const now = this.clock.now();
    const rows: NewOutboxRow[] = [];
    for (const n of notices) {
      const homes = await outboxStore.homeUsersAmong(
        em,
        n.tenantId,
        [n.from?.slackUserId, n.to?.slackUserId].filter((u): u is string => Boolean(u)),
        now,
      );
      rows.push(...handoffRows(n, homes));
    }
    await outboxStore.enqueueMany(em, rows, now);
  };
}

export type { CardMessage };
