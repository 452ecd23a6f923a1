/** The only file that reads and writes `postmortems` and `postmortem_action_items`. */
import { type Em, jsonb, query, queryOne, sql } from '../../db/sql.js';
import { newId } from '../../shared/ids.js';
import type { PostmortemContent, PostmortemFacts, PostmortemStatus } from './postmortems.types.js';

export interface PostmortemRow {
  id: string;
  tenant_id: string;
  incident_id: string;
  status: PostmortemStatus;
  title: string;
  facts: PostmortemFacts;
  content: Partial<PostmortemContent>;
  version: number;
  created_by: string;
  published_at: Date | null;
  published_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface ActionItemRow {
  id: string;
  tenant_id: string;
  postmortem_id: string;
  title: string;
  owner_id: string | null;
  /** YYYY-MM-DD */
  due_on: string | null;
  status: 'open' | 'closed';
  closed_at: Date | null;
  closed_by: string | null;
  reminded_on: string | null;
  created_at: Date;
  /** The incident of its postmortem, and its number (`INC-42`): joined in. */
  incident_id: string;
  incident_number: number;
}

const PM = sql`p.id, p.tenant_id, p.incident_id, p.status, p.title, p.facts, p.content, p.version, p.created_by,
  p.published_at, p.published_by, p.created_at, p.updated_at`;
const ITEM = sql`a.id, a.tenant_id, a.postmortem_id, a.title, a.owner_id, to_char(a.due_on, 'YYYY-MM-DD') as due_on,
  a.status, a.closed_at, a.closed_by, to_char(a.reminded_on, 'YYYY-MM-DD') as reminded_on, a.created_at,
  (p.facts->'incident'->>'ref') as incident_ref, p.incident_id`;

type RawItem = Omit<ActionItemRow, 'incident_number'> & { incident_ref: string };
const toItem = (r: RawItem): ActionItemRow => {
  const { incident_ref, ...rest } = r;
  return { ...rest, incident_number: Number(incident_ref.replace(/^INC-/, '')) };
};

/** The reminder module's advisory lock: one replica looks for overdue items at a time. */
const REMINDER_LOCK = 0x0a_5e_4a_13;

export const postmortemsStore = {
  /** The postmortem of the incident `{ id }` or `{ number }` (INC-<number>). */
  byRef(
    em: Em,
    tenantId: string,
    ref: { id?: string; number?: number },
    lock = false,
  ): Promise<PostmortemRow | undefined> {
    const which = ref.id
      ? sql`p.incident_id = ${ref.id}`
      : sql`(p.facts->'incident'->>'ref') = ${`INC-${ref.number ?? 0}`}`;
    return queryOne<PostmortemRow>(
      em,
      sql`select ${PM} from postmortems p where p.tenant_id = ${tenantId} and ${which}
          ${lock ? sql`for update` : sql``}`,
    );
  },

  byId(em: Em, tenantId: string, id: string): Promise<PostmortemRow | undefined> {
    return queryOne<PostmortemRow>(
      em,
      sql`select ${PM} from postmortems p where p.tenant_id = ${tenantId} and p.id = ${id}`,
    );
  },

  byIncident(em: Em, tenantId: string, incidentId: string, lock = false): Promise<PostmortemRow | undefined> {
    return queryOne<PostmortemRow>(
      em,
      sql`select ${PM} from postmortems p where p.tenant_id = ${tenantId} and p.incident_id = ${incidentId}
          ${lock ? sql`for update` : sql``}`,
    );
  },

  /** Inserts the draft; undefined when the incident has one already (made meanwhile). */
  insert(
    em: Em,
    tenantId: string,
    f: { incidentId: string; title: string; facts: PostmortemFacts; content: PostmortemContent; by: string },
    at: Date,
  ): Promise<PostmortemRow | undefined> {
    return queryOne<PostmortemRow>(
      em,
      sql`insert into postmortems as p (id, tenant_id, incident_id, title, facts, content, created_by, created_at,
            updated_at)
          values (${newId()}, ${tenantId}, ${f.incidentId}, ${f.title}, ${jsonb(f.facts)}, ${jsonb(f.content)},
            ${f.by}, ${at}, ${at})
          on conflict (incident_id) do nothing returning ${PM}`,
    );
  },

  update(
    em: Em,
    tenantId: string,
    id: string,
    f: {
      title: string;
      status: PostmortemStatus;
      content: PostmortemContent;
      published?: { at: Date; by: string };
    },
    at: Date,
  ): Promise<PostmortemRow | undefined> {
    return queryOne<PostmortemRow>(
      em,
      sql`update postmortems p set title = ${f.title}, status = ${f.status}, content = ${jsonb(f.content)},
            version = p.version + 1, updated_at = ${at}
            ${f.published ? sql`, published_at = ${f.published.at}, published_by = ${f.published.by}` : sql``}
          where p.tenant_id = ${tenantId} and p.id = ${id} returning ${PM}`,
    );
  },

  items(em: Em, tenantId: string, postmortemId: string): Promise<ActionItemRow[]> {
    return query<RawItem>(
      em,
      sql`select ${ITEM} from postmortem_action_items a join postmortems p on p.id = a.postmortem_id
          where a.tenant_id = ${tenantId} and a.postmortem_id = ${postmortemId} order by a.created_at, a.id`,
    ).then((rows) => rows.map(toItem));
  },

  async item(em: Em, tenantId: string, id: string, lock = false): Promise<ActionItemRow | undefined> {
    const row = await queryOne<RawItem>(
      em,
      sql`select ${ITEM} from postmortem_action_items a join postmortems p on p.id = a.postmortem_id
          where a.tenant_id = ${tenantId} and a.id = ${id} ${lock ? sql`for update of a` : sql``}`,
    );
    return row ? toItem(row) : undefined;
  },

  /** The tenant's open items (of one owner when given), soonest due first. */
  openItems(em: Em, tenantId: string, ownerId: string | null, limit: number): Promise<ActionItemRow[]> {
    return query<RawItem>(
      em,
      sql`select ${ITEM} from postmortem_action_items a join postmortems p on p.id = a.postmortem_id
          where a.tenant_id = ${tenantId} and a.status = 'open' ${ownerId ? sql`and a.owner_id = ${ownerId}` : sql``}
          order by a.due_on nulls last, a.created_at, a.id limit ${limit}`,
    ).then((rows) => rows.map(toItem));
  },

  async insertItem(
    em: Em,
    tenantId: string,
    f: { postmortemId: string; title: string; ownerId: string | null; dueOn: string | null },
    at: Date,
  ): Promise<string> {
    const id = newId();
    await query(
      em,
      sql`insert into postmortem_action_items (id, tenant_id, postmortem_id, title, owner_id, due_on, created_at,
            updated_at)
          values (${id}, ${tenantId}, ${f.postmortemId}, ${f.title}, ${f.ownerId}, ${f.dueOn}::date, ${at}, ${at})`,
    );
    return id;
  },

  async updateItem(
    em: Em,
    tenantId: string,
    id: string,
    f: {
      title: string;
      ownerId: string | null;
      dueOn: string | null;
      status: 'open' | 'closed';
      closed: { at: Date; by: string } | null;
    },
    at: Date,
  ): Promise<void> {
    await query(
      em,
      sql`update postmortem_action_items set title = ${f.title}, owner_id = ${f.ownerId}, due_on = ${f.dueOn}::date,
            status = ${f.status}, closed_at = ${f.closed?.at ?? null}, closed_by = ${f.closed?.by ?? null},
            updated_at = ${at}
          where tenant_id = ${tenantId} and id = ${id}`,
    );
  },

  /** Takes the reminder module's lock for this transaction; false when another replica holds it. */
  async tryReminderLock(em: Em): Promise<boolean> {
    const row = await queryOne<{ locked: boolean }>(
      em,
      sql`select pg_try_advisory_xact_lock(${REMINDER_LOCK}) as locked`,
    );
    return row?.locked === true;
  },

  /**
   * Open items of every tenant (system scope) past their due date somewhere on Earth by `today` (UTC date + 1
   * covers the zones ahead of UTC) and not reminded since `since`: candidates the calc decides on, locked.
   */
  overdueCandidates(em: Em, latestToday: string, since: string, limit: number): Promise<ActionItemRow[]> {
    return query<RawItem>(
      em,
      sql`select ${ITEM} from postmortem_action_items a join postmortems p on p.id = a.postmortem_id
          where a.status = 'open' and a.owner_id is not null and a.due_on is not null
            and a.due_on < ${latestToday}::date and (a.reminded_on is null or a.reminded_on < ${since}::date)
          order by a.reminded_on nulls first, a.due_on, a.id limit ${limit}
          for update of a skip locked`,
    ).then((rows) => rows.map(toItem));
  },

  async markReminded(em: Em, tenantId: string, id: string, on: string): Promise<void> {
    await query(
      em,
      sql`update postmortem_action_items set reminded_on = ${on}::date where tenant_id = ${tenantId} and id = ${id}`,
    );
  },
};
