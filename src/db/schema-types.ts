import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate, openOrm } from './orm.js';
import { readCatalog, renderDbInterface } from './schema-codegen.js';

/** Where the generated `DB` interface lives, from the repository's root. */
export const GENERATED_FILE = 'src/db/schema.generated.ts';

async function admin(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * The `DB` interface of what the migrations build: creates an empty database on the server `serverUrl` points
 * at, applies every migration, reads its catalogue, renders the interface, and drops the database again.
 */
export async function typesFromMigrations(serverUrl: string): Promise<string> {
  const name = `ow_types_${randomBytes(4).toString('hex')}`;
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await admin(serverUrl, `create database ${name}`);
  try {
    const orm = await openOrm({ url: url.toString(), poolMax: 2 });
    try {
      await migrate(orm);
    } finally {
      await orm.close(true);
    }
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      return renderDbInterface(await readCatalog(client));
    } finally {
      await client.end();
    }
  } finally {
    await admin(serverUrl, `drop database if exists ${name} with (force)`);
  }
}
