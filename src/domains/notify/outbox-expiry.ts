import type { MikroORM } from '@mikro-orm/postgresql';
import { withTx } from '../../db/tx.js';
import type { Clock } from '../../shared/clock.js';
import { HOUR_MS } from '../../shared/durations.js';
import type { Logger } from '../../shared/logger.js';
import type { IncidentNoticeRecorder } from '../incidents/index.js';
import { deliveryStore } from './delivery.store.js';
import { noticeFailure } from './delivery-failure.js';
import { DESTINATION_SPECS, DESTINATIONS, type Destination, PLATFORM_NAMES } from './destinations.js';
import type { DeliveryRegistry } from './registry.js';

/**
 * How long a row may wait for a process that delivers its destination before it is given up. Past that, what it
 * says is stale (App Home is rendered afresh when opened; a call an hour late pages nobody usefully).
 */
export const UNDELIVERED_MAX_AGE_MS: Record<Destination, number> = {
  'slack.post': 24 * HOUR_MS,
  'slack.update': 24 * HOUR_MS,
  'slack.reply': 24 * HOUR_MS,
  'slack.ledger': 24 * HOUR_MS,
  'slack.dm': 24 * HOUR_MS,
  'slack.home': HOUR_MS,
  'slack.usergroup': 24 * HOUR_MS,
  'slack.channel': 24 * HOUR_MS,
  'slack.mirror': 24 * HOUR_MS,
  'slack.run': 24 * HOUR_MS,
  'slack.file': 6 * HOUR_MS,
  'slack.upload': 24 * HOUR_MS,
  sms: HOUR_MS,
  voice: HOUR_MS,
  webhook: 24 * HOUR_MS,
};

const BATCH = 500;

export interface ExpiryOptions {
  log: Logger;
  recordNotice: IncidentNoticeRecorder;
  /** Told of each row given up (metrics). */
  onExpired?: ((destination: Destination, reason: string) => void) | undefined;
}

/**
 * Gives up rows of destinations no adapter serves here that have waited longer than their destination allows:
 * a deployment without Slack configured still records what Slack would be told (a process with Slack, started
 * later, delivers what is still fresh), but does not keep it forever. Each is marked `expired` with the reason,
 * counted, and — for an incident — shown on its timeline, once per lane. Returns how many were given up.
 */
export async function expireUndeliverable(
  orm: MikroORM,
  clock: Clock,
  registry: DeliveryRegistry,
  opts: ExpiryOptions,
): Promise<number> {
  const now = clock.now();
  let total = 0;
  for (const destination of DESTINATIONS.filter((d) => !registry.served.includes(d))) {
    const reason = `${PLATFORM_NAMES[DESTINATION_SPECS[destination].platform]} is not configured`;
    const cutoff = new Date(now.getTime() - UNDELIVERED_MAX_AGE_MS[destination]);
    let expired = 0;
    for (;;) {
      const n = await withTx(orm, 'system', async (em) => {
        const rows = await deliveryStore.expire(em, [destination], cutoff, now, reason, BATCH);
        const noticed = new Set<string>();
        for (const row of rows) {
          opts.onExpired?.(destination, reason);
          const key = `${row.incidentId}|${row.lane}`;
          if (!row.incidentId || noticed.has(key)) continue;
          noticed.add(key);
          await noticeFailure(em, opts.recordNotice, row, reason, now);
        }
        return rows.length;
      });
      expired += n;
      if (n < BATCH) break;
    }
    total += expired;
    if (expired) opts.log.warn({ destination, expired, reason }, 'outbox rows expired undelivered');
  }
  return total;
}
