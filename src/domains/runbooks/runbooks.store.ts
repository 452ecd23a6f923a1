import { command, db, type Em, jsonb, query, queryOne, sql } from '../../db/sql.js';
import type { Actor } from '../../shared/actor.js';
import type { Matcher } from '../silences/index.js';
import type { RunbookAction } from './actions.types.js';
import type { AttachAlert, AttachReason } from './attach.calc.js';
import type { RunbookContent } from './runbooks.types.js';

const CONTENT = ['name', 'slug', 'owner', 'service', 'url', 'matchers', 'markdown', 'actions'] as const;
const RUNBOOK = ['id', 'tenant_id', ...CONTENT, 'version', 'created_at', 'updated_at', 'deleted_at'] as const;
const VERSION = [
  'runbook_id',
  'version',
  ...CONTENT,
  'actor_kind',
  'actor_id',
  'actor_name',
  'created_at',
] as const;

export interface RunbookRow {
  id: string;
  tenant_id: string;
  name: string;
  slug: string;
  owner: string;
  service: string | null;
  url: string | null;
  matchers: Matcher[];
  markdown: string;
  actions: RunbookAction[];
  version: number;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

export interface VersionRow extends Omit<RunbookRow, 'id' | 'tenant_id' | 'updated_at' | 'deleted_at'> {
  runbook_id: string;
  actor_kind: string;
  actor_id: string | null;
  actor_name: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const contentValues = (c: RunbookContent) => ({
  name: c.name,
  slug: c.slug,
  owner: c.owner,
  service: c.service,
  url: c.url,
  matchers: jsonb(c.matchers),
  markdown: c.markdown,
  actions: jsonb(c.actions),
});

/** The runbooks domain's tables: runbooks, their versions, attachments to incidents, and the attach scans. */
export const runbooksStore = {
  /** A runbook not deleted, by id or slug. */
  async get(em: Em, tenantId: string, ref: string, lock = false): Promise<RunbookRow | undefined> {
    let q = db
      .selectFrom('runbooks')
      .select(RUNBOOK)
      .where('tenant_id', '=', tenantId)
      .where('deleted_at', 'is', null);
    q = UUID.test(ref) ? q.where('id', '=', ref) : q.where('slug', '=', ref.toLowerCase());
    return queryOne(em, (lock ? q.forUpdate() : q).$castTo<RunbookRow>());
  },

  async list(em: Em, tenantId: string, service?: string): Promise<RunbookRow[]> {
    let q = db
      .selectFrom('runbooks')
      .select(RUNBOOK)
      .where('tenant_id', '=', tenantId)
      .where('deleted_at', 'is', null);
    if (service) q = q.where('service', '=', service);
    return query(em, q.orderBy('name').orderBy('slug').limit(500).$castTo<RunbookRow>());
  },

  async insert(em: Em, tenantId: string, id: string, c: RunbookContent, at: Date): Promise<void> {
    await command(
      em,
      db
        .insertInto('runbooks')
        .values({ id, tenant_id: tenantId, ...contentValues(c), created_at: at, updated_at: at }),
    );
  },

  async update(em: Em, tenantId: string, id: string, c: RunbookContent, version: number, at: Date) {
    await command(
      em,
      db
        .updateTable('runbooks')
        .set({ ...contentValues(c), version, updated_at: at })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id),
    );
  },

  async softDelete(em: Em, tenantId: string, id: string, at: Date): Promise<void> {
    await command(
      em,
      db
        .updateTable('runbooks')
        .set({ deleted_at: at, updated_at: at })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id),
    );
  },

  async insertVersion(
    em: Em,
    tenantId: string,
    runbookId: string,
    version: number,
    c: RunbookContent,
    actor: Actor,
    at: Date,
  ): Promise<void> {
    await command(
      em,
      db.insertInto('runbook_versions').values({
        tenant_id: tenantId,
        runbook_id: runbookId,
        version,
        ...contentValues(c),
        actor_kind: actor.kind,
        actor_id: actor.id,
        actor_name: actor.name,
        created_at: at,
      }),
    );
  },

  async versions(em: Em, tenantId: string, runbookId: string): Promise<VersionRow[]> {
    return query(
      em,
      db
        .selectFrom('runbook_versions')
        .select(VERSION)
        .where('tenant_id', '=', tenantId)
        .where('runbook_id', '=', runbookId)
        .orderBy('version', 'desc')
        .$castTo<VersionRow>(),
    );
  },

  /** One version of a runbook (a deleted runbook's too: attachments keep their version). */
  async version(
    em: Em,
    tenantId: string,
    runbookId: string,
    version: number,
  ): Promise<VersionRow | undefined> {
    if (!UUID.test(runbookId)) return undefined;
    return queryOne(
      em,
      db
        .selectFrom('runbook_versions')
        .select(VERSION)
        .where('tenant_id', '=', tenantId)
        .where('runbook_id', '=', runbookId)
        .where('version', '=', version)
        .$castTo<VersionRow>(),
    );
  },

  async attachedTo(
    em: Em,
    tenantId: string,
    incidentId: string,
  ): Promise<(VersionRow & { reason: AttachReason; attached_at: Date })[]> {
    if (!UUID.test(incidentId)) return [];
    return query(
      em,
      sql<VersionRow & { reason: AttachReason; attached_at: Date }>`
        select v.runbook_id, v.version, v.name, v.slug, v.owner, v.service, v.url, v.matchers, v.markdown,
          v.actions, v.actor_kind, v.actor_id, v.actor_name, v.created_at, a.reason, a.attached_at
        from runbook_attachments a
        join runbook_versions v on v.runbook_id = a.runbook_id and v.version = a.version
        where a.tenant_id = ${tenantId} and a.incident_id = ${incidentId}
        order by a.attached_at, v.name`,
    );
  },

  /**
   * Open incidents (of every tenant) whose alerts were not all looked at yet: none looked at, or alerts joined
   * since. Oldest first, at most `limit`.
   */
  async pendingScans(
    em: Em,
    limit: number,
  ): Promise<
    { id: string; tenant_id: string; title: string; service: string; environment: string; n: number }[]
  > {
    return query(
      em,
      sql<{ id: string; tenant_id: string; title: string; service: string; environment: string; n: number }>`
        select i.id, i.tenant_id, i.title, i.service, i.environment, c.n
        from incidents i
        cross join lateral (select count(*)::int as n from alerts a where a.incident_id = i.id) c
        left join runbook_attach_scans s on s.incident_id = i.id
        where i.status <> 'resolved' and i.test_of is null and i.merged_into is null
          and c.n > coalesce(s.alerts_seen, -1)
        order by i.created_at
        limit ${limit}`,
    );
  },

  /** The alerts of these incidents (at most 200 each, latest first), as matching reads them. */
  async alertsOf(em: Em, tenantId: string, incidentIds: readonly string[]) {
    if (incidentIds.length === 0) return [];
    return query(
      em,
      sql<AttachAlert & { incident_id: string }>`
        select x.incident_id, x.title, x.service, x.environment, x.labels, x.annotations
        from unnest(${incidentIds}::uuid[]) as ids(id)
        cross join lateral (
          select a.incident_id, a.title, a.service, a.environment, a.labels, a.annotations from alerts a
          where a.tenant_id = ${tenantId} and a.incident_id = ids.id order by a.created_at desc limit 200
        ) x`,
    );
  },

  /** Inserts the attachments not made yet; returns those this call made (the others exist already). */
  async attach(
    em: Em,
    tenantId: string,
    rows: readonly { incidentId: string; runbookId: string; version: number; reason: AttachReason }[],
    at: Date,
  ): Promise<{ incident_id: string; runbook_id: string }[]> {
    if (rows.length === 0) return [];
    return query(
      em,
      db
        .insertInto('runbook_attachments')
        .values(
          rows.map((r) => ({
            tenant_id: tenantId,
            incident_id: r.incidentId,
            runbook_id: r.runbookId,
            version: r.version,
            reason: r.reason,
            attached_at: at,
          })),
        )
        .onConflict((oc) => oc.columns(['incident_id', 'runbook_id']).doNothing())
        .returning(['incident_id', 'runbook_id']),
    );
  },

  async markScanned(
    em: Em,
    tenantId: string,
    scans: readonly { incidentId: string; alerts: number }[],
    at: Date,
  ): Promise<void> {
    if (scans.length === 0) return;
    await command(
      em,
      db
        .insertInto('runbook_attach_scans')
        .values(
          scans.map((s) => ({
            incident_id: s.incidentId,
            tenant_id: tenantId,
            alerts_seen: s.alerts,
            scanned_at: at,
          })),
        )
        .onConflict((oc) =>
          oc.column('incident_id').doUpdateSet((eb) => ({
            alerts_seen: sql<number>`greatest(${eb.ref('runbook_attach_scans.alerts_seen')}, ${eb.ref('excluded.alerts_seen')})`,
            scanned_at: eb.ref('excluded.scanned_at'),
          })),
        ),
    );
  },

  /** Takes the tenant's attach lock for this transaction (false: another worker holds it). */
  async tryAttachLock(em: Em, tenantId: string): Promise<boolean> {
    const row = await queryOne(
      em,
      sql<{
        ok: boolean;
      }>`select pg_try_advisory_xact_lock(hashtext('runbooks.attach:' || ${tenantId})) as ok`,
    );
    return row?.ok === true;
  },
};
