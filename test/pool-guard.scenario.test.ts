import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { query, sql } from '../src/db/sql.js';
import { withTx } from '../src/db/tx.js';
import { startTestApp, type TestApp } from './harness/app.js';
import { until } from './harness/wait.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ viaProxy: true });
});
afterAll(async () => {
  await t.close();
});

describe('a database outage does not leak pool connections', () => {
  it('gives back a connection that died under a transaction, so the pool recovers fully', async () => {
    const pool = await t.orm.em.getConnection().getNativeClient();
    const held = () => pool.totalCount - pool.idleCount;
    for (let round = 0; round < 3; round++) {
      await query(t.orm.em.fork(), sql`select 1`);
      expect(pool.idleCount).toBeGreaterThan(0);
      t.proxy!.cut();
      await expect(withTx(t.orm, 'system', (em) => query(em, sql`select 1`))).rejects.toMatchObject({
        code: 'unavailable',
      });
      t.proxy!.restore();
      await until('every connection back in the pool', () => held() === 0);
    }
    await expect(withTx(t.orm, 'system', (em) => query(em, sql`select 1 as ok`))).resolves.toEqual([
      { ok: 1 },
    ]);
  });
});
