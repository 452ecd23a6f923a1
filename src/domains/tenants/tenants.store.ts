import { type Em, query, queryOne, sql } from '../../db/sql.js';
import type { ApiKeyScope } from '../../shared/actor.js';
import { newId } from '../../shared/ids.js';

export interface TenantRow {
  id: string;
  slug: string;
  name: string;
  settings: Record<string, unknown>;
}

export interface KeyRow {
  id: string;
  tenant_id: string;
  name: string;
  key_hash: string;
  scopes: ApiKeyScope[];
  revoked_at: Date | null;
}

const KEY_COLUMNS = sql`id, tenant_id, name, key_hash, scopes, revoked_at`;

export const tenantsStore = {
  async findBySlug(em: Em, slug: string): Promise<TenantRow | undefined> {
    return queryOne<TenantRow>(em, sql`select id, slug, name, settings from tenants where slug = ${slug}`);
  },

  async findById(em: Em, id: string): Promise<TenantRow | undefined> {
    return queryOne<TenantRow>(em, sql`select id, slug, name, settings from tenants where id = ${id}`);
  },

  /** Creates the tenant unless one with that slug exists; returns it either way. */
  async ensure(em: Em, slug: string, name: string): Promise<TenantRow> {
    await query(
      em,
      sql`insert into tenants (id, slug, name) values (${newId()}, ${slug}, ${name}) on conflict (slug) do nothing`,
    );
    const row = await this.findBySlug(em, slug);
    if (!row) throw new Error(`tenant ${slug} could not be created`);
    return row;
  },

  /** The tenant a Slack workspace belongs to; claims the default tenant for the first workspace seen. */
  async forSlackTeam(em: Em, teamId: string, defaultSlug: string): Promise<TenantRow | undefined> {
    const linked = await queryOne<TenantRow>(
      em,
      sql`select id, slug, name, settings from tenants where slack_team_id = ${teamId}`,
    );
    if (linked) return linked;
    // "or = teamId": a concurrent first request of the same workspace linked it while this one waited for the row.
    return queryOne<TenantRow>(
      em,
      sql`update tenants set slack_team_id = ${teamId}, updated_at = now()
          where slug = ${defaultSlug} and (slack_team_id is null or slack_team_id = ${teamId})
          returning id, slug, name, settings`,
    );
  },

  async updateSettings(em: Em, tenantId: string, settings: Record<string, unknown>): Promise<void> {
    await query(
      em,
      sql`update tenants set settings = settings || ${JSON.stringify(settings)}::jsonb, updated_at = now() where id = ${tenantId}`,
    );
  },

  /** Keys of every tenant with this lookup prefix (authentication: system scope). */
  async keysByLookup(em: Em, lookup: string): Promise<KeyRow[]> {
    return query<KeyRow>(em, sql`select ${KEY_COLUMNS} from api_keys where lookup = ${lookup}`);
  },

  async keysOf(em: Em, tenantId: string): Promise<KeyRow[]> {
    return query<KeyRow>(
      em,
      sql`select ${KEY_COLUMNS} from api_keys where tenant_id = ${tenantId} order by created_at`,
    );
  },

  async insertKey(
    em: Em,
    tenantId: string,
    key: { name: string; hash: string; lookup: string; scopes: readonly ApiKeyScope[] },
  ): Promise<string> {
    const id = newId();
    await query(
      em,
      sql`insert into api_keys (id, tenant_id, name, lookup, key_hash, scopes)
          values (${id}, ${tenantId}, ${key.name}, ${key.lookup}, ${key.hash}, ${key.scopes}::text[])`,
    );
    return id;
  },

  async revokeKeysNamed(em: Em, tenantId: string, name: string, exceptHash: string): Promise<number> {
    const rows = await query<{ id: string }>(
      em,
      sql`update api_keys set revoked_at = now()
          where tenant_id = ${tenantId} and name = ${name} and key_hash <> ${exceptHash} and revoked_at is null
          returning id`,
    );
    return rows.length;
  },

  async touchKey(em: Em, tenantId: string, keyId: string): Promise<void> {
    await query(
      em,
      sql`update api_keys set last_used_at = now() where tenant_id = ${tenantId} and id = ${keyId}`,
    );
  },
};
