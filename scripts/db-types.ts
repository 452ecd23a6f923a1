// `npm run db:types`: regenerates src/db/schema.generated.ts (the `DB` interface of Kysely's builder) from a
// freshly migrated database. `npm run db:types -- --check` only compares, and exits 1 with the diff.
// The database server: DATABASE_URL, else TEST_DATABASE_URL, else an embedded PostgreSQL in a temporary folder.
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { lineDiff } from '../src/db/schema-codegen.js';
import { GENERATED_FILE, typesFromMigrations } from '../src/db/schema-types.js';

const check = process.argv.includes('--check');
let server = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL;
let stop = async () => {};
if (!server) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'opswatch-types-'));
  await chmod(dir, 0o755); // the embedded server runs as the postgres user when we are root
  const embedded = await startEmbeddedPostgres(dir);
  server = embedded.url;
  stop = async () => {
    await embedded.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
try {
  const generated = await typesFromMigrations(server);
  const file = path.resolve(import.meta.dirname, '..', GENERATED_FILE);
  const committed = await readFile(file, 'utf8').catch(() => '');
  const diff = lineDiff(committed, generated);
  if (!diff) console.log(`${GENERATED_FILE} is up to date with the migrations.`);
  else if (check) {
    console.log(
      `${GENERATED_FILE} differs from what the migrations build (run \`npm run db:types\`):\n${diff}`,
    );
    process.exitCode = 1;
  } else {
    await writeFile(file, generated);
    console.log(`${GENERATED_FILE} regenerated:\n${diff}`);
  }
} finally {
  await stop();
}
