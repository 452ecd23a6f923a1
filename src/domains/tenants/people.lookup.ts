import { type Em, existingIds, queryOne, sql } from '../../db/sql.js';
import { isUuid } from '../../shared/ids.js';

/**
 * Reads about people other domains make inside their own transactions (policy targets, managers).
 */

/** Which of these ids are users of the tenant (`hold`: held FOR SHARE until the transaction ends; see existingIds). */
export function existingUserIds(
  em: Em,
  tenantId: string,
  ids: readonly string[],
  opts: { hold?: boolean } = {},
): Promise<Set<string>> {
  return existingIds(em, 'users', tenantId, ids, opts);
}

/** The user's manager (a user of the same tenant), or null. */
export async function managerIdOf(em: Em, tenantId: string, userId: string): Promise<string | null> {
  if (!isUuid(userId)) return null;
  const row = await queryOne<{ manager_id: string | null }>(
    em,
    sql`select u.manager_id from users u join users m on m.id = u.manager_id and m.tenant_id = u.tenant_id
        where u.tenant_id = ${tenantId} and u.id = ${userId}`,
  );
  return row?.manager_id ?? null;
}
