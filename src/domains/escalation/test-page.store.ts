import { type Em, queryOne, sql } from '../../db/sql.js';

/** What a test page reads: the person (locked, so two test pages for them queue up) and their last test page. */
export const testPageStore = {
  lockUser(em: Em, tenantId: string, userId: string): Promise<{ id: string; name: string } | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(userId)) return Promise.resolve(undefined);
    return queryOne<{ id: string; name: string }>(
      em,
      sql`select id, name from users where tenant_id = ${tenantId} and id = ${userId} for no key update`,
    );
  },

  async lastTestPage(em: Em, tenantId: string, userId: string): Promise<Date | null> {
    const row = await queryOne<{ at: Date | string | null }>(
      em,
      sql`select max(created_at) as at from incidents where tenant_id = ${tenantId} and test_of = ${userId}`,
    );
    return row?.at ? new Date(row.at) : null;
  },
};
