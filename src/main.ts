import { buildOpsWatch, type OpsWatch, type OpsWatchDeps, type StartOptions } from './app/opswatch.js';
import type { RoleName } from './app/roles.js';
import type { Services } from './app/services.js';
import type { Config } from './config.js';
import { DatabaseWatch } from './db/db-watch.js';
import { openEmbeddedDatabase } from './db/embedded-open.js';
import { isMigrated, migrate, type Orm, openOrm } from './db/orm.js';
import { query, sql } from './db/sql.js';
import type { Metrics } from './http/metrics.js';
import { type Clock, systemClock } from './shared/clock.js';
import type { Logger } from './shared/logger.js';

export { ALL_ROLES, type RoleName } from './app/roles.js';
export { createServices } from './app/services.js';

export interface Database {
  url: string;
  embedded: boolean;
  /** True when this process joined the embedded PostgreSQL another OpsWatch runs (stop() leaves it running). */
  joined: boolean;
  /** Publishes the HTTP port beside the embedded database, for the commands and messages that look for it. */
  announce(httpPort: number): Promise<void>;
  stop(): Promise<void>;
}

export interface DatabaseUse {
  /** The command opening it: `start`, `migrate`, `apikey`, `apply`. */
  command: string;
  /**
   * Join the embedded PostgreSQL an OpsWatch already runs on the data folder (the one-shot commands). Without it
   * (`start`) a folder some OpsWatch is running on is refused.
   */
  join: boolean;
}

/** DATABASE_URL, else the embedded PostgreSQL of OPSWATCH_DATA_DIR (started here, or joined: see embedded-open). */
export async function openDatabase(
  config: Config,
  log: Logger,
  use: DatabaseUse = { command: 'start', join: false },
): Promise<Database> {
  if (config.DATABASE_URL)
    return {
      url: config.DATABASE_URL,
      embedded: false,
      joined: false,
      announce: async () => {},
      stop: async () => {},
    };
  const db = await openEmbeddedDatabase({ dataDir: config.OPSWATCH_DATA_DIR, log, ...use });
  return { url: db.url, embedded: true, joined: db.joined !== null, announce: db.announce, stop: db.stop };
}

export interface Running {
  url: string;
  port: number;
  services: Services;
  metrics: Metrics;
  orm: Orm;
  /** The OpsWatch the roles run (its delivery adapters, engine…). */
  app: OpsWatch;
  stop(): Promise<void>;
}

/**
 * Starts OpsWatch as `opswatch start` does: database, migrations, the default tenant, then the composition root
 * (src/app) and the requested roles. When a step fails, what was started is stopped again (the embedded database
 * included) before the error is passed on.
 */
export async function startOpsWatch(
  config: Config,
  roles: RoleName[],
  log: Logger,
  clock: Clock = systemClock,
  overrides: Pick<OpsWatchDeps, 'slack'> & Pick<StartOptions, 'worker'> = {},
): Promise<Running> {
  const db = await openDatabase(config, log);
  const closers: (() => Promise<void>)[] = [db.stop];
  const stop = async () => {
    for (const close of [...closers].reverse())
      await close().catch((err: unknown) => log.error({ err }, 'error while stopping'));
  };
  try {
    const watch = new DatabaseWatch({ url: db.url, log });
    closers.push(async () => watch.stop());
    const orm = await openOrm({ url: db.url, onConnectionError: (err) => void watch.report(err) });
    closers.push(() => orm.close(true));
    const applied = await migrate(orm);
    if (applied.length) log.info({ applied }, 'migrations applied');
    const app = await buildOpsWatch({
      orm,
      config,
      log,
      clock,
      ...(overrides.slack ? { slack: overrides.slack } : {}),
    });
    const boot = await app.services.tenants.bootstrap(config.OPSWATCH_API_KEY);
    if (boot.generatedKey) {
      process.stdout.write(
        `\n  OpsWatch generated an API key for the default tenant. It is shown only this once:\n\n    ${boot.generatedKey}\n\n` +
          '  Send it as "Authorization: Bearer <key>" or "X-API-Key: <key>". Set OPSWATCH_API_KEY to choose your own.\n\n',
      );
    }
    watch.onChange((up) => {
      app.metrics.databaseUp.set(up ? 1 : 0);
      if (!up) app.metrics.databaseOutages.inc();
    });
    let migrated = false;
    /** Not ready at once while the watch knows the database is away; otherwise a real round trip (bounded by /readyz). */
    const ready = async () => {
      if (!watch.isUp) return false;
      await query(orm.em.fork(), sql`select 1`);
      if (!migrated) migrated = await isMigrated(orm);
      return migrated;
    };
    const started = await app.start(roles, {
      databaseUrl: db.url,
      ready,
      watch,
      onListening: (port) => db.announce(port),
      ...(overrides.worker ? { worker: overrides.worker } : {}),
    });
    closers.push(started.stop);
    const port = started.port ?? config.PORT;
    return {
      url: `http://127.0.0.1:${port}`,
      port,
      services: app.services,
      metrics: app.metrics,
      orm,
      app,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
