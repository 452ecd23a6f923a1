import type { Em } from '../../db/sql.js';
import { withoutHash } from '../../shared/slack-channel.js';
import type { NewOutboxRow } from '../notify/index.js';
import type { CardinalityNotifier } from './rollup-writer.js';

export interface CardinalityNoticeDeps {
  /** Queues outbox rows in the caller's transaction. */
  enqueue: (em: Em, rows: readonly NewOutboxRow[]) => Promise<void>;
  /** The tenant's admin channel: its `adminChannel` setting, else SLACK_DEFAULT_CHANNEL; null: none. */
  adminChannel: (tenantId: string) => Promise<string | null>;
}

/**
 * Posts a metric's cardinality notice to the tenant's admin channel through the outbox (one row per metric name
 * and kind, keyed so a retried flush cannot post it twice). No channel: nothing is posted (the notice is still
 * recorded, so it is not retried forever).
 */
export function cardinalityNotifier(d: CardinalityNoticeDeps): CardinalityNotifier {
  return async (em, n) => {
    const channel = await d.adminChannel(n.tenantId);
    if (!channel) return;
    await d.enqueue(em, [
      {
        tenantId: n.tenantId,
        incidentId: null,
        destination: 'slack.post',
        lane: withoutHash(channel),
        payload: {
          type: 'cardinality',
          kind: n.kind,
          metric: n.name,
          series: n.series,
          warnAt: n.limits.warnAt,
          limit: n.limits.limit,
        },
        key: `cardinality:${n.name}:${n.kind}`,
      },
    ]);
  };
}
