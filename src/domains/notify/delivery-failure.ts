import type { Em } from '../../db/sql.js';
import type { Logger } from '../../shared/logger.js';
import type { IncidentNoticeRecorder } from '../incidents/index.js';
import { MAX_ATTEMPTS, rateLimitUntil, retryDelaySeconds } from './backoff.calc.js';
import { deliveryStore } from './delivery.store.js';
import { DESTINATION_SPECS, type Destination, destinationsOf } from './destinations.js';
import { DeliveryError, type DeliveryReport, type OutboxRow } from './outbox.types.js';

/** What delivery tells about failures. */
export interface DeliveryFailures {
  log: Logger;
  /** Called for each failed attempt with its destination and reason (metrics). */
  onFailure: () => ((destination: Destination, reason: string) => void) | undefined;
  /** Writes `notification_failed` on the incident's timeline (IncidentsService.recordNotice). */
  recordNotice: IncidentNoticeRecorder;
}

export interface FailureContext {
  /** The rows the failed send covered (one, or several merged into one message): they share its outcome. */
  rows: readonly OutboxRow[];
  now: Date;
  report: DeliveryReport;
}

/**
 * Records a failed send of `ctx.rows`: held and retried (rate limit, transient), dropped (gone), or failed for
 * good — then shown on the incident's timeline. Returns true when the rest of the lane's batch must wait.
 */
export async function recordFailure(
  em: Em,
  err: unknown,
  ctx: FailureContext,
  opts: DeliveryFailures,
): Promise<boolean> {
  const [row] = ctx.rows;
  if (!row) return false;
  const e =
    err instanceof DeliveryError
      ? err
      : new DeliveryError('transient', err instanceof Error ? err.message.slice(0, 200) : 'unknown error');
  if (!(err instanceof DeliveryError)) opts.log.error({ err, outbox: row.id }, 'outbox send threw');
  opts.onFailure()?.(row.destination, e.reason);
  const ids = ctx.rows.map((r) => r.id);
  const log = opts.log.child({
    outbox: ids.join(','),
    destination: row.destination,
    lane: row.lane,
    incident: row.incidentId,
  });
  const lanes = destinationsOf(DESTINATION_SPECS[row.destination].platform);
  /** Retries every covered row: refused, each is as unknown as before; no answer, each may have been sent. */
  const retry = async (until: Date, countAttempt: boolean) => {
    for (const was of [true, false]) {
      const same = ctx.rows.filter((r) => (e.notSent ? r.maybeSent : true) === was).map((r) => r.id);
      await deliveryStore.retryAt(em, same, until, e.reason, { maybeSent: was, countAttempt });
    }
    await deliveryStore.holdLane(em, lanes, row.lane, until, e.reason);
  };
  if (e.kind === 'rate_limited') {
    const until = rateLimitUntil(ctx.now, e.retryAfterSeconds);
    // Waiting out a rate limit is not a failed attempt.
    await retry(until, false);
    log.warn({ until }, 'rate limited: holding the lane');
    ctx.report.deferred += ids.length;
    return true;
  }
  if (e.kind === 'gone') {
    await deliveryStore.mark(em, ids, 'skipped', ctx.now, e.reason);
    ctx.report.skipped += ids.length;
    return false;
  }
  if (e.kind === 'transient' && row.attempts < MAX_ATTEMPTS) {
    const until = new Date(ctx.now.getTime() + retryDelaySeconds(row.attempts) * 1000);
    await retry(until, true);
    log.warn({ reason: e.reason, until }, 'delivery failed; will retry');
    ctx.report.deferred += ids.length;
    return true;
  }
  await deliveryStore.mark(em, ids, 'failed', ctx.now, e.reason);
  ctx.report.failed += ids.length;
  log.error({ reason: e.reason }, 'delivery failed for good');
  if (row.incidentId) await noticeFailure(em, opts.recordNotice, row, e.reason, ctx.now);
  return false;
}

/**
 * Every failed destination shows on the incident's timeline, once per lane and reason (a card whose channel was
 * archived would otherwise add a notice for each later update).
 */
export async function noticeFailure(
  em: Em,
  recordNotice: IncidentNoticeRecorder,
  row: OutboxRow,
  reason: string,
  at: Date,
): Promise<void> {
  if (!row.incidentId) return;
  const event = {
    kind: 'notification_failed',
    data: { destination: row.destination, lane: row.lane, reason, outboxId: row.id },
  } as const;
  await recordNotice(em, row.tenantId, row.incidentId, event, at, ['lane', 'reason']);
}
