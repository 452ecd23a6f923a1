import type { PolicyFields, PolicyRow } from './policies.store.js';
import { type PolicySnapshot, type PolicySpec, policySpecSchema } from './policy.types.js';

export interface PolicyDto extends PolicySpec {
  id: string;
  name: string;
  description: string | null;
  /** Goes up by one on every change; incidents record the version they escalate with. */
  version: number;
  /** Whether this is the tenant's default policy (for services without one). */
  isDefault: boolean;
  createdAt: string;
  updatedAt: string;
}

const iso = (d: Date | string) => new Date(d).toISOString();

export function toPolicyDto(r: PolicyRow): PolicyDto {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    ...policySpecSchema.parse(r.spec),
    version: r.version,
    isDefault: r.is_default,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

export function toSnapshot(r: PolicyRow): PolicySnapshot {
  return { policyId: r.id, name: r.name, version: r.version, spec: policySpecSchema.parse(r.spec) };
}

/** JSON with keys sorted (jsonb does not keep the order they were written in). */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>)
            .filter(([, x]) => x !== undefined && x !== null)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

/** Whether a policy would be written unchanged (then its version stays). */
export function sameFields(row: PolicyRow, f: PolicyFields): boolean {
  return (
    row.name === f.name &&
    (row.description ?? null) === f.description &&
    canonical(policySpecSchema.parse(row.spec)) === canonical(f.spec)
  );
}
