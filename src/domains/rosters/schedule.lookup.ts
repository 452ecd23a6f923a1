import { type Em, existingIds } from '../../db/sql.js';

/**
 * Reads about schedules other domains make inside their own transactions (policy targets).
 */

/** Which of these ids are schedules of the tenant (`hold`: held FOR SHARE until the transaction ends; see existingIds). */
export function existingScheduleIds(
  em: Em,
  tenantId: string,
  ids: readonly string[],
  opts: { hold?: boolean } = {},
): Promise<Set<string>> {
  return existingIds(em, 'schedules', tenantId, ids, opts);
}
