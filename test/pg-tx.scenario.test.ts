import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { command, query, sql } from '../src/db/sql.js';
import { withPgTx } from '../src/db/tx.js';
import { startTestApp, type TestApp } from './harness/app.js';
import { until } from './harness/wait.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ viaProxy: true });
  await t.sql('create table pgtx_probe (k text primary key, n int not null)');
});
afterAll(async () => {
  await t.close();
});

const rows = () => t.sql<{ k: string; n: number }>('select k, n from pgtx_probe order by k');

describe('a light pg transaction (withPgTx)', () => {
  it('commits commands sent without waiting together with the statements awaited', async () => {
    const seen = await withPgTx(t.orm, 'system', async (tx) => {
      await command(tx, sql`insert into pgtx_probe values (${'a'}, ${1})`);
      await command(tx, sql`update pgtx_probe set n = n + 1 where k = ${'a'}`);
      return query<{ n: number }>(tx, sql`select n from pgtx_probe where k = ${'a'}`);
    });
    expect(seen).toEqual([{ n: 2 }]);
    expect(await rows()).toEqual([{ k: 'a', n: 2 }]);
  });

  it('fails as a whole when a command fails, storing nothing, and leaves its connection usable', async () => {
    await expect(
      withPgTx(t.orm, 'system', async (tx) => {
        await command(tx, sql`insert into pgtx_probe values (${'b'}, ${1})`);
        await command(tx, sql`insert into pgtx_probe values (${'a'}, ${9})`);
      }),
    ).rejects.toThrow(/duplicate key/);
    expect(await rows()).toEqual([{ k: 'a', n: 2 }]);
    const pool = await t.orm.em.getConnection().getNativeClient();
    for (let i = 0; i < pool.totalCount + 1; i++) {
      await expect(
        withPgTx(t.orm, 'system', (tx) => query<{ ok: number }>(tx, sql`select 1 as ok`)),
      ).resolves.toEqual([{ ok: 1 }]);
    }
    await expect(query(t.orm.em.fork(), sql`select 1 as ok`)).resolves.toEqual([{ ok: 1 }]);
  });

  it('copies rows in (COPY FROM STDIN) within the transaction, after the commands sent before it', async () => {
    const copied = await withPgTx(t.orm, 'system', async (tx) => {
      await command(tx, sql`delete from pgtx_probe where k = ${'c1'}`);
      const n = await tx.copyFrom('copy pgtx_probe (k, n) from stdin', ['c1\t1\nc2\t', '2\n']);
      await command(tx, sql`update pgtx_probe set n = n * 10 where k in (${'c1'}, ${'c2'})`);
      return n;
    });
    expect(copied).toBe(2);
    expect(await rows()).toEqual([
      { k: 'a', n: 2 },
      { k: 'c1', n: 10 },
      { k: 'c2', n: 20 },
    ]);
    await t.sql(`delete from pgtx_probe where k in ('c1', 'c2')`);
  });

  it('fails as a whole when COPY fails, storing nothing, and leaves its connection usable', async () => {
    await expect(
      withPgTx(t.orm, 'system', async (tx) => {
        await command(tx, sql`insert into pgtx_probe values (${'d'}, ${1})`);
        await tx.copyFrom('copy pgtx_probe (k, n) from stdin', ['e\t1\na\t9\n']);
      }),
    ).rejects.toThrow(/duplicate key/);
    await expect(
      withPgTx(t.orm, 'system', (tx) =>
        tx.copyFrom('copy pgtx_probe (k, n) from stdin', ['f\tnot a number\n']),
      ),
    ).rejects.toThrow(/invalid input syntax/);
    expect(await rows()).toEqual([{ k: 'a', n: 2 }]);
    const pool = await t.orm.em.getConnection().getNativeClient();
    for (let i = 0; i < pool.totalCount + 1; i++) {
      await expect(
        withPgTx(t.orm, 'system', async (tx) => {
          await command(tx, sql`select 1`);
          return query<{ ok: number }>(tx, sql`select 1 as ok`);
        }),
      ).resolves.toEqual([{ ok: 1 }]);
    }
  });

  it('prepares a statement again when a schema change altered its result', async () => {
    const all = () =>
      withPgTx(t.orm, 'system', (tx) => query<Record<string, unknown>>(tx, sql`select * from pgtx_probe`));
    const pool = await t.orm.em.getConnection().getNativeClient();
    for (let i = 0; i < pool.totalCount + 1; i++) await all();
    await t.sql('alter table pgtx_probe add column note text');
    for (let i = 0; i < pool.totalCount + 1; i++)
      await expect(all()).resolves.toEqual([{ k: 'a', n: 2, note: null }]);
  });

  it('answers unavailable during an outage and gives every connection back', async () => {
    const pool = await t.orm.em.getConnection().getNativeClient();
    t.proxy!.cut();
    await expect(
      withPgTx(t.orm, 'system', async (tx) => {
        await command(tx, sql`insert into pgtx_probe values (${'c'}, ${1})`);
        return query(tx, sql`select 1`);
      }),
    ).rejects.toMatchObject({ code: 'unavailable' });
    t.proxy!.restore();
    await until('every connection back in the pool', () => pool.totalCount - pool.idleCount === 0);
    await expect(withPgTx(t.orm, 'system', (tx) => query(tx, sql`select 1 as ok`))).resolves.toEqual([
      { ok: 1 },
    ]);
    expect((await rows()).map((r) => r.k)).toEqual(['a']);
  });
});
