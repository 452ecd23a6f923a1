/** A second tenant, and API keys and people of given roles, for the isolation and permission scenarios. */
import { randomUUID } from 'node:crypto';
import { generateApiKey, hashApiKey, lookupOf } from '../../src/domains/tenants/apikey.calc.js';
import type { ApiKeyScope, UserRole } from '../../src/shared/actor.js';
import type { TestApp } from './app.js';

export interface TestTenant {
  id: string;
  /** An API key of the tenant with the scopes asked for (admin by default). */
  key: string;
}

/**
 * Adds a tenant with an API key, straight into the database (OpsWatch has no surface for creating tenants yet),
 * optionally linked to a Slack workspace.
 */
export async function addTenant(
  t: TestApp,
  slug: string,
  opts: { slackTeamId?: string; scopes?: ApiKeyScope[] } = {},
): Promise<TestTenant> {
  const id = randomUUID();
  await t.sql('insert into tenants (id, slug, name, slack_team_id) values (?, ?, ?, ?)', [
    id,
    slug,
    slug,
    opts.slackTeamId ?? null,
  ]);
  return { id, key: await addKey(t, id, opts.scopes ?? ['admin']) };
}

/** Another API key of a tenant, with these scopes. */
export async function addKey(t: TestApp, tenantId: string, scopes: ApiKeyScope[]): Promise<string> {
  const key = generateApiKey();
  const hash = hashApiKey(key);
  await t.sql(
    'insert into api_keys (id, tenant_id, name, lookup, key_hash, scopes) values (?, ?, ?, ?, ?, ?::text[])',
    [randomUUID(), tenantId, `test ${scopes.join('+')}`, lookupOf(hash), hash, `{${scopes.join(',')}}`],
  );
  return key;
}

/** A person of the tenant with a role and, optionally, a Slack id; their user id. */
export async function addPerson(
  t: TestApp,
  tenantId: string,
  p: { name: string; role: UserRole; slackUserId?: string; email?: string },
): Promise<string> {
  const id = randomUUID();
  await t.sql(
    'insert into users (id, tenant_id, name, email, slack_user_id, time_zone, role) values (?, ?, ?, ?, ?, ?, ?)',
    [id, tenantId, p.name, p.email ?? null, p.slackUserId ?? null, 'Europe/London', p.role],
  );
  return id;
}
