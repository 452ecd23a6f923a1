import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.js';
import { migrate, openOrm } from '../db/orm.js';
import { ALL_ROLES, createServices, openDatabase, type RoleName, startOpsWatch } from '../main.js';
import { API_KEY_SCOPES, type ApiKeyScope, operatorActor } from '../shared/actor.js';
import { systemClock } from '../shared/clock.js';
import { createLogger } from '../shared/logger.js';
import { applyConfig } from './apply.js';

const USAGE = `Usage:
  opswatch start [--role http|slack|worker]...   run OpsWatch (every role by default)
  opswatch migrate                               apply database migrations and exit
  opswatch apikey create [--name NAME] [--scope webhooks|read|write|admin]...
                                                 create an API key for the default tenant (printed once);
                                                 scope webhooks (send alerts only) unless given
  opswatch apply -f FILE [-f FILE]...            create or update users, schedules and Slack routes from YAML
  opswatch help`;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`OpsWatch cannot start: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const log = createLogger(config.LOG_LEVEL);

  if (command === 'start') {
    const { values } = parseArgs({
      args: rest,
      options: { role: { type: 'string', multiple: true } },
      strict: true,
    });
    const roles = (values.role ?? ALL_ROLES).flatMap((r) => r.split(','));
    const bad = roles.filter((r) => !ALL_ROLES.includes(r as RoleName));
    if (bad.length) fail(`Unknown role(s): ${bad.join(', ')}. Expected ${ALL_ROLES.join(', ')}.`);
    const running = await startOpsWatch(config, roles as RoleName[], log);
    let stopping = false;
    const shutdown = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'stopping');
      await running.stop();
      log.info('stopped');
      process.exit(0);
    };
    process.on('SIGINT', () => void shutdown('SIGINT'));
    process.on('SIGTERM', () => void shutdown('SIGTERM'));
    return;
  }

  if (command === 'migrate') {
    const db = await openDatabase(config, log);
    const orm = await openOrm({ url: db.url, poolMax: 2 });
    const applied = await migrate(orm);
    process.stdout.write(
      applied.length ? `Applied: ${applied.join(', ')}\n` : 'Nothing to apply; the database is up to date.\n',
    );
    await orm.close(true);
    await db.stop();
    return;
  }

  if (command === 'apikey') {
    const { values, positionals } = parseArgs({
      args: rest,
      options: { name: { type: 'string' }, scope: { type: 'string', multiple: true } },
      allowPositionals: true,
    });
    if (positionals[0] !== 'create')
      fail('Usage: opswatch apikey create [--name NAME] [--scope webhooks|read|write|admin]...');
    const scopes = (values.scope ?? ['webhooks']).flatMap((s) => s.split(','));
    const badScopes = scopes.filter((s) => !API_KEY_SCOPES.includes(s as ApiKeyScope));
    if (badScopes.length)
      fail(`Unknown scope(s): ${badScopes.join(', ')}. Expected ${API_KEY_SCOPES.join(', ')}.`);
    const db = await openDatabase(config, log);
    const orm = await openOrm({ url: db.url, poolMax: 2 });
    await migrate(orm);
    const services = createServices(orm, systemClock);
    const { tenant } = await services.tenants.bootstrap(config.OPSWATCH_API_KEY);
    const created = await services.tenants.createApiKey(
      operatorActor(tenant.id, 'opswatch CLI'),
      values.name ?? `cli-${new Date().toISOString().slice(0, 10)}`,
      scopes as ApiKeyScope[],
    );
    process.stdout.write(`${created.key}\n`);
    process.stderr.write(
      `Created API key ${created.id} (scopes: ${created.scopes.join(', ')}). It is shown only this once.\n`,
    );
    await orm.close(true);
    await db.stop();
    return;
  }

  if (command === 'apply') {
    const { values, positionals } = parseArgs({
      args: rest,
      options: { file: { type: 'string', short: 'f', multiple: true } },
      allowPositionals: true,
    });
    const files = [...(values.file ?? []), ...positionals];
    if (!files.length) fail('Usage: opswatch apply -f FILE [-f FILE]...');
    const sources = files.map((name) => {
      try {
        return { name, text: readFileSync(name, 'utf8') };
      } catch (err) {
        return fail(`Cannot read ${name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
    const db = await openDatabase(config, log);
    const orm = await openOrm({ url: db.url, poolMax: 2 });
    await migrate(orm);
    const services = createServices(orm, systemClock, { publicBaseUrl: config.publicBaseUrl });
    const { tenant } = await services.tenants.bootstrap(config.OPSWATCH_API_KEY);
    const result = await applyConfig(services, operatorActor(tenant.id, 'opswatch apply'), sources);
    for (const line of result.changes) process.stdout.write(`${line}\n`);
    for (const line of result.problems) process.stderr.write(`${line}\n`);
    if (!result.ok)
      process.stderr.write(
        result.changes.length
          ? `Stopped after ${result.changes.length} change(s) (listed above); run apply again once the problem is fixed.\n`
          : `${result.problems.length} problem(s); nothing was applied.\n`,
      );
    await orm.close(true);
    await db.stop();
    if (!result.ok) process.exit(1);
    return;
  }

  fail(`Unknown command "${command}".\n${USAGE}`);
}

main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(
    `OpsWatch failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
