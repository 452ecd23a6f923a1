import type { ExpressionBuilder, RawBuilder, Updateable } from 'kysely';
import type { DB, JsonObject } from '../../db/schema.generated.js';
import {
  anyOf,
  command,
  db,
  type Em,
  jsonb,
  query,
  queryAhead,
  queryOne,
  type RowOf,
  sql,
} from '../../db/sql.js';
import { type Actor, systemActor } from '../../shared/actor.js';
import { isUuid } from '../../shared/ids.js';
import type { IncidentStatus } from './incidents.types.js';
import type { TimelineEvent } from './timeline.types.js';

/** `status` holds an IncidentStatus (the migrations' check constraint allows no other). */
type IncidentNarrowing = { status: IncidentStatus };

const selectIncidents = () => db.selectFrom('incidents as i').selectAll('i').$narrowType<IncidentNarrowing>();

/** An incident's row, as read (timestamps are text: convert with `new Date()`). */
export type IncidentRow = RowOf<ReturnType<typeof selectIncidents>>;

const selectListed = () =>
  db
    .selectFrom('incidents as i')
    .leftJoin('users as u', (j) =>
      j.onRef('u.tenant_id', '=', 'i.tenant_id').onRef('u.id', '=', 'i.assignee_id'),
    )
    // The incident's roles and their holders: { commander: { id, name, email, slackUserId }, … }.
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('incident_roles as r')
          .innerJoin('users as ru', (j) =>
            j.onRef('ru.tenant_id', '=', 'r.tenant_id').onRef('ru.id', '=', 'r.user_id'),
          )
          .select(
            sql<Record<string, RoleHolderRow> | null>`jsonb_object_agg(r.role, jsonb_build_object('id', ru.id,
              'name', ru.name, 'email', ru.email, 'slackUserId', ru.slack_user_id))`.as('roles'),
          )
          .whereRef('r.tenant_id', '=', 'i.tenant_id')
          .whereRef('r.incident_id', '=', 'i.id')
          .as('rl'),
      (j) => j.onTrue(),
    )
    .leftJoin('incidents as m', (j) =>
      j.onRef('m.tenant_id', '=', 'i.tenant_id').onRef('m.id', '=', 'i.merged_into'),
    )
    .selectAll('i')
    .select([
      'rl.roles',
      'u.name as assignee_name',
      'u.email as assignee_email',
      'u.slack_user_id as assignee_slack_user_id',
      'm.number as merged_into_number',
    ])
    .$narrowType<IncidentNarrowing>();

/** A role's holder as the incident's row carries it. */
export interface RoleHolderRow {
  id: string;
  name: string;
  email: string | null;
  slackUserId: string | null;
}

/** An incident with its assignee's name and addresses (the API's and Slack's view of it). */
export type IncidentListRow = RowOf<ReturnType<typeof selectListed>>;

/** What a change to an incident may set (besides its version and `updated_at`, which every change moves). */
export type IncidentChange = Partial<
  Pick<
    Updateable<DB['incidents']>,
    | 'acknowledged_at'
    | 'resolved_at'
    | 'severity'
    | 'assignee_id'
    | 'merged_into'
    | 'merged_group_keys'
    | 'title'
  > & {
    status: IncidentStatus;
  }
>;

const selectTimeline = () =>
  db
    .selectFrom('timeline_entries as t')
    .leftJoin('incidents as f', (j) =>
      j.onRef('f.tenant_id', '=', 't.tenant_id').onRef('f.id', '=', 't.merged_from'),
    )
    .select([
      't.id',
      't.kind',
      't.actor_kind',
      't.actor_id',
      't.actor_name',
      't.message',
      't.data',
      't.created_at',
      'f.number as merged_from_number',
    ])
    .$narrowType<{ data: JsonObject }>();

/** A timeline row as read: the event's kind and data, who did it, and (rows from before typed events) its text. */
export type TimelineRow = RowOf<ReturnType<typeof selectTimeline>>;

export interface NewIncident {
  id: string;
  tenantId: string;
  title: string;
  description: string | null;
  service: string;
  environment: string;
  severity: number;
  groupKey: string | null;
  source: string;
  autoResolve: boolean;
  /** A fire drill (declared by hand only). */
  drill?: boolean;
  /** A test page for this user (a drill paging them only, posted nowhere, resolving itself). */
  testOf?: string | null;
  at: Date;
}

/** One timeline row to write: a typed event on an incident. */
export interface TimelineInput {
  incidentId: string;
  event: TimelineEvent;
}

export interface RefQuery {
  id?: string;
  number?: number;
}

/** The incidents table as its queries name it (`incidents as i`). */
type WithI = DB & { i: DB['incidents'] };

const refWhere = (tenantId: string, ref: RefQuery) => (eb: ExpressionBuilder<WithI, 'i'>) =>
  eb.and([
    eb('i.tenant_id', '=', tenantId),
    ref.id ? eb('i.id', '=', ref.id) : eb('i.number', '=', ref.number ?? -1),
  ]);

/**
 * The tenant's next incident number, from its sequence (`incident_numbers."<tenant id>"`, created with the tenant):
 * unique and increasing per tenant, taken without a lock that lasts until commit, so concurrent transactions and
 * replicas open incidents side by side. Numbers a rolled-back transaction took are skipped, not reused.
 */
const nextNumber = (tenantId: string) =>
  sql<number>`nextval(format('incident_numbers.%I', ${tenantId}::text)::regclass)::int`;

export const incidentsStore = {
  /** Opens an incident with the tenant's next number (see `nextNumber`). */
  async insert(em: Em, inc: NewIncident): Promise<IncidentRow> {
    const row = await queryOne(
      em,
      db
        .insertInto('incidents')
        .values({
          id: inc.id,
          tenant_id: inc.tenantId,
          number: nextNumber(inc.tenantId),
          title: inc.title,
          description: inc.description,
          service: inc.service,
          environment: inc.environment,
          severity: inc.severity,
          status: 'triggered',
          group_key: inc.groupKey,
          source: inc.source,
          auto_resolve: inc.autoResolve,
          drill: inc.drill ?? false,
          test_of: inc.testOf ?? null,
          created_at: inc.at,
          updated_at: inc.at,
        })
        .returningAll()
        .$narrowType<IncidentNarrowing>(),
    );
    if (!row) throw new Error('incident insert returned nothing');
    return row;
  },

  /**
   * Opens several incidents of one tenant in one statement: the next numbers are taken from the tenant's
   * sequence in the order given (see `nextNumber`) and every row inserted. On a light transaction the
   * statement is sent at once and its answer read later (see `queryAhead`): the rows, in the order given, arrive
   * with the transaction's next awaited statement or its COMMIT, so opening costs no round trip of its own.
   */
  insertMany(em: Em, tenantId: string, incs: NewIncident[], at: Date): Promise<IncidentRow[]> {
    if (incs.length === 0) return Promise.resolve([]);
    const payload = JSON.stringify(
      incs.map((inc, i) => ({
        i: i + 1,
        id: inc.id,
        title: inc.title,
        description: inc.description,
        service: inc.service,
        environment: inc.environment,
        severity: inc.severity,
        group_key: inc.groupKey,
        source: inc.source,
        auto_resolve: inc.autoResolve,
      })),
    );
    // Numbered in the order given: the sorted subquery feeds the outer select, which takes the numbers.
    const statement = sql<IncidentRow>`insert into incidents (id, tenant_id, number, title, description, service,
            environment, severity, status, group_key, source, auto_resolve, created_at, updated_at)
          select x.id, ${tenantId}, ${nextNumber(tenantId)}, x.title, x.description, x.service, x.environment,
            x.severity, 'triggered', x.group_key, x.source, x.auto_resolve, ${at}, ${at}
          from (select * from jsonb_to_recordset(${payload}::jsonb) as r(i int, id uuid, title text,
            description text, service text, environment text, severity int, group_key text, source text,
            auto_resolve boolean) order by r.i offset 0) as x
          returning *`;
    const inOrder = (rows: IncidentRow[]): IncidentRow[] => {
      if (rows.length !== incs.length) throw new Error(`tenant ${tenantId} does not exist`);
      const byId = new Map(rows.map((r) => [r.id, r]));
      return incs.map((inc) => byId.get(inc.id)!);
    };
    const ahead = queryAhead(em, statement);
    if (!ahead) return query(em, statement).then(inOrder);
    const rows = ahead.then(inOrder);
    rows.catch(() => {}); // read (and thrown) by whoever awaits it; the transaction fails with it anyway
    return rows;
  },

  async lock(em: Em, tenantId: string, ref: RefQuery): Promise<IncidentRow | undefined> {
    return queryOne(em, selectIncidents().where(refWhere(tenantId, ref)).forUpdate());
  },

  /**
   * The open incidents of these groups, locked: the one whose own group it is, or the one an incident of the group
   * was merged into (`merged_group_keys`).
   */
  async lockOpenByGroups(em: Em, tenantId: string, groupKeys: string[]): Promise<IncidentRow[]> {
    if (groupKeys.length === 0) return [];
    return query(
      em,
      // The two ways a group leads to an open incident are looked up apart, each on its own index (an `or` of
      // them made the planner read every open incident of the tenant), and the rows locked once.
      selectIncidents()
        .where('i.tenant_id', '=', tenantId)
        .where(
          'i.id',
          '=',
          sql<string>`any(array(
            ${incidentQueries.openInGroups(tenantId, groupKeys)}
            union
            select o.id from incidents o
            where o.tenant_id = ${tenantId} and o.merged_group_keys && ${groupKeys}::text[] and o.merged_group_keys <> '{}'
              and o.status <> 'resolved'))`,
        )
        .where('i.status', '<>', 'resolved')
        .orderBy('i.id')
        .forUpdate(),
    );
  },

  async numbers(em: Em, tenantId: string, ids: string[]): Promise<Pick<IncidentRow, 'id' | 'number'>[]> {
    if (ids.length === 0) return [];
    return query(
      em,
      db
        .selectFrom('incidents')
        .select(['id', 'number'])
        .where('tenant_id', '=', tenantId)
        .where('id', '=', anyOf(ids, 'uuid')),
    );
  },

  async lockMany(em: Em, tenantId: string, ids: string[]): Promise<IncidentRow[]> {
    return query(
      em,
      selectIncidents()
        .where('i.tenant_id', '=', tenantId)
        .where('i.id', '=', anyOf(ids, 'uuid'))
        .orderBy('i.id')
        .forUpdate(),
    );
  },

  async update(em: Em, tenantId: string, id: string, fields: IncidentChange, at: Date): Promise<void> {
    await command(
      em,
      db
        .updateTable('incidents')
        .set((eb) => ({ ...fields, version: eb('version', '+', 1), updated_at: at }))
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id),
    );
  },

  async get(em: Em, tenantId: string, ref: RefQuery): Promise<IncidentListRow | undefined> {
    return queryOne(em, selectListed().where(refWhere(tenantId, ref)));
  },

  async list(
    em: Em,
    tenantId: string,
    f: {
      statuses?: string[];
      service?: string;
      environment?: string;
      severities?: number[];
      since?: string;
      until?: string;
      after?: { createdAt: string; id: string };
      limit: number;
    },
  ): Promise<IncidentListRow[]> {
    let q = selectListed().where('i.tenant_id', '=', tenantId);
    if (f.statuses?.length) q = q.where('i.status', '=', anyOf(f.statuses, 'text'));
    if (f.service) q = q.where('i.service', '=', f.service);
    if (f.environment) q = q.where('i.environment', '=', f.environment);
    if (f.severities?.length) q = q.where('i.severity', '=', anyOf(f.severities, 'int'));
    if (f.since) q = q.where('i.created_at', '>=', sql<string>`${f.since}::timestamptz`);
    if (f.until) q = q.where('i.created_at', '<', sql<string>`${f.until}::timestamptz`);
    if (f.after)
      q = q.where(
        sql<boolean>`(i.created_at, i.id) < (${f.after.createdAt}::timestamptz, ${f.after.id}::uuid)`,
      );
    return query(em, q.orderBy('i.created_at', 'desc').orderBy('i.id', 'desc').limit(f.limit));
  },

  /** Every tenant's open incidents (the metrics gauge): system scope. */
  async countOpenBySeverity(em: Em): Promise<{ severity: number; n: number }[]> {
    return query(
      em,
      db
        .selectFrom('incidents')
        .select(['severity', sql<number>`count(*)::int`.as('n')])
        .where('status', '<>', 'resolved')
        .where('drill', '=', false)
        .groupBy('severity'),
    );
  },

  /**
   * Appends timeline rows (one statement for any number of rows). The event's data is the record; what people
   * read is rendered from it when read (`message` stays null; rows from before typed events keep theirs).
   */
  async addTimeline(em: Em, tenantId: string, actor: Actor, items: TimelineInput[], at: Date): Promise<void> {
    if (items.length === 0) return;
    const payload = JSON.stringify(
      items.map((t) => ({ incident_id: t.incidentId, kind: t.event.kind, data: t.event.data })),
    );
    await command(
      em,
      sql`insert into timeline_entries (tenant_id, incident_id, kind, actor_kind, actor_id, actor_name, data, created_at)
          select ${tenantId}, x.incident_id, x.kind, ${actor.kind}, ${actor.id}, ${actor.name}, x.data, ${at}
          from jsonb_to_recordset(${payload}::jsonb) as x(incident_id uuid, kind text, data jsonb)`,
    );
  },

  /** Whether the incident has an event of `kind` whose data contains `match`. */
  async hasEvent(
    em: Em,
    tenantId: string,
    incidentId: string,
    kind: string,
    match: Record<string, unknown>,
  ): Promise<boolean> {
    const rows = await query(
      em,
      db
        .selectFrom('timeline_entries')
        .select(sql<number>`1`.as('one'))
        .where('tenant_id', '=', tenantId)
        .where('incident_id', '=', incidentId)
        .where('kind', '=', kind)
        .where('merged_from', 'is', null)
        .where('data', '@>', jsonb(match))
        .limit(1),
    );
    return rows.length > 0;
  },

  async timeline(em: Em, tenantId: string, incidentId: string, limit = 1000): Promise<TimelineRow[]> {
    return query(
      em,
      selectTimeline()
        .where('t.tenant_id', '=', tenantId)
        .where('t.incident_id', '=', incidentId)
        .orderBy('t.id')
        .limit(limit),
    );
  },

  async findUser(em: Em, tenantId: string, ref: string) {
    return queryOne(
      em,
      db
        .selectFrom('users')
        .select(['id', 'name', 'email', 'slack_user_id'])
        .where('tenant_id', '=', tenantId)
        .where((eb) =>
          eb.or([
            ...(isUuid(ref) ? [eb('id', '=', sql<string>`${ref}::uuid`)] : []),
            eb(eb.fn('lower', ['email']), '=', eb.fn('lower', [eb.val(ref)])),
            eb('slack_user_id', '=', ref),
          ]),
        )
        .limit(1),
    );
  },
};

/** Subqueries other domains' statements embed, so the SQL that knows how incidents are found stays here. */
export const incidentQueries = {
  /**
   * The ids of the open incidents of these groups (their own group's), one probe of the open-group unique index
   * per group: at most one incident is open per group, and `limit 1` keeps each probe a subquery of its own. With
   * `group_key = any(…)`, or a join PostgreSQL may turn into a hash join, the plan it keeps for a prepared
   * statement read the whole table once it had been planned while the table was small — and an alert storm grows
   * the table faster than statistics follow.
   */
  openInGroups(tenantId: string, groupKeys: readonly string[]): RawBuilder<{ id: string }> {
    return sql<{ id: string }>`select o.id from unnest(${groupKeys}::text[]) as k(key)
      cross join lateral (select o.id from incidents o where o.tenant_id = ${tenantId} and o.group_key = k.key
        and o.status <> 'resolved' limit 1) o`;
  },
};

/**
 * Statements other domains' statements embed (so a write that depends on what the database holds stays one
 * statement, and the SQL that knows the timeline stays here).
 */
export const timelineQueries = {
  /**
   * OpsWatch's own notices, one per row of `rows` — a relation of the embedding statement (a CTE's name) with
   * columns `incident_id uuid, kind text, data jsonb` — as a data-modifying statement for a `with` clause.
   * Unlike IncidentsService.recordNotice nothing is handed to the incident event subscribers: only for kinds
   * they make nothing of where they are used (quiet notices on incidents created in the same transaction).
   */
  insertNotices(tenantId: string, rows: RawBuilder<unknown>, at: Date): RawBuilder<unknown> {
    const actor = systemActor(tenantId);
    return sql`insert into timeline_entries (tenant_id, incident_id, kind, actor_kind, actor_id, actor_name, data,
          created_at)
        select ${tenantId}, x.incident_id, x.kind, ${actor.kind}, ${actor.id}, ${actor.name}, x.data, ${at}
        from ${rows} as x`;
  },
};
