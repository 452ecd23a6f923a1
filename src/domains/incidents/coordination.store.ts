/**
 * The incidents domain's tables for running a big incident: roles, followers and the update cadence.
 * The only file that queries them.
 */
import { command, db, type Em, query, queryOne, sql } from '../../db/sql.js';
import type { Follower, IncidentRole } from './coordination.types.js';

/** The advisory lock of the reminders module: one replica looks for due reminders at a time. */
const REMINDER_LOCK = 0x0a_5e_4a_07;

/** A person as a reminder or a follower needs them. */
export interface PersonRow {
  id: string;
  name: string;
  slack_user_id: string | null;
}

/** A cadence whose reminder is due, locked, with the people a reminder may go to. */
export interface DueCadenceRow {
  incident_id: string;
  tenant_id: string;
  number: number;
  title: string;
  status: string;
  interval_minutes: number;
  anchor_at: string;
  reminders: number;
  commander: PersonRow | null;
  assignee: PersonRow | null;
  acknowledger: PersonRow | null;
}

const person = (alias: string) =>
  sql.raw(
    `case when ${alias}.id is null then null else jsonb_build_object('id', ${alias}.id, 'name', ${alias}.name, 'slack_user_id', ${alias}.slack_user_id) end`,
  );

export const coordinationStore = {
  /** Who holds `role` now (locked: the caller replaces them). */
  async holder(
    em: Em,
    tenantId: string,
    incidentId: string,
    role: IncidentRole,
  ): Promise<PersonRow | undefined> {
    return queryOne(
      em,
      db
        .selectFrom('incident_roles as r')
        .innerJoin('users as u', (j) =>
          j.onRef('u.tenant_id', '=', 'r.tenant_id').onRef('u.id', '=', 'r.user_id'),
        )
        .select(['u.id', 'u.name', 'u.slack_user_id'])
        .where('r.tenant_id', '=', tenantId)
        .where('r.incident_id', '=', incidentId)
        .where('r.role', '=', role)
        .forUpdate('r'),
    );
  },

  /** Gives `role` to `userId` (replacing its holder), or clears it (null). */
  async setRole(
    em: Em,
    tenantId: string,
    incidentId: string,
    role: IncidentRole,
    userId: string | null,
    at: Date,
  ): Promise<void> {
    if (userId === null) {
      await command(
        em,
        db
          .deleteFrom('incident_roles')
          .where('tenant_id', '=', tenantId)
          .where('incident_id', '=', incidentId)
          .where('role', '=', role),
      );
      return;
    }
    await command(
      em,
      db
        .insertInto('incident_roles')
        .values({ incident_id: incidentId, tenant_id: tenantId, role, user_id: userId, assigned_at: at })
        .onConflict((oc) =>
          oc.columns(['incident_id', 'role']).doUpdateSet({ user_id: userId, assigned_at: at }),
        ),
    );
  },

  /** Adds a follower; false when they already followed. */
  async follow(em: Em, tenantId: string, incidentId: string, f: Follower, at: Date): Promise<boolean> {
    const rows = await query(
      em,
      db
        .insertInto('incident_followers')
        .values({
          incident_id: incidentId,
          tenant_id: tenantId,
          kind: f.kind,
          target: f.kind === 'user' ? f.userId : f.channel,
          created_at: at,
        })
        .onConflict((oc) => oc.doNothing())
        .returning('kind'),
    );
    return rows.length > 0;
  },

  /** Removes a follower; false when they did not follow. */
  async unfollow(em: Em, tenantId: string, incidentId: string, f: Follower): Promise<boolean> {
    const rows = await query(
      em,
      db
        .deleteFrom('incident_followers')
        .where('tenant_id', '=', tenantId)
        .where('incident_id', '=', incidentId)
        .where('kind', '=', f.kind)
        .where('target', '=', f.kind === 'user' ? f.userId : f.channel)
        .returning('kind'),
    );
    return rows.length > 0;
  },

  /** The incident's followers: people (with their Slack ids) and channels. */
  followers(em: Em, tenantId: string, incidentId: string) {
    return query(
      em,
      db
        .selectFrom('incident_followers as f')
        .leftJoin('users as u', (j) =>
          j
            .onRef('u.tenant_id', '=', 'f.tenant_id')
            .on('f.kind', '=', 'user')
            .on(sql<string>`u.id::text`, '=', sql<string>`f.target`),
        )
        .select(['f.kind', 'f.target', 'u.name', 'u.slack_user_id', 'f.created_at'])
        .where('f.tenant_id', '=', tenantId)
        .where('f.incident_id', '=', incidentId)
        .orderBy('f.created_at'),
    );
  },

  /** Starts cadences (incidents just opened): each reminds first at anchor + interval. */
  async startCadences(
    em: Em,
    tenantId: string,
    rows: { incidentId: string; minutes: number }[],
    at: Date,
  ): Promise<void> {
    if (rows.length === 0) return;
    const payload = JSON.stringify(rows.map((r) => ({ incident_id: r.incidentId, minutes: r.minutes })));
    await command(
      em,
      sql`insert into incident_update_cadences (incident_id, tenant_id, interval_minutes, anchor_at, due_at, updated_at)
          select x.incident_id, ${tenantId}, x.minutes, ${at}, ${at}::timestamptz + make_interval(mins => x.minutes),
            ${at}
          from jsonb_to_recordset(${payload}::jsonb) as x(incident_id uuid, minutes int)
          on conflict (incident_id) do nothing`,
    );
  },

  /** An update was posted: the interval counts again from `at`. */
  async restartCadence(em: Em, tenantId: string, incidentId: string, at: Date): Promise<void> {
    await command(
      em,
      sql`update incident_update_cadences
          set anchor_at = ${at}, due_at = ${at}::timestamptz + make_interval(mins => interval_minutes),
            reminders = 0, updated_at = ${at}
          where tenant_id = ${tenantId} and incident_id = ${incidentId} and due_at is not null`,
    );
  },

  /**
   * The severity changed: the new interval (null: no cadence any more), counted from the last update or else the
   * opening. One statement whose answer nobody waits for (a light transaction sends it with its COMMIT).
   */
  async changeCadence(em: Em, tenantId: string, incidentId: string, minutes: number | null, at: Date) {
    if (minutes === null) {
      await command(
        em,
        sql`update incident_update_cadences set due_at = null, updated_at = ${at}
            where tenant_id = ${tenantId} and incident_id = ${incidentId}`,
      );
      return;
    }
    await command(
      em,
      sql`insert into incident_update_cadences (incident_id, tenant_id, interval_minutes, anchor_at, due_at, updated_at)
          select i.id, i.tenant_id, ${minutes}, a.anchor, a.anchor + make_interval(mins => ${minutes}), ${at}
          from incidents i
          cross join lateral (select coalesce(
            (select max(t.created_at) from timeline_entries t
              where t.tenant_id = i.tenant_id and t.incident_id = i.id and t.kind = 'status_update'),
            i.created_at) as anchor) a
          where i.tenant_id = ${tenantId} and i.id = ${incidentId} and i.status <> 'resolved'
          on conflict (incident_id) do update set interval_minutes = excluded.interval_minutes,
            anchor_at = excluded.anchor_at, due_at = excluded.due_at, reminders = 0,
            updated_at = excluded.updated_at`,
    );
  },

  /** Takes the reminders module's lock for this transaction; false when another replica holds it. */
  async tryLock(em: Em): Promise<boolean> {
    const row = await queryOne(
      em,
      db.selectNoFrom(sql<boolean>`pg_try_advisory_xact_lock(${REMINDER_LOCK})`.as('locked')),
    );
    return row?.locked === true;
  },

  /**
   * Cadences of every tenant (system scope) whose reminder is due at `now`, oldest first, locked (skipping rows
   * another transaction holds), with the incident's commander, assignee and latest acknowledger.
   */
  due(em: Em, now: Date, limit: number): Promise<DueCadenceRow[]> {
    return query(
      em,
      sql<DueCadenceRow>`select c.incident_id, c.tenant_id, i.number, i.title, i.status, c.interval_minutes, c.anchor_at,
            c.reminders, ${person('cu')} as commander, ${person('au')} as assignee, ${person('ku')} as acknowledger
          from incident_update_cadences c
          join incidents i on i.tenant_id = c.tenant_id and i.id = c.incident_id
          left join incident_roles r on r.tenant_id = c.tenant_id and r.incident_id = c.incident_id
            and r.role = 'commander'
          left join users cu on cu.tenant_id = c.tenant_id and cu.id = r.user_id
          left join users au on au.tenant_id = c.tenant_id and au.id = i.assignee_id
          left join lateral (
            select t.actor_id from timeline_entries t
            where t.tenant_id = c.tenant_id and t.incident_id = c.incident_id and t.kind = 'acknowledged'
              and t.actor_kind = 'user'
            order by t.id desc limit 1
          ) k on true
          left join users ku on ku.tenant_id = c.tenant_id and ku.id::text = k.actor_id
          where c.due_at is not null and c.due_at <= ${now}
          order by c.due_at, c.incident_id
          limit ${limit}
          for update of c skip locked`,
    );
  },

  /** After a reminder: the next one's instant (null: none, the incident is resolved), and how many were sent since the anchor. */
  async advance(em: Em, rows: { incidentId: string; nextDue: Date | null; reminders: number }[], at: Date) {
    if (rows.length === 0) return;
    const payload = JSON.stringify(
      rows.map((r) => ({
        incident_id: r.incidentId,
        due_at: r.nextDue?.toISOString() ?? null,
        reminders: r.reminders,
      })),
    );
    await command(
      em,
      sql`update incident_update_cadences c set due_at = x.due_at, reminders = x.reminders, updated_at = ${at}
          from jsonb_to_recordset(${payload}::jsonb) as x(incident_id uuid, due_at timestamptz, reminders int)
          where c.incident_id = x.incident_id`,
    );
  },
};
