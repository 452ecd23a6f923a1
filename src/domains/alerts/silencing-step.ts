import type { Em } from '../../db/sql.js';
import type { IngestResult } from './alerts.ingest.js';
import { alertsStore, type FiringRow } from './alerts.store.js';
import { heldAlertsStore } from './held-alerts.store.js';
import type { SilenceHold } from './silencing.port.js';

/**
 * The ingest's silencing step, for the firing alerts a silence or maintenance window holds back: stores them
 * (joining no incident, whatever is open in their group: no guesses are given to the upsert) and marks the new
 * ones, and those repeated while still not in an incident, with what holds them and until when (the engine looks
 * again then). Repeats of alerts already in an incident stay in it. Counts them in their requests' results.
 */
export async function storeHeld(
  em: Em,
  tenantId: string,
  held: { req: number; hold: SilenceHold; row: FiringRow }[],
  results: IngestResult[],
  now: Date,
): Promise<void> {
  if (held.length === 0) return;
  const upserted = await alertsStore.upsertFiring(
    em,
    tenantId,
    held.map((h) => h.row),
    {},
    now,
  );
  const byKey = new Map(held.map((h) => [h.row.dedup_key, h]));
  const stored = new Set(upserted.map((u) => u.dedup_key));
  for (const h of held) if (!stored.has(h.row.dedup_key)) results[h.req]!.deduplicated++;
  const marks: { id: string; hold: SilenceHold }[] = [];
  for (const u of upserted) {
    const h = byKey.get(u.dedup_key);
    if (!h) continue;
    results[h.req]![u.inserted ? 'created' : 'deduplicated']++;
    if (u.incident_id) continue;
    results[h.req]!.silenced++;
    marks.push({ id: u.id, hold: h.hold });
  }
  await heldAlertsStore.markHeld(em, tenantId, marks);
}
