/**
 * Row-level security: a transaction in a tenant's scope sees only that tenant's rows, even from a query that
 * names no tenant; the system scope sees every tenant's. Also on a database owned by a role that is not a
 * superuser (superusers bypass row-level security, and tests otherwise connect as one).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { migrate, type Orm, openOrm } from '../src/db/orm.js';
import { query, sql } from '../src/db/sql.js';
import { type TxScope, withEm, withPgTx, withTx } from '../src/db/tx.js';
import type { NormalizedAlert } from '../src/domains/alerts/index.js';
import { listFilterSchema } from '../src/domains/incidents/index.js';
import { createServices } from '../src/main.js';
import type { Actor } from '../src/shared/actor.js';
import { ManualClock } from '../src/shared/clock.js';
import { startTestApp, type TestApp } from './harness/app.js';
import { adminQuery, withDatabase } from './harness/pg-admin.js';
import { addTenant, type TestTenant } from './harness/tenants.js';

let t: TestApp;
let a: string;
let b: TestTenant;

const send = (key: string, title: string) =>
  fetch(`${t.url}/api/v1/webhooks/generic`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ title, service: title }),
  });

beforeAll(async () => {
  t = await startTestApp();
  a = t.actor.tenantId;
  b = await addTenant(t, 'beta');
  for (const title of ['a-one', 'a-two'])
    expect((await send('test-key-0123456789abcdef', title)).status).toBe(200);
  expect((await send(b.key, 'b-one')).status).toBe(200);
});
afterAll(async () => {
  await t?.close();
});

const COUNT_ALL = sql<{
  incidents: number;
  alerts: number;
  timeline: number;
  tenants: number;
  keys: number;
}>`select (select count(*)::int from incidents) as incidents, (select count(*)::int from alerts) as alerts,
  (select count(*)::int from timeline_entries) as timeline, (select count(*)::int from tenants) as tenants,
  (select count(*)::int from api_keys) as keys`;

describe('row-level security', () => {
  it('a tenant scope sees only its own rows from queries that name no tenant; the system scope sees all', async () => {
    const counts = (scope: TxScope) => withTx(t.orm, scope, (em) => query(em, COUNT_ALL));
    expect(await counts({ tenantId: a })).toEqual([
      { incidents: 2, alerts: 2, timeline: 8, tenants: 1, keys: 1 },
    ]);
    expect(await counts({ tenantId: b.id })).toEqual([
      { incidents: 1, alerts: 1, timeline: 4, tenants: 1, keys: 1 },
    ]);
    // Each incident: created, its alert, a notice that no policy escalates it and one that no Slack channel
    // took it (this app has no Slack).
    expect(await counts('system')).toEqual([{ incidents: 3, alerts: 3, timeline: 12, tenants: 2, keys: 2 }]);
    // The same through the light transaction path (webhooks) and reads.
    expect(await withPgTx(t.orm, { tenantId: b.id }, (tx) => query(tx, COUNT_ALL))).toEqual(
      await counts({ tenantId: b.id }),
    );
    expect(await withEm(t.orm, { tenantId: a }, (em) => query(em, COUNT_ALL))).toEqual(
      await counts({ tenantId: a }),
    );
  });

  it('runs a tenant scope as opswatch_tenant; the role and the tenant end with the transaction', async () => {
    const who = sql<{ role: string; tenant: string | null }>`
      select current_user as role, nullif(current_setting('opswatch.tenant_id', true), '') as tenant`;
    for (let i = 0; i < 5; i++) {
      expect(await withTx(t.orm, { tenantId: a }, (em) => query(em, who))).toEqual([
        { role: 'opswatch_tenant', tenant: a },
      ]);
      expect(await withPgTx(t.orm, { tenantId: b.id }, (tx) => query(tx, who))).toEqual([
        { role: 'opswatch_tenant', tenant: b.id },
      ]);
      // Pooled connections come back as they were.
      const [sys] = await withEm(t.orm, 'system', (em) => query(em, who));
      expect(sys?.role).not.toBe('opswatch_tenant');
      expect(sys?.tenant).toBeNull();
      const [light] = await withPgTx(t.orm, 'system', (tx) => query(tx, who));
      expect(light?.role).not.toBe('opswatch_tenant');
    }
  });

  it('sees nothing as opswatch_tenant with no tenant set, and refuses rows written for another tenant', async () => {
    const none = await withTx(t.orm, 'system', async (em) => {
      await query(em, sql`set local role opswatch_tenant`);
      return query(em, COUNT_ALL);
    });
    expect(none).toEqual([{ incidents: 0, alerts: 0, timeline: 0, tenants: 0, keys: 0 }]);
    await expect(
      withTx(t.orm, { tenantId: a }, (em) =>
        query(
          em,
          sql`insert into users (id, tenant_id, name) values (gen_random_uuid(), ${b.id}, 'Mallory')`,
        ),
      ),
    ).rejects.toThrow(/row-level security/);
    await expect(
      withTx(t.orm, { tenantId: a }, (em) =>
        query(em, sql`update incidents set title = 'mine now' where tenant_id = ${b.id} returning id`),
      ),
    ).resolves.toEqual([]);
  });

  it('refuses a tenant-scoped query that escaped its transaction (em.fork())', async () => {
    await expect(
      withTx(t.orm, { tenantId: a }, (em) => query(em.fork(), sql`select count(*) from incidents`)),
    ).rejects.toThrow('outside its transaction');
  });
});

describe('a database owned by a role that is not a superuser', () => {
  const server = process.env.TEST_DATABASE_URL ?? '';
  const suffix = randomBytes(4).toString('hex');
  const made: { databases: string[]; roles: string[] } = { databases: [], roles: [] };
  const opened: Orm[] = [];

  /** A login role (not a superuser) owning a fresh, empty database; its URL. */
  async function ownedDatabase(role: string, memberOfTenantRole: boolean): Promise<string> {
    const password = randomBytes(8).toString('hex');
    await adminQuery(server, `create role ${role} login nosuperuser nocreaterole password '${password}'`);
    made.roles.push(role);
    // What a database administrator does once, as the migration's message asks.
    if (memberOfTenantRole) await adminQuery(server, `grant opswatch_tenant to ${role}`);
    const db = `ow_t_rls_${role}`;
    await adminQuery(server, `create database ${db} owner ${role}`);
    made.databases.push(db);
    const u = new URL(withDatabase(server, db));
    u.username = role;
    u.password = password;
    return u.toString();
  }

  afterAll(async () => {
    for (const orm of opened) await orm.close(true);
    for (const db of made.databases) await adminQuery(server, `drop database if exists ${db} with (force)`);
    for (const role of made.roles) await adminQuery(server, `drop role if exists ${role}`);
  });

  it('migrates, and keeps tenants apart while the system scope still sees every tenant', async () => {
    const orm = await openOrm({ url: await ownedDatabase(`ow_owner_${suffix}`, true), poolMax: 4 });
    opened.push(orm);
    await migrate(orm);
    const services = createServices(orm, new ManualClock('2026-03-02T09:00:00Z'));
    await services.tenants.bootstrap('owner-key-0123456789abcdef');
    const first = await services.tenants.authenticate('owner-key-0123456789abcdef');
    if (!first) throw new Error('the bootstrap key does not authenticate');
    const other = await withTx(orm, 'system', async (em) => {
      const [row] = await query<{ id: string }>(
        em,
        sql`insert into tenants (id, slug, name) values (gen_random_uuid(), 'other', 'Other') returning id`,
      );
      return row?.id ?? '';
    });
    const sender = (tenantId: string): Actor => ({ ...first, tenantId, kind: 'integration' });
    const alert = (title: string): NormalizedAlert => ({
      source: 'generic',
      action: 'firing',
      dedupKey: title,
      title,
      description: null,
      service: title,
      environment: 'production',
      severity: 3,
      labels: {},
      annotations: {},
      links: [],
      startsAt: null,
      endsAt: null,
      sourceGroupKey: null,
      raw: {},
    });
    await services.alerts.ingest(sender(first.tenantId), [alert('mine')]);
    await services.alerts.ingest(sender(other), [alert('theirs')]);
    const mine = await services.incidents.list(first, listFilterSchema.parse({}));
    expect(mine.items.map((i) => i.title)).toEqual(['mine']);
    expect(
      await withEm(orm, 'system', (em) => query(em, sql`select count(*)::int as n from incidents`)),
    ).toEqual([{ n: 2 }]);
    expect(
      await withTx(orm, { tenantId: other }, (em) => query(em, sql`select title from incidents`)),
    ).toEqual([{ title: 'theirs' }]);
  });

  it('a role that may neither create nor join opswatch_tenant is told what to ask an administrator for', async () => {
    const role = `ow_plain_${suffix}`;
    const orm = await openOrm({ url: await ownedDatabase(role, false), poolMax: 2 });
    opened.push(orm);
    await expect(migrate(orm)).rejects.toThrow(
      `CREATE ROLE opswatch_tenant NOLOGIN; GRANT opswatch_tenant TO ${role}`,
    );
  });
});
