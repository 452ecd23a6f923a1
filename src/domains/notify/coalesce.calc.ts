import { TIMELINE_RULES, timelineEventSchema } from '../incidents/index.js';
import type { OutboxRow } from './outbox.types.js';

/** At most this many timeline items in one reply. */
export const MAX_COALESCED = 50;

/** The kind of the event a thread reply row carries, when it comes in bursts (TIMELINE_RULES' `coalesce`). */
function burstyKind(r: OutboxRow): string | null {
  const parsed = timelineEventSchema.safeParse(r.payload.event);
  return parsed.success && TIMELINE_RULES[parsed.data.kind].coalesce ? parsed.data.kind : null;
}

/**
 * The rows one thread reply covers, from `group` (replies of one incident in one lane, oldest first): the first,
 * with the run of the same bursty kind that follows it. One message carries them all, and every row it covers
 * shares its outcome (sent, or "maybe sent" when its answer was lost).
 */
export function coalescedReply(group: readonly OutboxRow[]): [OutboxRow, ...OutboxRow[]] {
  const [first] = group;
  if (!first) throw new Error('coalescedReply needs at least one row');
  const kind = burstyKind(first);
  if (!kind) return [first];
  const run: [OutboxRow, ...OutboxRow[]] = [first];
  for (const r of group.slice(1)) {
    if (burstyKind(r) !== kind || run.length >= MAX_COALESCED) break;
    run.push(r);
  }
  return run;
}
