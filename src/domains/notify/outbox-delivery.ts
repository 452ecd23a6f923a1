import type { MikroORM } from '@mikro-orm/postgresql';
import type { Em } from '../../db/sql.js';
import { isUnavailable, withEm, withTx } from '../../db/tx.js';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { recordIncidentNotice } from '../incidents/index.js';
import { MAX_ATTEMPTS, rateLimitUntil, retryDelaySeconds } from './backoff.calc.js';
import { coalescedReply } from './coalesce.calc.js';
import { outboxStore } from './outbox.store.js';
import { DeliveryError, type DeliveryReport, type OutboxRow, type OutboxSender } from './outbox.types.js';

export interface DeliveryOptions {
  log: Logger;
  /** Rows leased per channel at a time. */
  batchSize: number;
  /** Channels worked at once. */
  concurrency: number;
  /** How long a lease lasts: a worker that dies holding rows gives them up after this. */
  leaseMs: number;
  /** Called for each failed attempt with its reason (metrics). */
  onFailure: () => ((reason: string) => void) | undefined;
}

/** While a card is still being posted, its updates and replies wait this long. */
const WAIT_FOR_CARD_MS = 2_000;
const MAX_PASSES = 20;

const channelName = (c: string): string => (/^[CGD][A-Z0-9]+$/.test(c) ? c : `#${c.replace(/^#/, '')}`);

/**
 * Delivers the outbox channel by channel, so one channel's rate limit or outage never holds up another. Rows are
 * leased in a short committed transaction, sent, then marked in another: no transaction stays open while Slack is
 * called, and a row whose sender died after Slack accepted it comes back "maybe sent", so the sender looks for
 * the message before posting it again.
 */
export class OutboxDelivery {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly opts: DeliveryOptions,
  ) {}

  /** Delivers everything due now, channel by channel, until nothing due is left (or a pass limit). */
  async deliverOnce(sender: OutboxSender): Promise<DeliveryReport> {
    const report: DeliveryReport = { sent: 0, failed: 0, deferred: 0, skipped: 0 };
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      const now = this.clock.now();
      const channels = await withEm(this.orm, 'system', (em) => outboxStore.dueChannels(em, now, 50));
      if (channels.length === 0) break;
      const before = report.sent + report.failed + report.skipped;
      const queue = [...channels];
      const work = async (): Promise<void> => {
        for (let ch = queue.shift(); ch !== undefined; ch = queue.shift()) {
          await this.deliverChannel(sender, ch, report).catch((err: unknown) => {
            // An outage is logged once, by the database watch; the rows stay due and go out once it is back.
            if (isUnavailable(err))
              this.opts.log.debug({ channel: ch }, 'outbox delivery waits for the database');
            else this.opts.log.error({ err, channel: ch }, 'outbox delivery failed');
          });
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.opts.concurrency, channels.length) }, work));
      if (report.sent + report.failed + report.skipped === before) break; // only deferrals: nothing more now
    }
    return report;
  }

  private async deliverChannel(sender: OutboxSender, channel: string, report: DeliveryReport): Promise<void> {
    const now = this.clock.now();
    const rows = await withTx(this.orm, 'system', (em) =>
      outboxStore.claim(em, channel, now, this.opts.batchSize, new Date(now.getTime() + this.opts.leaseMs)),
    );
    const done = new Set<string>();
    try {
      for (const row of rows) {
        if (done.has(row.id)) continue;
        try {
          await this.deliverRow(sender, row, rows, done, now, report);
        } catch (err) {
          done.add(row.id);
          const stop = await withTx(this.orm, 'system', (em) => this.failed(em, row, err, now, report));
          if (stop) return;
        }
      }
    } finally {
      const untried = rows.filter((r) => !done.has(r.id));
      if (untried.length) await withTx(this.orm, 'system', (em) => outboxStore.release(em, untried));
    }
  }

  /** Rows of the same kind for the same target leased with this one and not yet done. */
  private siblings(row: OutboxRow, rows: OutboxRow[], done: Set<string>): OutboxRow[] {
    return rows.filter(
      (r) =>
        !done.has(r.id) &&
        r.kind === row.kind &&
        r.incidentId === row.incidentId &&
        r.channel === row.channel,
    );
  }

  private async deliverRow(
    sender: OutboxSender,
    row: OutboxRow,
    rows: OutboxRow[],
    done: Set<string>,
    now: Date,
    report: DeliveryReport,
  ): Promise<void> {
    const finish = async (ids: string[], status: 'sent' | 'skipped', error: string | null = null) => {
      if (ids.length) await withTx(this.orm, 'system', (em) => outboxStore.mark(em, ids, status, now, error));
      for (const id of ids) done.add(id);
      report[status] += ids.length;
    };
    const ids = (list: OutboxRow[]) => list.map((r) => r.id);
    switch (row.kind) {
      case 'dm':
      case 'handoff_post':
      case 'handoff_dm':
        await sender.send(row, null);
        return finish([row.id], 'sent');
      case 'publish_home': {
        // Home renders what is true now: one publish covers every queued one.
        const same = this.siblings(row, rows, done);
        await sender.send(row, null);
        return finish(ids(same), 'sent');
      }
      case 'usergroup_update': {
        // The latest membership wins.
        const same = this.siblings(row, rows, done);
        await sender.send(same.at(-1) ?? row, null);
        return finish(ids(same), 'sent');
      }
    }
    if (!row.incidentId) return finish([row.id], 'skipped', 'no incident');
    const incidentId = row.incidentId;
    const card = await withEm(this.orm, 'system', (em) =>
      outboxStore.card(em, row.tenantId, incidentId, row.channel),
    );
    if (row.kind === 'post_card') {
      // Already posted: the updates leased with this row are still to be sent (they follow it in `rows`).
      if (card) return finish([row.id], 'skipped', 'already posted');
      const msg = await sender.send(row, null);
      await withTx(this.orm, 'system', async (em) => {
        if (msg) await outboxStore.saveCard(em, row.tenantId, incidentId, row.channel, msg, now);
        await outboxStore.mark(em, [row.id], 'sent', now);
      });
      done.add(row.id);
      report.sent++;
      // A card found where an earlier attempt left it shows the incident as it was then: the updates leased with
      // it go out as for any other card. A card posted now renders the incident as it is now, which covers them.
      if (msg?.recovered) return;
      const covered = ids(this.siblings({ ...row, kind: 'update_card' }, rows, done));
      return finish(covered, 'skipped', 'covered by the card');
    }
    if (!card) {
      const post = await withEm(this.orm, 'system', (em) =>
        outboxStore.postStatus(em, row.tenantId, incidentId, row.channel),
      );
      if (post === 'pending') {
        await withTx(this.orm, 'system', (em) =>
          outboxStore.retryAt(
            em,
            [row.id],
            new Date(now.getTime() + WAIT_FOR_CARD_MS),
            'waiting for the card',
            {
              maybeSent: row.maybeSent,
              countAttempt: false,
            },
          ),
        );
        done.add(row.id);
        report.deferred++;
        return;
      }
      return finish([row.id], 'skipped', `no card (post ${post ?? 'missing'})`);
    }
    if (row.kind === 'update_card') {
      const same = this.siblings(row, rows, done);
      await sender.send(row, card);
      return finish(ids(same), 'sent');
    }
    // A thread reply; alerts joining in a burst become one reply (Slack takes about one message per second
    // per channel). A reply that may have been posted already is checked alone.
    const group = row.maybeSent ? [row] : this.siblings(row, rows, done).filter((r) => !r.maybeSent);
    const merged = coalescedReply(group.length ? group : [row]);
    await sender.send(merged.row, card);
    return finish(merged.ids, 'sent');
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
    this.opts.onFailure()?.(e.reason);
    const log = this.opts.log.child({
      outbox: row.id,
      kind: row.kind,
      channel: row.channel,
      incident: row.incidentId,
    });
    // Slack refused: this attempt posted nothing (an earlier one is as unknown as before). No answer: it may have.
    const maybeSent = e.notSent ? row.maybeSent : true;
    if (e.kind === 'rate_limited') {
      const until = rateLimitUntil(now, e.retryAfterSeconds);
      // Waiting out a rate limit is not a failed attempt.
      await outboxStore.retryAt(em, [row.id], until, e.reason, { maybeSent, countAttempt: false });
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
    if (e.kind === 'transient' && row.attempts < MAX_ATTEMPTS) {
      const until = new Date(now.getTime() + retryDelaySeconds(row.attempts) * 1000);
      await outboxStore.retryAt(em, [row.id], until, e.reason, { maybeSent, countAttempt: true });
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
    if (
      row.incidentId &&
      !(await outboxStore.failureNoticed(em, row.tenantId, row.incidentId, row.channel, e.reason))
    ) {
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
