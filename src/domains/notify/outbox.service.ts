import type { MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { Em } from '../../db/sql.js';
import { withEm, withTx } from '../../db/tx.js';
import type { Actor } from '../../shared/actor.js';
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import type { Logger } from '../../shared/logger.js';
import { onIncidentChanges, recordIncidentNotice } from '../incidents/index.js';
import type { TenantsService } from '../tenants/index.js';
import { MAX_ATTEMPTS, rateLimitUntil, retryDelaySeconds } from './backoff.calc.js';
import { outboxStore } from './outbox.store.js';
import {
  type CardMessage,
  DeliveryError,
  type DeliveryReport,
  type OutboxRow,
  type OutboxSender,
} from './outbox.types.js';

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
  /** Rows per channel per transaction. */
  batchSize?: number;
  /** Channels worked at once. */
  concurrency?: number;
}

/** While a card is still being posted, its updates and replies wait this long. */
const WAIT_FOR_CARD_MS = 2_000;
const MAX_PASSES = 20;

const channelName = (c: string): string => (/^[CGD][A-Z0-9]+$/.test(c) ? c : `#${c.replace(/^#/, '')}`);

/**
 * The outbox of Slack side effects: enqueued by a hook inside every incident change's transaction, delivered
 * by `deliverOnce` per channel (so one channel's rate limit or outage never holds up another), idempotently.
 */
export class OutboxService {
  private readonly batchSize: number;
  private readonly concurrency: number;
  /** Called for each failed attempt with its reason (the process's metrics set it). */
  onFailure: ((reason: string) => void) | undefined;

  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly tenants: TenantsService,
    private readonly opts: OutboxOptions,
  ) {
    this.batchSize = opts.batchSize ?? 20;
    this.concurrency = opts.concurrency ?? 4;
    this.onFailure = opts.onFailure;
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
    const settings = await this.tenants.settings(actor.tenantId);
    const slack = z.object({ routes: slackRoutesSchema.default({}) }).catch({ routes: {} });
    return { routes: slack.parse(settings.slack ?? {}).routes, defaultChannel: this.opts.defaultChannel };
  }

  async setRoutes(actor: Actor, routes: SlackRoutes): Promise<SlackRoutes> {
    const parsed = slackRoutesSchema.safeParse(routes);
    if (!parsed.success) throw AppError.validation('The Slack routes are not valid.');
    const clean = Object.fromEntries(Object.entries(parsed.data).map(([s, c]) => [s, c.replace(/^#/, '')]));
    await this.tenants.updateSettings(actor, { slack: { routes: clean } });
    return clean;
  }

  /** Remembers that someone uses App Home, so it is republished when incidents change. */
  async homeOpened(tenantId: string, slackUserId: string): Promise<void> {
    await withTx(this.orm, (em) => outboxStore.homeOpened(em, tenantId, slackUserId, this.clock.now()));
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

  async counts(): Promise<Record<string, number>> {
    const rows = await withEm(this.orm, (em) => outboxStore.counts(em));
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  /** Delivers everything due now, channel by channel, until nothing due is left (or a pass limit). */
  async deliverOnce(sender: OutboxSender): Promise<DeliveryReport> {
    const report: DeliveryReport = { sent: 0, failed: 0, deferred: 0, skipped: 0 };
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      const now = this.clock.now();
      const channels = await withEm(this.orm, (em) => outboxStore.dueChannels(em, now, 50));
      if (channels.length === 0) break;
      const before = report.sent + report.failed + report.skipped;
      const queue = [...channels];
      const work = async (): Promise<void> => {
        for (let ch = queue.shift(); ch !== undefined; ch = queue.shift()) {
          await this.deliverChannel(sender, ch, report).catch((err: unknown) =>
            this.opts.log.error({ err, channel: ch }, 'outbox delivery failed'),
          );
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.concurrency, channels.length) }, work));
      if (report.sent + report.failed + report.skipped === before) break; // only deferrals: nothing more now
    }
    return report;
  }

  private async deliverChannel(sender: OutboxSender, channel: string, report: DeliveryReport): Promise<void> {
    await withTx(this.orm, async (em) => {
      const now = this.clock.now();
      const rows = await outboxStore.claim(em, channel, now, this.batchSize);
      const done = new Set<string>();
      for (const row of rows) {
        if (done.has(row.id)) continue;
        try {
          await this.deliverRow(em, sender, row, rows, done, now, report);
        } catch (err) {
          const stop = await this.failed(em, row, err, now, report);
          if (stop) return;
        }
      }
    });
  }

  /** Rows of the same kind for the same target claimed with this one: one send covers them all. */
  private siblings(row: OutboxRow, rows: OutboxRow[], done: Set<string>): string[] {
    return rows
      .filter(
        (r) =>
          !done.has(r.id) &&
          r.kind === row.kind &&
          r.incidentId === row.incidentId &&
          r.channel === row.channel,
      )
      .map((r) => r.id);
  }

  private async deliverRow(
    em: Em,
    sender: OutboxSender,
    row: OutboxRow,
    rows: OutboxRow[],
    done: Set<string>,
    now: Date,
    report: DeliveryReport,
  ): Promise<void> {
    const finish = async (ids: string[], status: 'sent' | 'skipped', error: string | null = null) => {
      await outboxStore.mark(em, ids, status, now, error);
      for (const id of ids) done.add(id);
      report[status === 'sent' ? 'sent' : 'skipped'] += ids.length;
    };
    if (row.kind === 'dm') {
      await sender.send(row, null);
      return finish([row.id], 'sent');
    }
    if (row.kind === 'publish_home') {
      const ids = this.siblings(row, rows, done);
      await sender.send(row, null);
      return finish(ids, 'sent');
    }
    if (!row.incidentId) return finish([row.id], 'skipped', 'no incident');
    const card = await outboxStore.card(em, row.incidentId, row.channel);
    // Updates claimed with the post are covered by it: the card renders the incident as it is now.
    const coveredUpdates = () =>
      this.siblings({ ...row, kind: 'update_card' }, rows, done).filter((id) => id !== row.id);
    if (row.kind === 'post_card') {
      if (card) return finish([row.id, ...coveredUpdates()], 'skipped', 'already posted');
      const msg = await sender.send(row, null);
      if (msg) await outboxStore.saveCard(em, row.tenantId, row.incidentId, row.channel, msg, now);
      await finish([row.id], 'sent');
      return finish(coveredUpdates(), 'skipped', 'covered by the card');
    }
    if (!card) {
      const post = await outboxStore.postStatus(em, row.incidentId, row.channel);
      if (post === 'pending') {
        await outboxStore.retryAt(
          em,
          [row.id],
          new Date(now.getTime() + WAIT_FOR_CARD_MS),
          'waiting for the card',
          false,
        );
        done.add(row.id);
        report.deferred++;
        return;
      }
      return finish([row.id], 'skipped', `no card (post ${post ?? 'missing'})`);
    }
    if (row.kind === 'update_card') {
      const ids = this.siblings(row, rows, done);
      await sender.send(row, card);
      return finish(ids, 'sent');
    }
    await sender.send(row, card);
    return finish([row.id], 'sent');
  }

  /** Records a failed send; returns true when the rest of this channel's batch must wait. */
  private async failed(
    em: Em,
    row: OutboxRow,
    err: unknown,
    now: Date,
    report: DeliveryReport,
  ): Promise<boolean> {
    const e =
      err instanceof DeliveryError
        ? err
        : new DeliveryError('transient', err instanceof Error ? err.message.slice(0, 200) : 'unknown error');
    if (!(err instanceof DeliveryError)) this.opts.log.error({ err, outbox: row.id }, 'outbox send threw');
    this.onFailure?.(e.reason);
    const log = this.opts.log.child({
      outbox: row.id,
      kind: row.kind,
      channel: row.channel,
      incident: row.incidentId,
    });
    if (e.kind === 'rate_limited') {
      const until = rateLimitUntil(now, e.retryAfterSeconds);
      await outboxStore.holdChannel(em, row.channel, until, e.reason);
      log.warn({ until }, 'Slack rate limit: holding the channel');
      report.deferred++;
      return true;
    }
    if (e.kind === 'gone') {
      await outboxStore.mark(em, [row.id], 'skipped', now, e.reason);
      report.skipped++;
      return false;
    }
    if (e.kind === 'transient' && row.attempts + 1 < MAX_ATTEMPTS) {
      const until = new Date(now.getTime() + retryDelaySeconds(row.attempts + 1) * 1000);
      await outboxStore.retryAt(em, [row.id], until, e.reason, true);
      await outboxStore.holdChannel(em, row.channel, until, e.reason);
      log.warn({ reason: e.reason, until }, 'Slack delivery failed; will retry');
      report.deferred++;
      return true;
    }
    await outboxStore.mark(em, [row.id], 'failed', now, e.reason);
    report.failed++;
    log.error({ reason: e.reason }, 'Slack delivery failed for good');
    // Every failed destination shows on the incident's timeline, once per channel and reason
    // (a card whose channel was archived would otherwise add a row for each later update).
    if (row.incidentId && !(await outboxStore.failureNoticed(em, row.incidentId, row.channel, e.reason))) {
      const what =
        row.kind === 'dm'
          ? `Slack DM to ${row.channel}`
          : row.kind === 'post_card'
            ? `Slack post to ${channelName(row.channel)}`
            : `Slack ${row.kind === 'update_card' ? 'card update' : 'thread reply'} in ${channelName(row.channel)}`;
      await recordIncidentNotice(
        em,
        row.tenantId,
        row.incidentId,
        'notification_failed',
        `${what} failed: ${e.reason}`,
        { channel: row.channel, reason: e.reason, outboxId: row.id },
        now,
      );
    }
    return false;
  }
}

export type { CardMessage };
