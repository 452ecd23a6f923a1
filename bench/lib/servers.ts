/** Starting the two systems the ingest benchmark compares: OpsWatch (`--role http`) and Prometheus Alertmanager. */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Child, freePort } from './procs.js';

/**
 * The node options `npm start` runs OpsWatch with (from package.json's start script), so the benchmarks measure
 * the process a user runs.
 */
export function npmStartNodeArgs(root: string): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    scripts?: { start?: string };
  };
  const m = /^node\s+(.*?)\s*bin\/opswatch\.js/.exec(pkg.scripts?.start ?? '');
  return (m?.[1] ?? '').split(/\s+/).filter(Boolean);
}

/** Builds dist/ (scripts/build.mjs), which bin/opswatch.js runs when it is newer than the sources. */
export function buildBundle(root: string): void {
  const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('scripts/build.mjs failed');
}

export interface Started {
  child: Child;
  port: number;
  /** Stops the process and removes what it left behind. */
  stop(): Promise<void>;
}

/**
 * Starts `node bin/opswatch.js start --role http` (with `npm start`'s node options) from `root` on a free port of 127.0.0.1 against `databaseUrl`,
 * or its embedded PostgreSQL in `dataDir` (it migrates at start), and waits for `/readyz`. Slack, Twilio and Agenda settings of this environment are
 * not passed on; `env` adds settings of the bench's own (e.g. a fake Slack), `roles: 'all'` runs every role.
 */
export async function startOpsWatch(opts: {
  root: string;
  /** The database to use; without it, the embedded PostgreSQL of `dataDir`, as `npm start` runs it. */
  databaseUrl?: string;
  /** OPSWATCH_DATA_DIR (with no databaseUrl). */
  dataDir?: string;
  apiKey: string;
  nodeArgs?: readonly string[];
  /** Default `['http']`. */
  roles?: readonly string[] | 'all';
  env?: Record<string, string>;
}): Promise<Started> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(SLACK_|TWILIO_|AGENDA_)/.test(k)) env[k] = v;
  delete env.DATABASE_URL;
  if (opts.databaseUrl) env.DATABASE_URL = opts.databaseUrl;
  if (opts.dataDir) env.OPSWATCH_DATA_DIR = opts.dataDir;
  Object.assign(env, {
    OPSWATCH_API_KEY: opts.apiKey,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ...opts.env,
  });
  const roles = opts.roles ?? ['http'];
  const roleArgs = roles === 'all' ? [] : ['--role', roles.join(',')];
  const args = [
    ...npmStartNodeArgs(opts.root),
    ...(opts.nodeArgs ?? []),
    'bin/opswatch.js',
    'start',
    ...roleArgs,
  ];
  const child = new Child('OpsWatch', process.execPath, args, { cwd: opts.root, env });
  try {
    await child.waitReady(`http://127.0.0.1:${port}/readyz`);
  } catch (err) {
    await child.stop();
    throw err;
  }
  return { child, port, stop: () => child.stop() };
}

/** Everything goes to a receiver with no integrations; alerts are grouped by the bench's `group` label. */
const ALERTMANAGER_CONFIG = `route:
  receiver: blackhole
  group_by: [group]
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 4h
receivers:
  - name: blackhole
`;

/** Starts a single-node Alertmanager (no cluster) on a free port of 127.0.0.1 and waits for `/-/ready`. */
export async function startAlertmanager(bin: string): Promise<Started> {
  const dir = mkdtempSync(join(tmpdir(), `ow-bench-am-${randomBytes(3).toString('hex')}-`));
  writeFileSync(join(dir, 'alertmanager.yml'), ALERTMANAGER_CONFIG);
  const port = await freePort();
  const child = new Child(
    'Alertmanager',
    bin,
    [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    {},
  );
  const stop = async () => {
    await child.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await child.waitReady(`http://127.0.0.1:${port}/-/ready`);
  } catch (err) {
    await stop();
    throw err;
  }
  return { child, port, stop };
}
