import { db, type Em, now, query, queryOne, type RowOf, sql } from '../../db/sql.js';
import { newId } from '../../shared/ids.js';

const COLUMNS = ['id', 'name', 'email', 'slack_user_id', 'time_zone', 'role', 'manager_id'] as const;

const selectUsers = () => db.selectFrom('users').select(COLUMNS);

export type UserRow = RowOf<ReturnType<typeof selectUsers>>;

/** A user's fields as insert and update write them. */
interface UserFields {
  name: string;
  email: string | null;
  slackUserId: string | null;
  timeZone: string;
  role: string;
  managerId: string | null;
}

export const usersStore = {
  list(em: Em, tenantId: string): Promise<UserRow[]> {
    return query(em, selectUsers().where('tenant_id', '=', tenantId).orderBy('name'));
  },

  /** Inserts a user; undefined when the email or Slack id is taken. */
  insert(em: Em, tenantId: string, u: UserFields): Promise<UserRow | undefined> {
    return queryOne(
      em,
      db
        .insertInto('users')
        .values({
          id: newId(),
          tenant_id: tenantId,
          name: u.name,
          email: u.email,
          slack_user_id: u.slackUserId,
          time_zone: u.timeZone,
          role: u.role,
          manager_id: u.managerId,
        })
        .onConflict((oc) => oc.doNothing())
        .returning(COLUMNS),
    );
  },

  /** Links an existing user with this email (added by an admin) to their Slack id, on first sight in Slack. */
  linkSlackByEmail(
    em: Em,
    tenantId: string,
    email: string,
    slackUserId: string,
  ): Promise<UserRow | undefined> {
    return queryOne(
      em,
      db
        .updateTable('users')
        .set({ slack_user_id: slackUserId, updated_at: now() })
        .where('tenant_id', '=', tenantId)
        .where(sql`lower(email)`, '=', sql`lower(${email})`)
        .where('slack_user_id', 'is', null)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('users as o')
                .select('o.id')
                .where('o.tenant_id', '=', tenantId)
                .where('o.slack_user_id', '=', slackUserId),
            ),
          ),
        )
        .returning(COLUMNS),
    );
  },

  upsertBySlackId(
    em: Em,
    tenantId: string,
    p: { slackUserId: string; name: string; email: string | null; timeZone: string | null },
  ): Promise<UserRow | undefined> {
    return queryOne(
      em,
      db
        .insertInto('users')
        .values({
          id: newId(),
          tenant_id: tenantId,
          name: p.name,
          email: p.email,
          slack_user_id: p.slackUserId,
          time_zone: p.timeZone ?? 'UTC',
        })
        .onConflict((oc) =>
          oc.columns(['tenant_id', 'slack_user_id']).doUpdateSet(({ ref, fn }) => ({
            name: ref('excluded.name'),
            email: fn.coalesce('excluded.email', 'users.email'),
            time_zone: ref('excluded.time_zone'),
            updated_at: now(),
          })),
        )
        .returning(COLUMNS),
    );
  },

  /** Creates the user with this email or updates their name, Slack id and zone (`opswatch apply`). */
  upsertByEmail(
    em: Em,
    tenantId: string,
    u: { name: string; email: string; slackUserId: string | null; timeZone: string },
  ): Promise<(UserRow & { inserted: boolean }) | undefined> {
    return queryOne(
      em,
      db
        .insertInto('users')
        .values({
          id: newId(),
          tenant_id: tenantId,
          name: u.name,
          email: u.email,
          slack_user_id: u.slackUserId,
          time_zone: u.timeZone,
        })
        .onConflict((oc) =>
          oc.columns(['tenant_id', 'email']).doUpdateSet(({ ref, fn }) => ({
            name: ref('excluded.name'),
            slack_user_id: fn.coalesce('excluded.slack_user_id', 'users.slack_user_id'),
            time_zone: ref('excluded.time_zone'),
            updated_at: now(),
          })),
        )
        .returning([...COLUMNS, sql<boolean>`(xmax = 0)`.as('inserted')]),
    );
  },

  byId(em: Em, tenantId: string, id: string): Promise<UserRow | undefined> {
    return queryOne(em, selectUsers().where('tenant_id', '=', tenantId).where('id', '=', id));
  },

  /** Replaces a user's fields; undefined when they do not exist. Throws on an email or Slack id clash. */
  update(em: Em, tenantId: string, id: string, u: UserFields): Promise<UserRow | undefined> {
    return queryOne(
      em,
      db
        .updateTable('users')
        .set({
          name: u.name,
          email: u.email,
          slack_user_id: u.slackUserId,
          time_zone: u.timeZone,
          role: u.role,
          manager_id: u.managerId,
          updated_at: now(),
        })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .returning(COLUMNS),
    );
  },

  async setManager(em: Em, tenantId: string, id: string, managerId: string | null): Promise<void> {
    await query(
      em,
      db
        .updateTable('users')
        .set({ manager_id: managerId, updated_at: now() })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id),
    );
  },

  async remove(em: Em, tenantId: string, id: string): Promise<boolean> {
    const rows = await query(
      em,
      db.deleteFrom('users').where('tenant_id', '=', tenantId).where('id', '=', id).returning('id'),
    );
    return rows.length > 0;
  },

  bySlackId(em: Em, tenantId: string, slackUserId: string): Promise<UserRow | undefined> {
    return queryOne(
      em,
      selectUsers().where('tenant_id', '=', tenantId).where('slack_user_id', '=', slackUserId),
    );
  },
};
