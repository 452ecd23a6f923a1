import type { Config } from './config.js';
import { DatabaseWatch } from './db/db-watch.js';
import { openEmbeddedDatabase } from './db/embedded-open.js';
import { isMigrated, migrate, type Orm, openOrm } from './db/orm.js';
import { query, sql } from './db/sql.js';
import { AlertsService } from './domains/alerts/index.js';
import { AuditService } from './domains/audit/index.js';
import { IncidentsService } from './domains/incidents/index.js';
import { OUTBOX_CHANNEL, OutboxService } from './domains/notify/index.js';
import { HandoffsService, OnCallService, RostersService } from './domains/rosters/index.js';
import { TenantsService, UsersService } from './domains/tenants/index.js';
import { engineFor } from './engine/index.js';
import { createHttpApp, createSlackOnlyApp } from './http/app.js';
import type { Services } from './http/context.js';
import { listen } from './http/listen.js';
import { createMetrics, type Metrics } from './http/metrics.js';
import { startWorkerRole } from './jobs/index.js';
import { type Clock, systemClock } from './shared/clock.js';
import { createLogger, type Logger } from './shared/logger.js';
import { startSlackRoles } from './slack/runtime.js';

export type RoleName = 'http' | 'slack' | 'worker';
export const ALL_ROLES: RoleName[] = ['http', 'slack', 'worker'];

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

export interface ServiceOptions {
  log?: Logger;
  /** SLACK_DEFAULT_CHANNEL */
  slackDefaultChannel?: string | undefined;
  /** PUBLIC_BASE_URL, for iCal feed links */
  publicBaseUrl?: string | undefined;
}

export function createServices(orm: Orm, clock: Clock, opts: ServiceOptions = {}): Services {
  const tenants = new TenantsService(orm, clock);
  return {
    tenants,
    outbox: new OutboxService(orm, clock, tenants, {
      defaultChannel: opts.slackDefaultChannel ?? null,
      log: opts.log ?? createLogger('silent'),
    }),
    users: new UsersService(orm, clock),
    incidents: new IncidentsService(orm, clock),
    alerts: new AlertsService(orm, clock, (id) => tenants.settings(id)),
    audit: new AuditService(orm),
    rosters: new RostersService(orm, clock, opts.publicBaseUrl ?? 'http://localhost:3000'),
    oncall: new OnCallService(orm, clock, opts.publicBaseUrl ?? 'http://localhost:3000'),
    handoffs: new HandoffsService(orm, clock),
  };
}

export interface Running {
  url: string;
  port: number;
  services: Services;
  metrics: Metrics;
  orm: Orm;
  stop(): Promise<void>;
}

/**
 * Starts OpsWatch: database, migrations, services, then the requested roles. When a step fails, what was
 * started is stopped again (the embedded database included) before the error is passed on.
 */
export async function startOpsWatch(
  config: Config,
  roles: RoleName[],
  log: Logger,
  clock: Clock = systemClock,
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
    const started = await startRoles(config, roles, log, clock, orm, db, watch, closers);
    return { ...started, orm, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function startRoles(
  config: Config,
  roles: RoleName[],
  log: Logger,
  clock: Clock,
  orm: Orm,
  db: Database,
  watch: DatabaseWatch,
  closers: (() => Promise<void>)[],
): Promise<Omit<Running, 'orm' | 'stop'>> {
  const applied = await migrate(orm);
  if (applied.length) log.info({ applied }, 'migrations applied');
  const services = createServices(orm, clock, {
    log,
    slackDefaultChannel: config.SLACK_DEFAULT_CHANNEL,
    publicBaseUrl: config.publicBaseUrl,
  });
  const boot = await services.tenants.bootstrap(config.OPSWATCH_API_KEY);
  if (boot.generatedKey) {
    process.stdout.write(
      `\n  OpsWatch generated an API key for the default tenant. It is shown only this once:\n\n    ${boot.generatedKey}\n\n` +
        '  Send it as "Authorization: Bearer <key>" or "X-API-Key: <key>". Set OPSWATCH_API_KEY to choose your own.\n\n',
    );
  }
  const metrics = createMetrics(() => services.incidents.openCountsBySeverity());
  watch.onChange((up) => {
    metrics.databaseUp.set(up ? 1 : 0);
    if (!up) metrics.databaseOutages.inc();
  });
  let migrated = false;
  /** Not ready at once while the watch knows the database is away; otherwise a real round trip (bounded by /readyz). */
  const ready = async () => {
    if (!watch.isUp) return false;
    await query(orm.em.fork(), sql`select 1`);
    if (!migrated) migrated = await isMigrated(orm);
    return migrated;
  };
  if (!config.slackEnabled && roles.includes('slack')) {
    log.warn(
      'Slack is off: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode) to turn it on.',
    );
  }
  const slack = config.slackEnabled
    ? await startSlackRoles({ config, roles, services, metrics, log, clock })
    : null;
  if (slack) closers.push(slack.stop);
  if (roles.includes('worker')) {
    const worker = await startWorkerRole({
      databaseUrl: db.url,
      log,
      clock,
      engine: engineFor(services, log),
      tickSeconds: config.ENGINE_TICK_SECONDS,
      watch,
      metrics,
      ...(slack ? { outbox: { deliver: slack.deliver, channel: OUTBOX_CHANNEL } } : {}),
    });
    closers.push(worker.stop);
  }
  let port = config.PORT;
  const serveSlackOnly = !roles.includes('http') && Boolean(slack?.events);
  if (roles.includes('http') || serveSlackOnly) {
    const deps = { services, metrics, log, ready, ...(slack?.events ? { slackEvents: slack.events } : {}) };
    const app = serveSlackOnly ? createSlackOnlyApp(deps) : createHttpApp(deps, config.publicBaseUrl);
    const listening = await listen(app.fetch, config.PORT, config.HOST);
    closers.push(listening.close);
    port = listening.port;
    await db.announce(port);
    log.info({ port, host: config.HOST }, 'HTTP sidecar listening');
  }
  return { url: `http://127.0.0.1:${port}`, port, services, metrics };
}
