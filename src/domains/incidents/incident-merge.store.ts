import { db, type Em, query } from '../../db/sql.js';

/** The incidents domain's statements of a merge (the rows of `incidents` go through incidentsStore). */
export const mergeStore = {
  /**
   * Moves the timeline of incident `from` to `to`, each row remembering the incident it was recorded on (a row
   * moved twice keeps the first); answers how many moved.
   */
  async moveTimeline(em: Em, tenantId: string, from: string, to: string): Promise<number> {
    const rows = await query(
      em,
      db
        .updateTable('timeline_entries')
        .set((eb) => ({ incident_id: to, merged_from: eb.fn.coalesce('merged_from', eb.val(from)) }))
        .where('tenant_id', '=', tenantId)
        .where('incident_id', '=', from)
        .returning('id'),
    );
    return rows.length;
  },
};
