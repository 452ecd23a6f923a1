/**
 * Queries built with Kysely's typed builder (`db`, over the generated `DB` interface) run on the transaction a
 * store is given, like `sql` templates: in a tenant's scope row-level security hides other tenants' rows from a
 * query that names none, on every kind of transaction; on a light transaction a builder command travels without
 * a round trip of its own and fails the transaction when it fails. Built alone, a query cannot run at all.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { command, db, query, queryAhead, queryOne } from '../src/db/sql.js';
import { withEm, withPgTx, withTx } from '../src/db/tx.js';
import { startTestApp, type TestApp } from './harness/app.js';
import { addTenant, type TestTenant } from './harness/tenants.js';

let t: TestApp;
let a: string;
let b: TestTenant;

beforeAll(async () => {
  t = await startTestApp();
  a = t.actor.tenantId;
  b = await addTenant(t, 'beta');
});
afterAll(async () => {
  await t?.close();
});

const slugs = db.selectFrom('tenants').select('slug').orderBy('slug');

describe("Kysely's typed builder inside OpsWatch's transactions", () => {
  it("sees only the scope's tenant, from a query that names none, on withTx, withEm and withPgTx", async () => {
    const own = [{ slug: 'beta' }];
    expect(await withTx(t.orm, { tenantId: b.id }, (em) => query(em, slugs))).toEqual(own);
    expect(await withEm(t.orm, { tenantId: b.id }, (em) => query(em, slugs))).toEqual(own);
    expect(await withPgTx(t.orm, { tenantId: b.id }, (tx) => query(tx, slugs))).toEqual(own);
    const all = await withEm(t.orm, 'system', (em) => query(em, slugs));
    expect(all.map((r) => r.slug)).toEqual(['beta', 'default']);
    expect(await withPgTx(t.orm, { tenantId: a }, (tx) => query(tx, slugs))).toEqual([{ slug: 'default' }]);
  });

  it('writes through the transaction: committed with it, or not at all when it fails', async () => {
    const user = (name: string) =>
      db.insertInto('users').values({ id: crypto.randomUUID(), tenant_id: b.id, name }).returning('name');
    await withPgTx(t.orm, { tenantId: b.id }, async (tx) => {
      await command(tx, user('Kim'));
      const ahead = queryAhead(tx, db.selectFrom('users').select('name').where('name', '=', 'Kim'));
      expect(await ahead).toEqual([{ name: 'Kim' }]);
    });
    await expect(
      withPgTx(t.orm, { tenantId: b.id }, async (tx) => {
        await command(tx, user('Lee'));
        // Another tenant's row: refused by row-level security, which fails the whole transaction.
        await command(
          tx,
          db.insertInto('users').values({ id: crypto.randomUUID(), tenant_id: a, name: 'Mallory' }),
        );
      }),
    ).rejects.toThrow(/row-level security/);
    const named = db.selectFrom('users').select('name').where('name', 'in', ['Kim', 'Lee', 'Mallory']);
    expect(await withEm(t.orm, 'system', (em) => query(em, named))).toEqual([{ name: 'Kim' }]);
    // And on an ORM transaction: the row comes back typed, and rolls back with it.
    await expect(
      withTx(t.orm, { tenantId: b.id }, async (em) => {
        expect(await queryOne(em, user('Lee'))).toEqual({ name: 'Lee' });
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await withEm(t.orm, 'system', (em) => query(em, named))).toEqual([{ name: 'Kim' }]);
  });

  it('cannot run a query on its own, outside a transaction', async () => {
    await expect(slugs.execute()).rejects.toThrow(/run on a transaction/);
  });
});
