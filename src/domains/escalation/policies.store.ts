import type { RawBuilder } from 'kysely';
import { type Em, query, queryOne, sql } from '../../db/sql.js';
import { newId } from '../../shared/ids.js';
import type { PolicySpec } from './policy.types.js';

export interface PolicyRow {
  id: string;
  name: string;
  description: string | null;
  spec: PolicySpec;
  version: number;
  is_default: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface PolicyFields {
  name: string;
  description: string | null;
  spec: PolicySpec;
}

const COLUMNS = sql`id, name, description, spec, version, is_default, created_at, updated_at`;

/** The policy in force (see `inForce`), as a statement another may embed (a lateral subquery per row). */
export function inForceQuery(tenantId: string, preferred: RawBuilder<string | null>): RawBuilder<PolicyRow> {
  return sql<PolicyRow>`select ${COLUMNS} from escalation_policies
          where tenant_id = ${tenantId} and (id = ${preferred} or is_default)
          order by is_default limit 1`;
}

export const policiesStore = {
  list(em: Em, tenantId: string): Promise<PolicyRow[]> {
    return query<PolicyRow>(
      em,
      sql`select ${COLUMNS} from escalation_policies where tenant_id = ${tenantId} order by name`,
    );
  },

  byId(em: Em, tenantId: string, id: string): Promise<PolicyRow | undefined> {
    return queryOne<PolicyRow>(
      em,
      sql`select ${COLUMNS} from escalation_policies where tenant_id = ${tenantId} and id = ${id}`,
    );
  },

  byName(em: Em, tenantId: string, name: string): Promise<PolicyRow | undefined> {
    return queryOne<PolicyRow>(
      em,
      sql`select ${COLUMNS} from escalation_policies where tenant_id = ${tenantId} and lower(name) = lower(${name})`,
    );
  },

  /** Inserts a policy at version 1; undefined when the name is taken. */
  insert(em: Em, tenantId: string, f: PolicyFields, at: Date): Promise<PolicyRow | undefined> {
    return queryOne<PolicyRow>(
      em,
      sql`insert into escalation_policies (id, tenant_id, name, description, spec, version, created_at, updated_at)
          values (${newId()}, ${tenantId}, ${f.name}, ${f.description}, ${JSON.stringify(f.spec)}::jsonb, 1, ${at},
            ${at})
          on conflict (tenant_id, name) do nothing returning ${COLUMNS}`,
    );
  },

  /** Replaces a policy and bumps its version; undefined when it does not exist. */
  update(em: Em, tenantId: string, id: string, f: PolicyFields, at: Date): Promise<PolicyRow | undefined> {
    return queryOne<PolicyRow>(
      em,
      sql`update escalation_policies set name = ${f.name}, description = ${f.description},
            spec = ${JSON.stringify(f.spec)}::jsonb, version = version + 1, updated_at = ${at}
          where tenant_id = ${tenantId} and id = ${id} returning ${COLUMNS}`,
    );
  },

  async remove(em: Em, tenantId: string, id: string): Promise<boolean> {
    const rows = await query<{ id: string }>(
      em,
      sql`delete from escalation_policies where tenant_id = ${tenantId} and id = ${id} returning id`,
    );
    return rows.length > 0;
  },

  /** Makes `id` the tenant's default policy (null: none). */
  async setDefault(em: Em, tenantId: string, id: string | null): Promise<void> {
    await query(
      em,
      sql`update escalation_policies set is_default = false
          where tenant_id = ${tenantId} and is_default and id is distinct from ${id}`,
    );
    if (id)
      await query(
        em,
        sql`update escalation_policies set is_default = true where tenant_id = ${tenantId} and id = ${id}`,
      );
  },

  async defaultId(em: Em, tenantId: string): Promise<string | null> {
    const row = await queryOne<{ id: string }>(
      em,
      sql`select id from escalation_policies where tenant_id = ${tenantId} and is_default`,
    );
    return row?.id ?? null;
  },

  /** Names of the policies with a step targeting this user or schedule (directly or as `manager_of`). */
  async using(em: Em, tenantId: string, ref: { kind: 'user' | 'schedule'; id: string }): Promise<string[]> {
    const rows = await query<{ name: string }>(
      em,
      sql`select p.name from escalation_policies p
          where p.tenant_id = ${tenantId} and exists (
            select 1 from jsonb_array_elements(p.spec->'steps') s, jsonb_array_elements(s->'targets') t
            where t->>'id' = ${ref.id}
              and (t->>'type' = ${ref.kind} or (t->>'type' = 'manager_of' and t->>'of' = ${ref.kind})))
          order by p.name`,
    );
    return rows.map((r) => r.name);
  },

  /**
   * The policy in force, in one statement: the one `preferred` names (a scalar subquery another domain gives,
   * e.g. a service's policy id) when there is one, else the tenant's default; undefined when neither.
   */
  inForce(em: Em, tenantId: string, preferred: RawBuilder<string | null>): Promise<PolicyRow | undefined> {
    return queryOne<PolicyRow>(em, inForceQuery(tenantId, preferred));
  },
};
