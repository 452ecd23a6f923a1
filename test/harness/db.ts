import { randomBytes } from 'node:crypto';
import { type Orm, openOrm } from '../../src/db/orm.js';
import { adminQuery, withDatabase } from './pg-admin.js';

export interface TestDatabase {
  url: string;
  orm: Orm;
  close(): Promise<void>;
}

/** A fresh, migrated database of its own for one test file, on the run's real PostgreSQL. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const server = process.env.TEST_DATABASE_URL;
  const template = process.env.OPSWATCH_TEST_TEMPLATE;
  if (!server || !template) throw new Error('test/global-setup.ts did not run');
  const name = `${template.replace('ow_tpl_', 'ow_t_')}_${randomBytes(4).toString('hex')}`;
  for (let attempt = 0; ; attempt++) {
    try {
      await adminQuery(server, `create database ${name} template ${template}`);
      break;
    } catch (err) {
      if (attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
    }
  }
  const url = withDatabase(server, name);
  const orm = await openOrm({ url, poolMax: 10 });
  return {
    url,
    orm,
    async close() {
      await orm.close(true);
      await adminQuery(server, `drop database if exists ${name} with (force)`);
    },
  };
}
