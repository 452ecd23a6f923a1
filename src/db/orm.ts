import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, MikroORM } from '@mikro-orm/postgresql';
import { migrationsList } from '../../migrations/index.js';
import { CONNECT_TIMEOUT_MS } from './limits.js';
import { MigrationsOnlySchema } from './migrations-only.js';
import { type ConnectionErrorReport, guardPool } from './pool-guard.js';

export type Orm = MikroORM;

export interface OrmOptions {
  url: string;
  poolMax?: number;
  debug?: boolean;
  /** Every connection error the pool sees (the process's database watch). */
  onConnectionError?: ConnectionErrorReport;
}

export function ormConfig(opts: OrmOptions) {
  return defineConfig({
    clientUrl: opts.url,
    // No entities: the schema is the migrations', and stores query through Kysely's builder over the generated
    // `DB` interface (src/db/schema.generated.ts). MigrationsOnlySchema refuses MikroORM's schema sync, which
    // would otherwise drop every table it does not know.
    entities: [],
    discovery: { warnWhenNoEntities: false },
    extensions: [Migrator, MigrationsOnlySchema],
    debug: opts.debug ?? false,
    pool: { min: 0, max: opts.poolMax ?? 20 },
    driverOptions: { connectionTimeoutMillis: CONNECT_TIMEOUT_MS },
    migrations: { migrationsList, tableName: 'mikro_orm_migrations', snapshot: false, silent: true },
    schemaGenerator: { skipTables: [/^agenda/] },
    allowGlobalContext: false,
  });
}

export async function openOrm(opts: OrmOptions): Promise<Orm> {
  const orm = await MikroORM.init(ormConfig(opts));
  guardPool(await orm.em.getConnection().getNativeClient(), opts.onConnectionError);
  return orm;
}

/** Applies pending migrations; returns the names applied. */
export async function migrate(orm: Orm): Promise<string[]> {
  const done = await orm.migrator.up();
  return done.map((m) => m.name);
}

/** True when every known migration has been applied. */
export async function isMigrated(orm: Orm): Promise<boolean> {
  const pending = await orm.migrator.getPending();
  return pending.length === 0;
}
