import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type Config, ConfigError, loadConfig } from '../config.js';
import { handShutdownSignalsToCaller } from '../db/embedded.js';
import { migrate } from '../db/orm.js';
import { allowedNamespaces } from '../domains/runbooks/index.js';
import { ALL_ROLES, createServices, type RoleName, startOpsWatch } from '../main.js';
import { API_KEY_SCOPES, type ApiKeyScope, operatorActor } from '../shared/actor.js';
import { systemClock } from '../shared/clock.js';
import { describeThrown } from '../shared/describe-error.js';
import { createLogger } from '../shared/logger.js';
import { withDatabase } from './database.js';
import { type FailureContext, formatFailure } from './failure.js';

const USAGE = `Usage:
  opswatch start [--role http|slack|worker]...   run OpsWatch (every role by default)
  opswatch migrate                               apply database migrations and exit
  opswatch apikey create [--name NAME] [--scope webhooks|read|write|admin]...
                                                 create an API key for the default tenant (printed once);
                                                 scope webhooks (send alerts only) unless given
  opswatch apply -f FILE [-f FILE]...            create or update users, schedules and Slack routes from YAML
  opswatch help

migrate, apikey and apply work whether or not OpsWatch is running: beside a running OpsWatch on the embedded
database they use its database (found from OPSWATCH_DATA_DIR) and leave it running.`;

/** How long a graceful stop may take before the process exits anyway. */
const STOP_SECONDS = 30;

/** What the top-level handler knows to explain a failure; filled in once the configuration is read. */
const context: FailureContext = { dataDir: path.resolve(process.env.OPSWATCH_DATA_DIR?.trim() || './data') };

function usage(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

function readConfig(command: string): Config {
  try {
    const config = loadConfig();
    context.databaseUrl = config.DATABASE_URL;
    context.dataDir = path.resolve(config.OPSWATCH_DATA_DIR);
    return config;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(
      `OpsWatch cannot ${command === 'start' ? 'start' : `run "${command}"`}: ${err.message}\n` +
        'What to do: correct the environment variables listed (see Configuration in the README) and run it again.\n',
    );
    process.exit(1);
  }
}

async function start(config: Config, args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { role: { type: 'string', multiple: true } }, strict: true });
  const roles = (values.role ?? ALL_ROLES).flatMap((r) => r.split(','));
  const bad = roles.filter((r) => !ALL_ROLES.includes(r as RoleName));
  if (bad.length) usage(`Unknown role(s): ${bad.join(', ')}. Expected ${ALL_ROLES.join(', ')}.`);
  const log = createLogger(config.LOG_LEVEL);
  const running = await startOpsWatch(config, roles as RoleName[], log);
  let stopping = false;
  const shutdown = async (signal: string) => {
    // One Ctrl-C may arrive twice (from the terminal, and forwarded by npm when its shell execs node).
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    setTimeout(() => {
      log.error(
        { seconds: STOP_SECONDS },
        'not stopped in time; exiting (the embedded database is stopped on exit)',
      );
      process.exit(1);
    }, STOP_SECONDS * 1000).unref();
    try {
      await running.stop();
    } catch (err) {
      process.stderr.write(formatFailure(err, context));
      process.exit(1);
    }
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  // From now on these signals stop OpsWatch gracefully, the embedded database last (see the function).
  handShutdownSignalsToCaller();
}

async function migrateCommand(config: Config): Promise<void> {
  const log = createLogger(config.LOG_LEVEL, 'stderr');
  const applied = await withDatabase(config, log, 'migrate', (orm) => migrate(orm), { migrate: false });
  process.stdout.write(
    applied.length ? `Applied: ${applied.join(', ')}\n` : 'Nothing to apply; the database is up to date.\n',
  );
}

async function apikey(config: Config, args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: { name: { type: 'string' }, scope: { type: 'string', multiple: true } },
    allowPositionals: true,
  });
  if (positionals[0] !== 'create')
    usage('Usage: opswatch apikey create [--name NAME] [--scope webhooks|read|write|admin]...');
  const scopes = (values.scope ?? ['webhooks']).flatMap((s) => s.split(','));
  const badScopes = scopes.filter((s) => !API_KEY_SCOPES.includes(s as ApiKeyScope));
  if (badScopes.length)
    usage(`Unknown scope(s): ${badScopes.join(', ')}. Expected ${API_KEY_SCOPES.join(', ')}.`);
  const log = createLogger(config.LOG_LEVEL, 'stderr');
  const created = await withDatabase(config, log, 'apikey', async (orm) => {
    const services = createServices(orm, systemClock);
    const { tenant } = await services.tenants.bootstrap(config.OPSWATCH_API_KEY);
    return services.tenants.createApiKey(
      operatorActor(tenant.id, 'opswatch CLI'),
      values.name ?? `cli-${new Date().toISOString().slice(0, 10)}`,
      scopes as ApiKeyScope[],
    );
  });
  process.stdout.write(`${created.key}\n`);
  process.stderr.write(
    `Created API key ${created.id} (scopes: ${created.scopes.join(', ')}). It is shown only this once.\n`,
  );
}

async function apply(config: Config, args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: { file: { type: 'string', short: 'f', multiple: true } },
    allowPositionals: true,
  });
  const files = [...(values.file ?? []), ...positionals];
  if (!files.length) usage('Usage: opswatch apply -f FILE [-f FILE]...');
  const sources = files.map((name) => {
    try {
      return { name, path: name, text: readFileSync(name, 'utf8') };
    } catch (err) {
      process.stderr.write(
        `Cannot read ${name}: ${describeThrown(err)}\nWhat to do: check the file's name and that it is readable; nothing was applied.\n`,
      );
      return process.exit(1);
    }
  });
  const log = createLogger(config.LOG_LEVEL, 'stderr');
  const result = await withDatabase(config, log, 'apply', async (orm) => {
    const services = createServices(orm, systemClock, {
      publicBaseUrl: config.publicBaseUrl,
      runbookNamespaces: allowedNamespaces({
        KUBERNETES_ALLOWED_NAMESPACES: config.KUBERNETES_ALLOWED_NAMESPACES,
      }),
    });
    const { tenant } = await services.tenants.bootstrap(config.OPSWATCH_API_KEY);
    // Imported here: only `apply` reads YAML (the parser is ~12 MiB a running OpsWatch need not hold).
    const { applyConfig } = await import('./apply.js');
    return applyConfig(services, operatorActor(tenant.id, 'opswatch apply'), sources);
  });
  for (const line of result.changes) process.stdout.write(`${line}\n`);
  for (const line of result.problems) process.stderr.write(`${line}\n`);
  if (result.ok) return;
  process.stderr.write(
    result.changes.length
      ? `Stopped after ${result.changes.length} change(s) (listed above); run apply again once the problem is fixed.\n`
      : `${result.problems.length} problem(s); nothing was applied.\n`,
  );
  process.exit(1);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const commands = new Map<string, (config: Config, args: string[]) => Promise<void>>([
    ['start', start],
    ['migrate', migrateCommand],
    ['apikey', apikey],
    ['apply', apply],
  ]);
  const run = commands.get(command);
  if (!run) usage(`Unknown command "${command}".\n${USAGE}`);
  await run(readConfig(command), rest);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))
    usage(`${(err as Error).message}\n${USAGE}`);
  process.stderr.write(formatFailure(err, context));
  process.exit(1);
});
