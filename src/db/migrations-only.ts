import type { MikroORM } from '@mikro-orm/core';
import { type SqlEntityManager, SqlSchemaGenerator } from '@mikro-orm/postgresql';

const refused = (what: string) =>
  new Error(
    `${what} is refused: OpsWatch's schema is its migrations (migrations/, \`opswatch migrate\`). MikroORM has no ` +
      'entities here, so its schema generator would drop every table it does not know — that is all of them.',
  );

/**
 * MikroORM's schema generator with everything that derives a schema from entities turned off. OpsWatch has no
 * entities (stores use Kysely's builder over the generated `DB` interface), so `orm.schema.update()` would
 * compute "drop every table"; here it, and create/drop/refresh/clear and their SQL previews, throw instead.
 * What the migrator needs of the generator (making sure the database exists) still works.
 */
export class MigrationsOnlySchema extends SqlSchemaGenerator {
  static override register(orm: MikroORM): void {
    orm.config.registerExtension(
      '@mikro-orm/schema-generator',
      () => new MigrationsOnlySchema(orm.em as SqlEntityManager),
    );
  }

  override async create(): Promise<void> {
    throw refused('A schema create');
  }
  override async getCreateSchemaSQL(): Promise<string> {
    throw refused('A schema create');
  }
  override async update(): Promise<void> {
    throw refused('A schema update');
  }
  override async getUpdateSchemaSQL(): Promise<string> {
    throw refused('A schema update');
  }
  override async getUpdateSchemaMigrationSQL(): Promise<{ up: string; down: string }> {
    throw refused('A schema diff');
  }
  override async drop(): Promise<void> {
    throw refused('A schema drop');
  }
  override async getDropSchemaSQL(): Promise<string> {
    throw refused('A schema drop');
  }
  override async refresh(): Promise<void> {
    throw refused('A schema refresh');
  }
  override async clear(): Promise<void> {
    throw refused('A schema clear');
  }
}
