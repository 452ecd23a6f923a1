import { type Em, query, queryOne, sql } from '../../db/sql.js';
import { isUuid, newId } from '../../shared/ids.js';
import type { Layer } from './rosters.types.js';

/** Raw rows; timestamps come back from the driver as strings. */
export interface ScheduleRow {
  id: string;
  name: string;
  time_zone: string;
  slack_channel: string | null;
  slack_user_group: string | null;
  layers: unknown;
  ical_token: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface OverrideRow {
  id: string;
  schedule_id: string;
  user_id: string;
  replaces: string | null;
  starts_at: string;
  ends_at: string;
  created_by: string | null;
  created_at: string;
}

export interface Person {
  name: string;
  slackUserId: string | null;
  timeZone: string;
}
export type People = ReadonlyMap<string, Person>;

export interface ScheduleFields {
  name: string;
  timeZone: string;
  slackChannel: string | null;
  slackUserGroup: string | null;
  layers: Layer[];
}

const COLUMNS = sql`id, name, time_zone, slack_channel, slack_user_group, layers, ical_token, version, created_at, updated_at`;
const OVERRIDE_COLUMNS = sql`id, schedule_id, user_id, replaces, starts_at, ends_at, created_by, created_at`;

export const rostersStore = {
  list(em: Em, tenantId: string): Promise<ScheduleRow[]> {
    return query<ScheduleRow>(
      em,
      sql`select ${COLUMNS} from schedules where tenant_id = ${tenantId} order by name`,
    );
  },

  byId(em: Em, tenantId: string, id: string): Promise<ScheduleRow | undefined> {
    return queryOne<ScheduleRow>(
      em,
      sql`select ${COLUMNS} from schedules where tenant_id = ${tenantId} and id = ${id}`,
    );
  },

  /** The schedule, locked for this transaction (edits of one schedule happen one after another). */
  lockById(em: Em, tenantId: string, id: string): Promise<ScheduleRow | undefined> {
    return queryOne<ScheduleRow>(
      em,
      sql`select ${COLUMNS} from schedules where tenant_id = ${tenantId} and id = ${id} for update`,
    );
  },

  byName(em: Em, tenantId: string, name: string): Promise<ScheduleRow | undefined> {
    return queryOne<ScheduleRow>(
      em,
      sql`select ${COLUMNS} from schedules where tenant_id = ${tenantId} and lower(name) = lower(${name})
          order by name = ${name} desc limit 1`,
    );
  },

  /** The schedule whose feed token this is, of any tenant (system scope: the token says which tenant). */
  byToken(em: Em, token: string): Promise<(ScheduleRow & { tenant_id: string }) | undefined> {
    return queryOne(
      em,
      sql<
        ScheduleRow & { tenant_id: string }
      >`select tenant_id, ${COLUMNS} from schedules where ical_token = ${token}`,
    );
  },

  /** Inserts a schedule; undefined when the name is taken in the tenant. */
  insert(
    em: Em,
    tenantId: string,
    f: ScheduleFields,
    token: string,
    at: Date,
  ): Promise<ScheduleRow | undefined> {
    return queryOne<ScheduleRow>(
      em,
      sql`insert into schedules (id, tenant_id, name, time_zone, slack_channel, slack_user_group, layers, ical_token, created_at, updated_at)
          values (${newId()}, ${tenantId}, ${f.name}, ${f.timeZone}, ${f.slackChannel}, ${f.slackUserGroup},
                  ${JSON.stringify(f.layers)}::jsonb, ${token}, ${at}, ${at})
          on conflict (tenant_id, name) do nothing returning ${COLUMNS}`,
    );
  },

  /** Replaces a schedule's fields; undefined when it does not exist. Throws on a name clash (unique violation). */
  update(
    em: Em,
    tenantId: string,
    id: string,
    f: ScheduleFields,
    at: Date,
  ): Promise<ScheduleRow | undefined> {
    return queryOne<ScheduleRow>(
      em,
      sql`update schedules set name = ${f.name}, time_zone = ${f.timeZone}, slack_channel = ${f.slackChannel},
            slack_user_group = ${f.slackUserGroup}, layers = ${JSON.stringify(f.layers)}::jsonb,
            version = version + 1, updated_at = ${at}
          where tenant_id = ${tenantId} and id = ${id} returning ${COLUMNS}`,
    );
  },

  async remove(em: Em, tenantId: string, id: string): Promise<boolean> {
    const rows = await query<{ id: string }>(
      em,
      sql`delete from schedules where tenant_id = ${tenantId} and id = ${id} returning id`,
    );
    return rows.length > 0;
  },

  /** Overrides of the given schedules still in effect at or after `after`, oldest first (later ones win). */
  overridesOf(em: Em, tenantId: string, scheduleIds: string[], after: Date): Promise<OverrideRow[]> {
    if (scheduleIds.length === 0) return Promise.resolve([]);
    return query<OverrideRow>(
      em,
      sql`select ${OVERRIDE_COLUMNS} from schedule_overrides
          where tenant_id = ${tenantId} and schedule_id = any(${scheduleIds}::uuid[]) and ends_at > ${after}
          order by created_at, id`,
    );
  },

  insertOverride(
    em: Em,
    tenantId: string,
    scheduleId: string,
    o: { userId: string; replaces: string | null; start: Date; end: Date; createdBy: string | null },
    at: Date,
  ): Promise<OverrideRow | undefined> {
    return queryOne<OverrideRow>(
      em,
      sql`insert into schedule_overrides (id, tenant_id, schedule_id, user_id, replaces, starts_at, ends_at, created_by, created_at)
          values (${newId()}, ${tenantId}, ${scheduleId}, ${o.userId}, ${o.replaces}, ${o.start}, ${o.end}, ${o.createdBy}, ${at})
          returning ${OVERRIDE_COLUMNS}`,
    );
  },

  overrideById(em: Em, tenantId: string, scheduleId: string, id: string): Promise<OverrideRow | undefined> {
    return queryOne<OverrideRow>(
      em,
      sql`select ${OVERRIDE_COLUMNS} from schedule_overrides
          where tenant_id = ${tenantId} and schedule_id = ${scheduleId} and id = ${id}`,
    );
  },

  async removeOverride(em: Em, tenantId: string, scheduleId: string, id: string): Promise<boolean> {
    const rows = await query<{ id: string }>(
      em,
      sql`delete from schedule_overrides where tenant_id = ${tenantId} and schedule_id = ${scheduleId} and id = ${id}
          returning id`,
    );
    return rows.length > 0;
  },

  /** Which of these ids are users of the tenant. */
  async existingUsers(em: Em, tenantId: string, ids: string[]): Promise<Set<string>> {
    const uuids = ids.filter(isUuid);
    if (uuids.length === 0) return new Set();
    const rows = await query<{ id: string }>(
      em,
      sql`select id from users where tenant_id = ${tenantId} and id = any(${uuids}::uuid[])`,
    );
    return new Set(rows.map((r) => r.id));
  },

  /** Everyone of the tenant as schedules show them: name, Slack id and zone by user id. */
  async people(em: Em, tenantId: string): Promise<People> {
    const rows = await query<{ id: string; name: string; slack_user_id: string | null; time_zone: string }>(
      em,
      sql`select id, name, slack_user_id, time_zone from users where tenant_id = ${tenantId}`,
    );
    return new Map(
      rows.map((r) => [r.id, { name: r.name, slackUserId: r.slack_user_id, timeZone: r.time_zone }]),
    );
  },

  /** The user's feed token, created on first ask. */
  async userToken(em: Em, tenantId: string, userId: string, fresh: string, at: Date): Promise<string> {
    await query(
      em,
      sql`insert into user_ical_tokens (user_id, tenant_id, token, created_at)
          values (${userId}, ${tenantId}, ${fresh}, ${at}) on conflict (user_id) do nothing`,
    );
    const row = await queryOne<{ token: string }>(
      em,
      sql`select token from user_ical_tokens where tenant_id = ${tenantId} and user_id = ${userId}`,
    );
    if (!row) throw new Error('user iCal token could not be created');
    return row.token;
  },

  /** The user whose feed token this is, of any tenant (system scope: the token says which tenant). */
  userByToken(
    em: Em,
    token: string,
  ): Promise<{ user_id: string; tenant_id: string; name: string; time_zone: string } | undefined> {
    return queryOne(
      em,
      sql<{
        user_id: string;
        tenant_id: string;
        name: string;
        time_zone: string;
      }>`select t.user_id, t.tenant_id, u.name, u.time_zone
          from user_ical_tokens t join users u on u.tenant_id = t.tenant_id and u.id = t.user_id
          where t.token = ${token}`,
    );
  },
};
