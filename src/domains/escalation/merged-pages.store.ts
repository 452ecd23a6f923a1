import { type Em, query, sql } from '../../db/sql.js';

/** Pages of incidents merged into others (`pages.merged_from`). */
export const mergedPagesStore = {
  /**
   * Moves the pages of incident `from` to `to`, each remembering the incident it was sent for (a page moved twice
   * keeps the first). Call it after `from` has stopped escalating: its pending pages are cancelled by then, and a
   * moved page is never sent, counted or re-created by the target's escalation (those reads skip `merged_from`).
   */
  async move(em: Em, tenantId: string, from: string, to: string): Promise<number> {
    const rows = await query<{ id: string }>(
      em,
      sql`update pages set incident_id = ${to}, merged_from = coalesce(merged_from, ${from}::uuid)
          where tenant_id = ${tenantId} and incident_id = ${from}
          returning id`,
    );
    return rows.length;
  },
};
