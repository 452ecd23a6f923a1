import pg from 'pg';

export default async function globalTeardown() {
  const url = process.env.TEST_DATABASE_URL;
  const template = process.env.OPSWATCH_TEST_TEMPLATE;
  if (url && template) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const prefix = template.replace('ow_tpl_', 'ow_t_');
      const { rows } = await client.query(
        'select datname from pg_database where datname = $1 or datname like $2',
        [template, `${prefix}%`],
      );
      for (const r of rows) await client.query(`drop database if exists ${r.datname} with (force)`);
    } finally {
      await client.end();
    }
  }
  await globalThis.__opswatchTestDb?.stop();
}
