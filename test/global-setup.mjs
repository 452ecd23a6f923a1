// Provides a real PostgreSQL for the test run: TEST_DATABASE_URL when set, else an embedded one.
// Builds one migrated template database; each test file clones it (see harness/db.ts).
import { chmod, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { tsImport } from 'tsx/esm/api';

export default async function globalSetup() {
  const { openOrm, migrate } = await tsImport('../src/db/orm.ts', import.meta.url);
  const { startEmbeddedPostgres } = await tsImport('../src/db/embedded.ts', import.meta.url);
  const { adminQuery, withDatabase } = await tsImport('./harness/pg-admin.ts', import.meta.url);
  let url = process.env.TEST_DATABASE_URL;
  if (!url) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'opswatch-test-'));
    await chmod(dir, 0o755); // the embedded server runs as the postgres user when we are root
    const db = await startEmbeddedPostgres(dir);
    globalThis.__opswatchTestDb = db;
    url = db.url;
    process.env.TEST_DATABASE_URL = url;
  }
  const template = `ow_tpl_${process.pid}_${Date.now().toString(36)}`;
  await adminQuery(url, `create database ${template}`);
  const orm = await openOrm({ url: withDatabase(url, template), poolMax: 2 });
  await migrate(orm);
  await orm.close(true);
  process.env.OPSWATCH_TEST_TEMPLATE = template;
}
