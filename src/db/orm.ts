import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, MikroORM } from '@mikro-orm/postgresql';
import { migrationsList } from '../../migrations/index.js';
import { AlertSchema } from '../domains/alerts/alert.entity.js';
import { AuditEventSchema } from '../domains/audit/audit.entity.js';
import { IncidentSchema, TimelineEntrySchema } from '../domains/incidents/incident.entity.js';
import {
  OutboxEntrySchema,
  SlackHomeUserSchema,
  SlackMessageSchema,
} from '../domains/notify/outbox.entity.js';
import { ApiKeySchema, TenantSchema, UserSchema } from '../domains/tenants/tenant.entity.js';
import { CONNECT_TIMEOUT_MS } from './limits.js';
import { type ConnectionErrorReport, guardPool } from './pool-guard.js';

export const entities = [
  TenantSchema,
  ApiKeySchema,
  UserSchema,
  IncidentSchema,
  TimelineEntrySchema,
  AlertSchema,
  AuditEventSchema,
  OutboxEntrySchema,
  SlackMessageSchema,
  SlackHomeUserSchema,
];

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
    entities,
    extensions: [Migrator],
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
