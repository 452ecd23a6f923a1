import { type Em, existingIds, query, queryOne, sql } from '../../db/sql.js';
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

/** A person as other domains show and notify them. */
export interface PersonRef {
  id: string;
  name: string;
  slackUserId: string | null;
  timeZone: string;
}

interface PersonRow {
  id: string;
  name: string;
  slack_user_id: string | null;
  time_zone: string;
}

const toPerson = (r: PersonRow): PersonRef => ({
  id: r.id,
  name: r.name,
  slackUserId: r.slack_user_id,
  timeZone: r.time_zone,
});

/** The user a person names: a user id, an email (any case) or a Slack user id; undefined when none matches. */
export async function findPerson(em: Em, tenantId: string, ref: string): Promise<PersonRef | undefined> {
  const r = ref.trim();
  const row = await queryOne<PersonRow>(
    em,
    sql`select id, name, slack_user_id, time_zone from users
        where tenant_id = ${tenantId}
          and (${isUuid(r) ? sql`id = ${r}::uuid or ` : sql``}lower(email) = lower(${r}) or slack_user_id = ${r})
        limit 1`,
  );
  return row ? toPerson(row) : undefined;
}

/** The tenant's users among `ids`, by id. */
export async function peopleByIds(
  em: Em,
  tenantId: string,
  ids: readonly string[],
): Promise<Map<string, PersonRef>> {
  const wanted = [...new Set(ids.filter(isUuid))];
  if (wanted.length === 0) return new Map();
  const rows = await query<PersonRow>(
    em,
    sql`select id, name, slack_user_id, time_zone from users
        where tenant_id = ${tenantId} and id = any(${wanted}::uuid[])`,
  );
  return new Map(rows.map((r) => [r.id, toPerson(r)]));
}
