import { type Em, query, queryOne, sql } from '../../db/sql.js';
import { newId } from '../../shared/ids.js';

export interface UserRow {
  id: string;
  name: string;
  email: string | null;
  slack_user_id: string | null;
  time_zone: string;
  role: string;
  manager_id: string | null;
}

const COLUMNS = sql`id, name, email, slack_user_id, time_zone, role, manager_id`;

export const usersStore = {
  list(em: Em, tenantId: string): Promise<UserRow[]> {
    return query<UserRow>(em, sql`select ${COLUMNS} from users where tenant_id = ${tenantId} order by name`);
  },

  /** Inserts a user; undefined when the email or Slack id is taken. */
  insert(
    em: Em,
    tenantId: string,
    u: {
      name: string;
      email: string | null;
      slackUserId: string | null;
      timeZone: string;
      role: string;
      managerId: string | null;
    },
  ): Promise<UserRow | undefined> {
    return queryOne<UserRow>(
      em,
      sql`insert into users (id, tenant_id, name, email, slack_user_id, time_zone, role, manager_id)
          values (${newId()}, ${tenantId}, ${u.name}, ${u.email}, ${u.slackUserId}, ${u.timeZone}, ${u.role},
            ${u.managerId})
          on conflict do nothing returning ${COLUMNS}`,
    );
  },

  /** Links an existing user with this email (added by an admin) to their Slack id, on first sight in Slack. */
  linkSlackByEmail(
    em: Em,
    tenantId: string,
    email: string,
    slackUserId: string,
  ): Promise<UserRow | undefined> {
    return queryOne<UserRow>(
      em,
      sql`update users set slack_user_id = ${slackUserId}, updated_at = now()
          where tenant_id = ${tenantId} and lower(email) = lower(${email}) and slack_user_id is null
            and not exists (select 1 from users o where o.tenant_id = ${tenantId} and o.slack_user_id = ${slackUserId})
          returning ${COLUMNS}`,
    );
  },

  upsertBySlackId(
    em: Em,
    tenantId: string,
    p: { slackUserId: string; name: string; email: string | null; timeZone: string | null },
  ): Promise<UserRow | undefined> {
    return queryOne<UserRow>(
      em,
      sql`insert into users (id, tenant_id, name, email, slack_user_id, time_zone)
          values (${newId()}, ${tenantId}, ${p.name}, ${p.email}, ${p.slackUserId}, ${p.timeZone ?? 'UTC'})
          on conflict (tenant_id, slack_user_id) do update set name = excluded.name,
            email = coalesce(excluded.email, users.email), time_zone = excluded.time_zone, updated_at = now()
          returning ${COLUMNS}`,
    );
  },

  /** Creates the user with this email or updates their name, Slack id and zone (`opswatch apply`). */
  upsertByEmail(
    em: Em,
    tenantId: string,
    u: { name: string; email: string; slackUserId: string | null; timeZone: string },
  ): Promise<(UserRow & { inserted: boolean }) | undefined> {
    return queryOne<UserRow & { inserted: boolean }>(
      em,
      sql`insert into users (id, tenant_id, name, email, slack_user_id, time_zone)
          values (${newId()}, ${tenantId}, ${u.name}, ${u.email}, ${u.slackUserId}, ${u.timeZone})
          on conflict (tenant_id, email) do update set name = excluded.name,
            slack_user_id = coalesce(excluded.slack_user_id, users.slack_user_id),
            time_zone = excluded.time_zone, updated_at = now()
          returning ${COLUMNS}, (xmax = 0) as inserted`,
    );
  },

  byId(em: Em, tenantId: string, id: string): Promise<UserRow | undefined> {
    return queryOne<UserRow>(
      em,
      sql`select ${COLUMNS} from users where tenant_id = ${tenantId} and id = ${id}`,
    );
  },

  /** Replaces a user's fields; undefined when they do not exist. Throws on an email or Slack id clash. */
  update(
    em: Em,
    tenantId: string,
    id: string,
    u: {
      name: string;
      email: string | null;
      slackUserId: string | null;
      timeZone: string;
      role: string;
      managerId: string | null;
    },
  ): Promise<UserRow | undefined> {
    return queryOne<UserRow>(
      em,
      sql`update users set name = ${u.name}, email = ${u.email}, slack_user_id = ${u.slackUserId},
            time_zone = ${u.timeZone}, role = ${u.role}, manager_id = ${u.managerId}, updated_at = now()
          where tenant_id = ${tenantId} and id = ${id} returning ${COLUMNS}`,
    );
  },

  async setManager(em: Em, tenantId: string, id: string, managerId: string | null): Promise<void> {
    await query(
      em,
      sql`update users set manager_id = ${managerId}, updated_at = now() where tenant_id = ${tenantId} and id = ${id}`,
    );
  },

  async remove(em: Em, tenantId: string, id: string): Promise<boolean> {
    const rows = await query<{ id: string }>(
      em,
      sql`delete from users where tenant_id = ${tenantId} and id = ${id} returning id`,
    );
    return rows.length > 0;
  },

  bySlackId(em: Em, tenantId: string, slackUserId: string): Promise<UserRow | undefined> {
    return queryOne<UserRow>(
      em,
      sql`select ${COLUMNS} from users where tenant_id = ${tenantId} and slack_user_id = ${slackUserId}`,
    );
  },
};
