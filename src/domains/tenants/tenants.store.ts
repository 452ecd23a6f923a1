import type { JsonObject } from '../../db/schema.generated.js';
import { db, type Em, jsonb, now, query, queryOne, type RowOf, sql } from '../../db/sql.js';
import type { ApiKeyScope } from '../../shared/actor.js';
import { newId } from '../../shared/ids.js';

const TENANT_COLUMNS = ['id', 'slug', 'name', 'settings'] as const;
const KEY_COLUMNS = ['id', 'tenant_id', 'name', 'key_hash', 'scopes', 'revoked_at'] as const;

/** Settings are a JSON object (written only by merging objects into '{}'). */
type TenantNarrowing = { settings: JsonObject };
/** Scopes are API_KEY_SCOPES (the service writes no other). */
type KeyNarrowing = { scopes: ApiKeyScope[] };

const selectTenants = () => db.selectFrom('tenants').select(TENANT_COLUMNS).$narrowType<TenantNarrowing>();
const selectKeys = () => db.selectFrom('api_keys').select(KEY_COLUMNS).$narrowType<KeyNarrowing>();

export type TenantRow = RowOf<ReturnType<typeof selectTenants>>;
export type KeyRow = RowOf<ReturnType<typeof selectKeys>>;

export const tenantsStore = {
  async findBySlug(em: Em, slug: string): Promise<TenantRow | undefined> {
    return queryOne(em, selectTenants().where('slug', '=', slug));
  },

  async findById(em: Em, id: string): Promise<TenantRow | undefined> {
    return queryOne(em, selectTenants().where('id', '=', id));
  },

  /** Creates the tenant unless one with that slug exists; returns it either way. */
  async ensure(em: Em, slug: string, name: string): Promise<TenantRow> {
    await query(
      em,
      db
        .insertInto('tenants')
        .values({ id: newId(), slug, name })
        .onConflict((oc) => oc.column('slug').doNothing()),
    );
    const row = await this.findBySlug(em, slug);
    if (!row) throw new Error(`tenant ${slug} could not be created`);
    return row;
  },

  /** The tenant a Slack workspace belongs to; claims the default tenant for the first workspace seen. */
  async forSlackTeam(em: Em, teamId: string, defaultSlug: string): Promise<TenantRow | undefined> {
    const linked = await queryOne(em, selectTenants().where('slack_team_id', '=', teamId));
    if (linked) return linked;
    // "or = teamId": a concurrent first request of the same workspace linked it while this one waited for the row.
    return queryOne(
      em,
      db
        .updateTable('tenants')
        .set({ slack_team_id: teamId, updated_at: now() })
        .where('slug', '=', defaultSlug)
        .where((eb) => eb.or([eb('slack_team_id', 'is', null), eb('slack_team_id', '=', teamId)]))
        .returning(TENANT_COLUMNS)
        .$narrowType<TenantNarrowing>(),
    );
  },

  async updateSettings(em: Em, tenantId: string, settings: Record<string, unknown>): Promise<void> {
    await query(
      em,
      db
        .updateTable('tenants')
        .set({ settings: sql<string>`settings || ${jsonb(settings)}`, updated_at: now() })
        .where('id', '=', tenantId),
    );
  },

  /** Keys of every tenant with this lookup prefix (authentication: system scope). */
  async keysByLookup(em: Em, lookup: string): Promise<KeyRow[]> {
    return query(em, selectKeys().where('lookup', '=', lookup));
  },

  async keysOf(em: Em, tenantId: string): Promise<KeyRow[]> {
    return query(em, selectKeys().where('tenant_id', '=', tenantId).orderBy('created_at'));
  },

  async insertKey(
    em: Em,
    tenantId: string,
    key: { name: string; hash: string; lookup: string; scopes: readonly ApiKeyScope[] },
  ): Promise<string> {
    const id = newId();
    await query(
      em,
      db.insertInto('api_keys').values({
        id,
        tenant_id: tenantId,
        name: key.name,
        lookup: key.lookup,
        key_hash: key.hash,
        scopes: [...key.scopes],
      }),
    );
    return id;
  },

  async revokeKeysNamed(em: Em, tenantId: string, name: string, exceptHash: string): Promise<number> {
    const rows = await query(
      em,
      db
        .updateTable('api_keys')
        .set({ revoked_at: now() })
        .where('tenant_id', '=', tenantId)
        .where('name', '=', name)
        .where('key_hash', '<>', exceptHash)
        .where('revoked_at', 'is', null)
        .returning('id'),
    );
    return rows.length;
  },

  async touchKey(em: Em, tenantId: string, keyId: string): Promise<void> {
    await query(
      em,
      db
        .updateTable('api_keys')
        .set({ last_used_at: now() })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', keyId),
    );
  },
};
