import type { Selectable } from 'kysely';
import type { DB } from '../../db/schema.generated.js';
import { command, db, type Em, query, queryOne, sql } from '../../db/sql.js';
import type { RootCause } from './knowledge.types.js';

/** An entry's row (its tsvector left out). */
export type EntryRow = Omit<Selectable<DB['kb_entries']>, 'search'>;
export type VersionRow = Selectable<DB['kb_entry_versions']>;
export type ResolutionRow = Selectable<DB['kb_resolutions']>;

/** One occurrence as the hint's query returns it (JSON). */
export interface OccurrenceJson {
  incident_id: string;
  incident_number: number;
  resolved_at: string;
  auto_resolved: boolean;
  by_name: string | null;
  slack_user_id: string | null;
  resolve_seconds: number;
  fix: string | null;
}

export interface HintRow {
  n: number;
  last: OccurrenceJson | null;
  fixed: OccurrenceJson | null;
  entry: { id: string; number: number; title: string; resolution: string } | null;
}

export interface NewResolution {
  incidentId: string;
  incidentNumber: number;
  signature: string;
  service: string;
  openedAt: string;
  resolvedAt: string;
  resolveSeconds: number;
  resolvedBy: { kind: string; id: string | null; name: string };
  autoResolved: boolean;
  fix: string | null;
  rootCause: RootCause | null;
  addToKb: boolean;
  captured: { id: string | null; name: string; at: Date } | null;
}

export interface EntryFields {
  title: string;
  symptoms: string;
  resolution: string;
  signature: string | null;
  rootCause: RootCause | null;
}

const occurrenceJson = (tenantId: string, where: ReturnType<typeof sql>) => sql<OccurrenceJson>`(
  select row_to_json(x) from (
    select o.incident_id, o.incident_number, o.resolved_at, o.auto_resolved, o.by_name, u.slack_user_id,
      o.resolve_seconds, o.fix
    from occ o left join users u on u.tenant_id = ${tenantId} and u.id::text = o.by_user_id
    where ${where}
    order by o.resolved_at desc limit 1) x)`;

export const knowledgeStore = {
  async frozenSignature(em: Em, tenantId: string, incidentId: string): Promise<string | null> {
    const row = await queryOne(
      em,
      db
        .selectFrom('kb_incident_signatures')
        .select('signature')
        .where('tenant_id', '=', tenantId)
        .where('incident_id', '=', incidentId),
    );
    return row?.signature ?? null;
  },

  /** Freezes the incident's signature (the first one written wins) and returns the one that stands. */
  async freezeSignature(
    em: Em,
    tenantId: string,
    incidentId: string,
    signature: string,
    at: Date,
  ): Promise<string> {
    const row = await queryOne(
      em,
      sql<{ signature: string }>`with ins as (
          insert into kb_incident_signatures (incident_id, tenant_id, signature, created_at)
          values (${incidentId}, ${tenantId}, ${signature}, ${at}) on conflict (incident_id) do nothing
          returning signature)
        select signature from ins
        union all select signature from kb_incident_signatures where incident_id = ${incidentId}
        limit 1`,
    );
    return row?.signature ?? signature;
  },

  /** Writes an incident's resolution; a second write (a fix told later) changes only the capture. */
  async upsertResolution(em: Em, tenantId: string, r: NewResolution): Promise<void> {
    await command(
      em,
      sql`insert into kb_resolutions (incident_id, tenant_id, incident_number, signature, service, opened_at,
            resolved_at, resolve_seconds, resolved_by_kind, resolved_by_id, resolved_by_name, auto_resolved, fix,
            root_cause, add_to_kb, captured_at, captured_by_id, captured_by_name)
          values (${r.incidentId}, ${tenantId}, ${r.incidentNumber}, ${r.signature}, ${r.service}, ${r.openedAt},
            ${r.resolvedAt}, ${r.resolveSeconds}, ${r.resolvedBy.kind}, ${r.resolvedBy.id}, ${r.resolvedBy.name},
            ${r.autoResolved}, ${r.fix}, ${r.rootCause}, ${r.addToKb}, ${r.captured?.at ?? null},
            ${r.captured?.id ?? null}, ${r.captured?.name ?? null})
          on conflict (incident_id) do update set
            fix = coalesce(excluded.fix, kb_resolutions.fix),
            root_cause = coalesce(excluded.root_cause, kb_resolutions.root_cause),
            add_to_kb = excluded.add_to_kb or kb_resolutions.add_to_kb,
            captured_at = coalesce(excluded.captured_at, kb_resolutions.captured_at),
            captured_by_id = coalesce(excluded.captured_by_id, kb_resolutions.captured_by_id),
            captured_by_name = coalesce(excluded.captured_by_name, kb_resolutions.captured_by_name)`,
    );
  },

  async setResolutionEntry(em: Em, tenantId: string, incidentId: string, entryId: string): Promise<void> {
    await command(
      em,
      db
        .updateTable('kb_resolutions')
        .set({ entry_id: entryId })
        .where('tenant_id', '=', tenantId)
        .where('incident_id', '=', incidentId),
    );
  },

  async resolution(
    em: Em,
    tenantId: string,
    ref: { id?: string; number?: number },
  ): Promise<
    | (ResolutionRow & {
        resolved_slack: string | null;
        captured_slack: string | null;
        entry_number: number | null;
      })
    | undefined
  > {
    return queryOne(
      em,
      sql<
        ResolutionRow & {
          resolved_slack: string | null;
          captured_slack: string | null;
          entry_number: number | null;
        }
      >`
        select r.*, ru.slack_user_id as resolved_slack, cu.slack_user_id as captured_slack, e.number as entry_number
        from kb_resolutions r
        left join users ru on ru.tenant_id = r.tenant_id and ru.id::text = r.resolved_by_id
          and r.resolved_by_kind = 'user'
        left join users cu on cu.tenant_id = r.tenant_id and cu.id::text = r.captured_by_id
        left join kb_entries e on e.tenant_id = r.tenant_id and e.id = r.entry_id
        where r.tenant_id = ${tenantId}
          and ${ref.id ? sql`r.incident_id::text = ${ref.id}` : sql`r.incident_number = ${ref.number ?? -1}`}`,
    );
  },

  /** The earlier occurrences of a signature (this incident left out), the latest with a fix, and its entry. */
  async hint(em: Em, tenantId: string, signature: string, incidentId: string): Promise<HintRow | undefined> {
    return queryOne(
      em,
      sql<HintRow>`with occ as (
          select r.*, coalesce(r.captured_by_name, case when r.auto_resolved then null else r.resolved_by_name end)
              as by_name,
            coalesce(r.captured_by_id, case when r.auto_resolved then null else r.resolved_by_id end) as by_user_id
          from kb_resolutions r
          where r.tenant_id = ${tenantId} and r.signature = ${signature} and r.incident_id <> ${incidentId})
        select (select count(*)::int from occ) as n,
          ${occurrenceJson(tenantId, sql`true`)} as last,
          ${occurrenceJson(tenantId, sql`o.fix is not null`)} as fixed,
          (select row_to_json(e) from (select id, number, title, resolution from kb_entries
            where tenant_id = ${tenantId} and signature = ${signature}) e) as entry`,
    );
  },

  async addAsks(em: Em, tenantId: string, incidentIds: string[], at: Date): Promise<void> {
    if (incidentIds.length === 0) return;
    await command(
      em,
      db
        .insertInto('kb_asks')
        .values(incidentIds.map((id) => ({ incident_id: id, tenant_id: tenantId, created_at: at })))
        .onConflict((oc) => oc.column('incident_id').doNothing()),
    );
  },

  /** Asks waiting, oldest first, across tenants (system scope). */
  async pendingAsks(em: Em, limit: number): Promise<{ incident_id: string; tenant_id: string }[]> {
    return query(
      em,
      db
        .selectFrom('kb_asks')
        .select(['incident_id', 'tenant_id'])
        .where('state', '=', 'pending')
        .orderBy('created_at')
        .limit(limit),
    );
  },

  /** Takes a waiting ask (false when another worker took it first). */
  async finishAsk(
    em: Em,
    tenantId: string,
    incidentId: string,
    state: 'sent' | 'skipped',
    asked: string | null,
    at: Date,
  ): Promise<boolean> {
    const row = await queryOne(
      em,
      db
        .updateTable('kb_asks')
        .set({ state, asked, done_at: at })
        .where('tenant_id', '=', tenantId)
        .where('incident_id', '=', incidentId)
        .where('state', '=', 'pending')
        .returning('incident_id'),
    );
    return row !== undefined;
  },

  async slackIdOf(em: Em, tenantId: string, userId: string): Promise<string | null> {
    const row = await queryOne(
      em,
      sql<{ slack_user_id: string | null }>`select slack_user_id from users
        where tenant_id = ${tenantId} and id::text = ${userId}`,
    );
    return row?.slack_user_id ?? null;
  },
};
