import { anyOf, db, type Em, jsonb, query, queryOne, type RowOf, sql } from '../../db/sql.js';
import { isUuid, newId } from '../../shared/ids.js';
import type { Layer } from './rosters.types.js';

const COLUMNS = [
  'id',
  'name',
  'time_zone',
  'slack_channel',
  'slack_user_group',
  'layers',
  'ical_token',
  'version',
  'created_at',
  'updated_at',
] as const;
const OVERRIDE_COLUMNS = [
  'id',
  'schedule_id',
  'user_id',
  'replaces',
  'starts_at',
  'ends_at',
  'created_by',
  'created_at',
] as const;

const selectSchedules = () => db.selectFrom('schedules').select(COLUMNS);
const selectOverrides = () => db.selectFrom('schedule_overrides').select(OVERRIDE_COLUMNS);

/** A schedule as read; timestamps are text (the pool keeps them so), `layers` is checked by the mapper. */
export type ScheduleRow = RowOf<ReturnType<typeof selectSchedules>>;
export type OverrideRow = RowOf<ReturnType<typeof selectOverrides>>;

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

export const rostersStore = {
  list(em: Em, tenantId: string): Promise<ScheduleRow[]> {
    return query(em, selectSchedules().where('tenant_id', '=', tenantId).orderBy('name'));
  },

  byId(em: Em, tenantId: string, id: string): Promise<ScheduleRow | undefined> {
    return queryOne(em, selectSchedules().where('tenant_id', '=', tenantId).where('id', '=', id));
  },

  /** The schedule, locked for this transaction (edits of one schedule happen one after another). */
  lockById(em: Em, tenantId: string, id: string): Promise<ScheduleRow | undefined> {
    return queryOne(em, selectSchedules().where('tenant_id', '=', tenantId).where('id', '=', id).forUpdate());
  },

  byName(em: Em, tenantId: string, name: string): Promise<ScheduleRow | undefined> {
    return queryOne(
      em,
      selectSchedules()
        .where('tenant_id', '=', tenantId)
        .where(sql`lower(name)`, '=', sql`lower(${name})`)
        .orderBy(sql`name = ${name}`, 'desc')
        .limit(1),
    );
  },

  /** The schedule whose feed token this is, of any tenant (system scope: the token says which tenant). */
  byToken(em: Em, token: string): Promise<(ScheduleRow & { tenant_id: string }) | undefined> {
    return queryOne(em, selectSchedules().select('tenant_id').where('ical_token', '=', token));
  },

  /** Inserts a schedule; undefined when the name is taken in the tenant. */
  insert(
    em: Em,
    tenantId: string,
    f: ScheduleFields,
    token: string,
    at: Date,
  ): Promise<ScheduleRow | undefined> {
    return queryOne(
      em,
      db
        .insertInto('schedules')
        .values({
          id: newId(),
          tenant_id: tenantId,
          name: f.name,
          time_zone: f.timeZone,
          slack_channel: f.slackChannel,
          slack_user_group: f.slackUserGroup,
          layers: jsonb(f.layers),
          ical_token: token,
          created_at: at,
          updated_at: at,
        })
        .onConflict((oc) => oc.columns(['tenant_id', 'name']).doNothing())
        .returning(COLUMNS),
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
    return queryOne(
      em,
      db
        .updateTable('schedules')
        .set((eb) => ({
          name: f.name,
          time_zone: f.timeZone,
          slack_channel: f.slackChannel,
          slack_user_group: f.slackUserGroup,
          layers: jsonb(f.layers),
          version: eb('version', '+', 1),
          updated_at: at,
        }))
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .returning(COLUMNS),
    );
  },

  async remove(em: Em, tenantId: string, id: string): Promise<boolean> {
    const rows = await query(
      em,
      db.deleteFrom('schedules').where('tenant_id', '=', tenantId).where('id', '=', id).returning('id'),
    );
    return rows.length > 0;
  },

  /** Overrides of the given schedules still in effect at or after `after`, oldest first (later ones win). */
  overridesOf(em: Em, tenantId: string, scheduleIds: string[], after: Date): Promise<OverrideRow[]> {
    if (scheduleIds.length === 0) return Promise.resolve([]);
    return query(
      em,
      selectOverrides()
        .where('tenant_id', '=', tenantId)
        .where('schedule_id', '=', anyOf(scheduleIds, 'uuid'))
        .where('ends_at', '>', after.toISOString())
        .orderBy('created_at')
        .orderBy('id'),
    );
  },

  insertOverride(
    em: Em,
    tenantId: string,
    scheduleId: string,
    o: { userId: string; replaces: string | null; start: Date; end: Date; createdBy: string | null },
    at: Date,
  ): Promise<OverrideRow | undefined> {
    return queryOne(
      em,
      db
        .insertInto('schedule_overrides')
        .values({
          id: newId(),
          tenant_id: tenantId,
          schedule_id: scheduleId,
          user_id: o.userId,
          replaces: o.replaces,
          starts_at: o.start,
          ends_at: o.end,
          created_by: o.createdBy,
          created_at: at,
        })
        .returning(OVERRIDE_COLUMNS),
    );
  },

  overrideById(em: Em, tenantId: string, scheduleId: string, id: string): Promise<OverrideRow | undefined> {
    return queryOne(
      em,
      selectOverrides()
        .where('tenant_id', '=', tenantId)
        .where('schedule_id', '=', scheduleId)
        .where('id', '=', id),
    );
  },

  async removeOverride(em: Em, tenantId: string, scheduleId: string, id: string): Promise<boolean> {
    const rows = await query(
      em,
      db
        .deleteFrom('schedule_overrides')
        .where('tenant_id', '=', tenantId)
        .where('schedule_id', '=', scheduleId)
        .where('id', '=', id)
        .returning('id'),
    );
    return rows.length > 0;
  },

  /** Which of these ids are users of the tenant. */
  async existingUsers(em: Em, tenantId: string, ids: string[]): Promise<Set<string>> {
    const uuids = ids.filter(isUuid);
    if (uuids.length === 0) return new Set();
    const rows = await query(
      em,
      db
        .selectFrom('users')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', anyOf(uuids, 'uuid')),
    );
    return new Set(rows.map((r) => r.id));
  },

  /** Everyone of the tenant as schedules show them: name, Slack id and zone by user id. */
  async people(em: Em, tenantId: string): Promise<People> {
    const rows = await query(
      em,
      db
        .selectFrom('users')
        .select(['id', 'name', 'slack_user_id', 'time_zone'])
        .where('tenant_id', '=', tenantId),
    );
    return new Map(
      rows.map((r) => [r.id, { name: r.name, slackUserId: r.slack_user_id, timeZone: r.time_zone }]),
    );
  },

  /** The user's feed token, created on first ask. */
  async userToken(em: Em, tenantId: string, userId: string, fresh: string, at: Date): Promise<string> {
    await query(
      em,
      db
        .insertInto('user_ical_tokens')
        .values({ user_id: userId, tenant_id: tenantId, token: fresh, created_at: at })
        .onConflict((oc) => oc.column('user_id').doNothing()),
    );
    const row = await queryOne(
      em,
      db
        .selectFrom('user_ical_tokens')
        .select('token')
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId),
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
      db
        .selectFrom('user_ical_tokens as t')
        .innerJoin('users as u', (join) =>
          join.onRef('u.tenant_id', '=', 't.tenant_id').onRef('u.id', '=', 't.user_id'),
        )
        .select(['t.user_id', 't.tenant_id', 'u.name', 'u.time_zone'])
        .where('t.token', '=', token),
    );
  },
};
