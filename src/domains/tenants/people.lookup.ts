import { type Em, query, queryOne, sql } from '../../db/sql.js';
import { isUuid } from '../../shared/ids.js';

/**
 * Reads about people other domains make inside their own transactions (policy targets, managers).
 */

/**
 * Which of these ids are users of the tenant. With `hold` (in a writing transaction) the rows found are held
 * (FOR SHARE) until it ends, so a delete running meanwhile waits for it and then sees what it wrote (see the
 * deletion guards).
 */
export async function existingUserIds(
  em: Em,
  tenantId: string,
  ids: readonly string[],
  opts: { hold?: boolean } = {},
): Promise<Set<string>> {
  const valid = [...new Set(ids.filter(isUuid))];
  if (valid.length === 0) return new Set();
  const rows = await query<{ id: string }>(
    em,
    sql`select id from users where tenant_id = ${tenantId} and id = any(${valid}::uuid[])
        ${opts.hold ? sql`for share` : sql``}`,
  );
  return new Set(rows.map((r) => r.id));
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
