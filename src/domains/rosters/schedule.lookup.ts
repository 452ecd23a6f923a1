import { type Em, query, sql } from '../../db/sql.js';
import { isUuid } from '../../shared/ids.js';

/**
 * Reads about schedules other domains make inside their own transactions (policy targets).
 */

/**
 * Which of these ids are schedules of the tenant. With `hold` (in a writing transaction) the rows found are held
 * (FOR SHARE) until it ends, so a delete running meanwhile waits for it and then sees what it wrote (see the
 * deletion guards).
 */
export async function existingScheduleIds(
  em: Em,
  tenantId: string,
  ids: readonly string[],
  opts: { hold?: boolean } = {},
): Promise<Set<string>> {
  const valid = [...new Set(ids.filter(isUuid))];
  if (valid.length === 0) return new Set();
  const rows = await query<{ id: string }>(
    em,
    sql`select id from schedules where tenant_id = ${tenantId} and id = any(${valid}::uuid[])
        ${opts.hold ? sql`for share` : sql``}`,
  );
  return new Set(rows.map((r) => r.id));
}
