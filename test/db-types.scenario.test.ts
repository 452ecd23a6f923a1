/**
 * The `DB` interface Kysely's builder checks every store query against is generated from the migrations, and
 * stays so: this test migrates an empty database, generates the interface again and compares it with the
 * committed src/db/schema.generated.ts. A migration without `npm run db:types` (or a hand edit) fails here.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { type CatalogColumn, lineDiff, renderDbInterface } from '../src/db/schema-codegen.js';
import { GENERATED_FILE, typesFromMigrations } from '../src/db/schema-types.js';
import { createTestDatabase } from './harness/db.js';

const server = process.env.TEST_DATABASE_URL ?? '';

describe('the generated DB interface', () => {
  it('is what the migrations build, column for column', async () => {
    const generated = await typesFromMigrations(server);
    const committed = await readFile(path.resolve(import.meta.dirname, '..', GENERATED_FILE), 'utf8');
    const diff = lineDiff(committed, generated);
    if (diff) {
      throw new Error(
        `${GENERATED_FILE} differs from what the migrations build. Run \`npm run db:types\` and commit the ` +
          `result (- committed, + generated):\n${diff}`,
      );
    }
    expect(generated).toContain('export interface DB {');
  });

  it('leaves out Agenda and the migration ledger, and refuses a column type it cannot map', () => {
    const col = (table: string, column: string, type: string): CatalogColumn => ({
      table,
      column,
      type,
      nullable: false,
      generated: false,
    });
    const out = renderDbInterface([
      col('agenda_jobs', 'id', 'uuid'),
      col('mikro_orm_migrations', 'id', 'int4'),
      col('things', 'id', 'uuid'),
    ]);
    expect(out).toContain('  things: Things;');
    expect(out).not.toMatch(/agenda|MikroOrm/);
    expect(() => renderDbInterface([col('things', 'at', 'tsrange')])).toThrow(/things\.at \(tsrange\)/);
  });

  it('shows a drift as the lines that differ', () => {
    const diff = lineDiff('a\nb\nc\nd\n', 'a\nb\nX\nd\n');
    expect(diff).toBe('  a\n  b\n- c\n+ X\n  d\n  ');
    expect(lineDiff('same\n', 'same\n')).toBe('');
  });

  it("cannot be bypassed by MikroORM's schema sync, which would drop every table it has no entity for", async () => {
    const tdb = await createTestDatabase();
    try {
      const tables = async () => {
        const rows = await tdb.orm.em
          .fork()
          .getConnection()
          .execute<{ n: number }[]>(`select count(*)::int as n from pg_tables where schemaname = 'public'`);
        return rows[0]?.n;
      };
      const before = await tables();
      expect(before).toBeGreaterThan(10);
      await expect(tdb.orm.schema.update()).rejects.toThrow(/schema update is refused/);
      await expect(tdb.orm.schema.getUpdateSchemaSQL()).rejects.toThrow(/refused/);
      await expect(tdb.orm.schema.drop()).rejects.toThrow(/refused/);
      await expect(tdb.orm.schema.refresh()).rejects.toThrow(/refused/);
      expect(await tables()).toBe(before);
      expect(await tdb.orm.migrator.getPending()).toEqual([]);
    } finally {
      await tdb.close();
    }
  });
});
