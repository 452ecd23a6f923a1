import type { OutboxRow } from './outbox.types.js';

/** Timeline kinds that come in bursts (an Alertmanager group of 500 alerts) and read well as one reply. */
const BURSTY = new Set(['alert_fired', 'alert_resolved']);
/** At most this many timeline items in one reply. */
export const MAX_COALESCED = 50;

const kindOf = (r: OutboxRow): string => String(r.payload.kind ?? '');

/**
 * The thread reply to send for `group` (thread replies of one incident in one channel, oldest first): the
 * first one, merged with the run of the same bursty kind that follows it. The merged payload lists every
 * item's message and carries the ids of the rows it covers (`outboxIds`), so a later check can tell they
 * were posted.
 */
export function coalescedReply(group: readonly OutboxRow[]): { row: OutboxRow; ids: string[] } {
  const [first] = group;
  if (!first) throw new Error('coalescedReply needs at least one row');
  const kind = kindOf(first);
  if (!BURSTY.has(kind)) return { row: first, ids: [first.id] };
  const run: OutboxRow[] = [];
  for (const r of group) {
    if (kindOf(r) !== kind || run.length >= MAX_COALESCED) break;
    run.push(r);
  }
  if (run.length === 1) return { row: first, ids: [first.id] };
  const ids = run.map((r) => r.id);
  const messages = run.map((r) => String(r.payload.message ?? '')).filter(Boolean);
  return {
    row: {
      ...first,
      payload: { ...first.payload, message: messages.join('\n'), count: run.length, outboxIds: ids },
    },
    ids,
  };
}
