import { command, db, type Em, query, queryOne, sql } from '../../db/sql.js';
import type { Actor } from '../../shared/actor.js';
import type { EntryFields, EntryRow, VersionRow } from './knowledge.store.js';

const ENTRY_COLUMNS = [
  'id',
  'tenant_id',
  'number',
  'title',
  'symptoms',
  'resolution',
  'signature',
  'root_cause',
  'occurrences',
  'last_seen_at',
  'resolve_seconds_total',
  'resolve_count',
  'version',
  'created_at',
  'updated_at',
] as const;

const selectEntries = () => db.selectFrom('kb_entries').select(ENTRY_COLUMNS);

/** Knowledge base entries: their rows, versions, linked incidents and search. */
export const entriesStore = {
  async lockEntryBySignature(em: Em, tenantId: string, signature: string): Promise<EntryRow | undefined> {
    return queryOne(
      em,
      selectEntries().where('tenant_id', '=', tenantId).where('signature', '=', signature).forUpdate(),
    );
  },

  async entry(
    em: Em,
    tenantId: string,
    ref: { id?: string; number?: number },
    lock = false,
  ): Promise<EntryRow | undefined> {
    let q = selectEntries().where('tenant_id', '=', tenantId);
    q = ref.id ? q.where(sql<boolean>`id::text = ${ref.id}`) : q.where('number', '=', ref.number ?? -1);
    return queryOne(em, lock ? q.forUpdate() : q);
  },

  async entryBySignature(em: Em, tenantId: string, signature: string): Promise<EntryRow | undefined> {
    return queryOne(em, selectEntries().where('tenant_id', '=', tenantId).where('signature', '=', signature));
  },

  async list(em: Em, tenantId: string, limit: number, offset: number): Promise<EntryRow[]> {
    return query(
      em,
      selectEntries()
        .where('tenant_id', '=', tenantId)
        .orderBy(sql`last_seen_at desc nulls last`)
        .orderBy('number', 'desc')
        .limit(limit)
        .offset(offset),
    );
  },

  async linked(
    em: Em,
    tenantId: string,
    entryIds: string[],
  ): Promise<{ entry_id: string; incident_id: string; incident_number: number }[]> {
    if (entryIds.length === 0) return [];
    return query(
      em,
      db
        .selectFrom('kb_entry_incidents')
        .select(['entry_id', 'incident_id', 'incident_number'])
        .where('tenant_id', '=', tenantId)
        .where('entry_id', 'in', entryIds)
        .orderBy('incident_number', 'desc'),
    );
  },

  /** The tenant's next entry number, under a lock held until the transaction ends. */
  async nextNumber(em: Em, tenantId: string): Promise<number> {
    await query(em, sql`select pg_advisory_xact_lock(hashtext('kb_entries:' || ${tenantId}))`);
    const row = await queryOne(
      em,
      sql<{
        n: number;
      }>`select coalesce(max(number), 0)::int + 1 as n from kb_entries where tenant_id = ${tenantId}`,
    );
    return row?.n ?? 1;
  },

  async insertEntry(em: Em, tenantId: string, id: string, number: number, f: EntryFields, at: Date) {
    await command(
      em,
      db.insertInto('kb_entries').values({
        id,
        tenant_id: tenantId,
        number,
        title: f.title,
        symptoms: f.symptoms,
        resolution: f.resolution,
        signature: f.signature,
        root_cause: f.rootCause,
        created_at: at,
        updated_at: at,
      }),
    );
  },

  async updateEntry(em: Em, tenantId: string, id: string, f: EntryFields, at: Date): Promise<void> {
    await command(
      em,
      db
        .updateTable('kb_entries')
        .set((eb) => ({
          title: f.title,
          symptoms: f.symptoms,
          resolution: f.resolution,
          signature: f.signature,
          root_cause: f.rootCause,
          version: eb('version', '+', 1),
          updated_at: at,
        }))
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id),
    );
  },

  /** Keeps the entry as it now stands as its latest version, by `actor`. */
  async snapshot(em: Em, tenantId: string, id: string, actor: Actor, at: Date): Promise<void> {
    await command(
      em,
      sql`insert into kb_entry_versions (tenant_id, entry_id, version, title, symptoms, resolution, signature,
            root_cause, actor_kind, actor_id, actor_name, created_at)
          select tenant_id, id, version, title, symptoms, resolution, signature, root_cause, ${actor.kind},
            ${actor.id}, ${actor.name}, ${at}
          from kb_entries where tenant_id = ${tenantId} and id = ${id}`,
    );
  },

  async versions(em: Em, tenantId: string, entryId: string): Promise<VersionRow[]> {
    return query(
      em,
      db
        .selectFrom('kb_entry_versions')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('entry_id', '=', entryId)
        .orderBy('version', 'desc'),
    );
  },

  async link(
    em: Em,
    tenantId: string,
    entryId: string,
    incidents: { id: string; number: number }[],
    at: Date,
  ): Promise<void> {
    if (incidents.length === 0) return;
    await command(
      em,
      db
        .insertInto('kb_entry_incidents')
        .values(
          incidents.map((i) => ({
            tenant_id: tenantId,
            entry_id: entryId,
            incident_id: i.id,
            incident_number: i.number,
            linked_at: at,
          })),
        )
        .onConflict((oc) => oc.columns(['entry_id', 'incident_id']).doNothing()),
    );
  },

  /**
   * Brings the entry of `signature` up to date with the resolutions of its incidents: each is linked, and its
   * occurrences, last seen and time-to-resolve sums are theirs.
   */
  async refreshSignature(em: Em, tenantId: string, signature: string, at: Date): Promise<void> {
    await command(
      em,
      sql`with e as (select id from kb_entries where tenant_id = ${tenantId} and signature = ${signature}),
          linked as (
            insert into kb_entry_incidents (tenant_id, entry_id, incident_id, incident_number, linked_at)
            select ${tenantId}, e.id, r.incident_id, r.incident_number, ${at}
            from e, kb_resolutions r where r.tenant_id = ${tenantId} and r.signature = ${signature}
            on conflict do nothing)
          update kb_entries k set occurrences = s.n, last_seen_at = s.last, resolve_seconds_total = s.total,
            resolve_count = s.n
          from (select count(*)::int as n, max(resolved_at) as last, coalesce(sum(resolve_seconds), 0) as total
                from kb_resolutions where tenant_id = ${tenantId} and signature = ${signature}) s
          where k.tenant_id = ${tenantId} and k.signature = ${signature}`,
    );
  },

  async search(
    em: Em,
    tenantId: string,
    q: string,
    limit: number,
  ): Promise<(EntryRow & { rank: number; snippet: string })[]> {
    return query(
      em,
      sql<EntryRow & { rank: number; snippet: string }>`
        with q as (select websearch_to_tsquery('english', ${q}) as query, phraseto_tsquery('english', ${q}) as phrase)
        select e.id, e.tenant_id, e.number, e.title, e.symptoms, e.resolution, e.signature, e.root_cause,
          e.occurrences, e.last_seen_at, e.resolve_seconds_total, e.resolve_count, e.version, e.created_at,
          e.updated_at,
          (ts_rank_cd(e.search, q.query, 32)
            + case when numnode(q.phrase) > 1 and e.search @@ q.phrase then 1 else 0 end)::float8 as rank,
          ts_headline('english', e.title || ' — ' || e.symptoms || ' — ' || e.resolution, q.query,
            'StartSel=<b>, StopSel=</b>, MaxWords=35, MinWords=12, MaxFragments=2') as snippet
        from kb_entries e, q
        where e.tenant_id = ${tenantId} and numnode(q.query) > 0 and e.search @@ q.query
        order by rank desc, e.last_seen_at desc nulls last, e.number desc
        limit ${limit}`,
    );
  },
};
