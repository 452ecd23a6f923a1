import { realpath, unlink } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { describeThrown } from '../shared/describe-error.js';
import type { Logger } from '../shared/logger.js';
import { OperatorError } from '../shared/operator-error.js';
import { EmbeddedStartError, embeddedUrl, startEmbeddedPostgres } from './embedded.js';
import {
  clearOwner,
  isPostgresProcess,
  type Owner,
  type PostmasterLock,
  processAlive,
  readOwner,
  readPostmasterLock,
  writeOwner,
} from './embedded-folder.js';

/**
 * Opens the embedded PostgreSQL of a data folder, whoever runs it. Only one PostgreSQL can run on a folder, so:
 *
 * - nothing running (or only a stale lock file left by a killed server): start one, note in `running.json` that
 *   this process owns it, and stop it in `stop()`;
 * - `opswatch start` running on it: the one-shot commands (`migrate`, `apikey`, `apply`) join that server — found
 *   from PostgreSQL's lock file, which names its port — and leave it running; a second `start` is refused;
 * - a server whose owner died without stopping it (kill -9): commands join it, `start` stops it and starts its own;
 * - a one-shot command holding it for a moment: wait for it to finish, then go on;
 * - a server starting or stopping: wait until it is ready, or gone.
 */

export interface OpenEmbeddedOptions {
  dataDir: string;
  /** The command opening it (`start`, `migrate`, …), recorded in the owner note. */
  command: string;
  /** Join the server already running on the folder, if any (the one-shot commands); `start` never joins. */
  join: boolean;
  log?: Logger | undefined;
  /** How long to wait for a server that is starting or stopping, or for a command that holds it. */
  waitMs?: number;
}

export interface OpenedEmbedded {
  url: string;
  port: number;
  /** The server this process joined (another process runs it, and `stop()` leaves it running), else null. */
  joined: { pid: number; owner: Owner | null } | null;
  /** Publishes the HTTP port in the owner note (when this process owns the server). */
  announce(httpPort: number): Promise<void>;
  stop(): Promise<void>;
}

interface Found {
  lock: PostmasterLock;
  owner: Owner | null;
  ownerAlive: boolean;
}

const POLL_MS = 100;

export async function openEmbeddedDatabase(opts: OpenEmbeddedOptions): Promise<OpenedEmbedded> {
  const dataDir = path.resolve(opts.dataDir);
  const deadline = Date.now() + (opts.waitMs ?? 30_000);
  const log = opts.log;
  let waitingLogged = false;
  for (let races = 0; ; ) {
    const found = await inspect(dataDir, log);
    if (!found) {
      try {
        return await startOwned(dataDir, opts);
      } catch (err) {
        // Another process started the server between our look and our start: look again.
        if (err instanceof EmbeddedStartError && races++ < 2 && (await inspect(dataDir, log))) continue;
        throw err;
      }
    }
    const { lock, owner, ownerAlive } = found;
    const commandHolds = ownerAlive && owner !== null && owner.command !== 'start';
    if (lock.status !== 'ready' || commandHolds) {
      if (Date.now() > deadline) throw stillBusy(dataDir, found);
      if (!waitingLogged && commandHolds)
        log?.info(
          { pid: owner?.pid },
          `waiting for "opswatch ${owner?.command}" to finish with the database`,
        );
      waitingLogged = true;
      await delay(POLL_MS);
      continue;
    }
    if (opts.join) return await joinRunning(dataDir, found, log);
    if (ownerAlive && owner) throw alreadyRunning(dataDir, owner, lock);
    if (!owner) throw unknownServer(dataDir, lock);
    await stopOrphan(dataDir, found, deadline, log);
  }
}

async function inspect(dataDir: string, log: Logger | undefined): Promise<Found | null> {
  const pgDir = path.join(dataDir, 'pg');
  let lock: PostmasterLock | null;
  try {
    lock = await readPostmasterLock(pgDir);
  } catch (err) {
    throw new OperatorError(
      `Cannot read ${path.join(pgDir, 'postmaster.pid')} to see whether OpsWatch's database is running: ${describeThrown(err)}.`,
      'Run the command as the user that runs OpsWatch (or root), or set DATABASE_URL.',
      { cause: err },
    );
  }
  if (!lock) return null;
  if (!(await isPostgresProcess(lock.pid))) {
    if (processAlive(lock.pid)) {
      // The pid now belongs to another program: PostgreSQL would refuse to start over this lock file.
      log?.warn(
        { pid: lock.pid },
        'removing a stale postmaster.pid whose process id another program now uses',
      );
      await unlink(path.join(pgDir, 'postmaster.pid')).catch(() => undefined);
    }
    return null; // a server killed without cleaning up: PostgreSQL clears the file itself when it starts
  }
  const owner = await readOwner(dataDir);
  const ownerAlive = owner !== null && owner.pid !== process.pid && processAlive(owner.pid);
  return { lock, owner, ownerAlive };
}

async function startOwned(dataDir: string, opts: OpenEmbeddedOptions): Promise<OpenedEmbedded> {
  const started = Date.now();
  const owner: Owner = {
    pid: process.pid,
    command: opts.command,
    databasePort: 0,
    startedAt: new Date().toISOString(),
  };
  // Noted before the server starts, so that nobody takes it for one left behind while it starts (a folder used
  // for the first time does not exist yet: startEmbeddedPostgres creates it, or says why it cannot).
  const noted = await writeOwner(dataDir, owner).then(
    () => true,
    () => false,
  );
  let db: Awaited<ReturnType<typeof startEmbeddedPostgres>>;
  try {
    db = await startEmbeddedPostgres(dataDir, opts.log);
  } catch (err) {
    if (noted) await clearOwner(dataDir, process.pid);
    throw err;
  }
  const running = { ...owner, databasePort: db.port };
  try {
    await writeOwner(dataDir, running);
  } catch (err) {
    await db.stop();
    await clearOwner(dataDir, process.pid);
    throw err;
  }
  opts.log?.info({ ms: Date.now() - started, dataDir, port: db.port }, 'embedded PostgreSQL started');
  return {
    url: db.url,
    port: db.port,
    joined: null,
    announce: (httpPort) => writeOwner(dataDir, { ...running, httpPort }),
    async stop() {
      await db.stop();
      await clearOwner(dataDir, process.pid);
    },
  };
}

async function joinRunning(dataDir: string, found: Found, log: Logger | undefined): Promise<OpenedEmbedded> {
  const { lock, owner } = found;
  const url = embeddedUrl(lock.port, lock.host);
  const pgDir = path.join(dataDir, 'pg');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  let serves: string;
  try {
    await client.connect();
    serves =
      (await client.query<{ data_directory: string }>('show data_directory')).rows[0]?.data_directory ?? '';
  } catch (err) {
    throw new OperatorError(
      `The embedded PostgreSQL of ${dataDir} is running (pid ${lock.pid}) but does not answer on ${lock.host}:${lock.port}: ${describeThrown(err)}.`,
      `If it is stuck, stop it (stop the OpsWatch running it, or "kill -INT ${lock.pid}") and run the command again.`,
      { cause: err },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
  if (!(await samePath(serves, pgDir)))
    throw new OperatorError(
      `Port ${lock.port}, named in ${pgDir}/postmaster.pid, is served by the PostgreSQL of ${serves}, not of ${pgDir}.`,
      `Stop the PostgreSQL with pid ${lock.pid} if it is stuck, and run the command again.`,
    );
  log?.info(
    { pid: lock.pid, port: lock.port, owner: owner?.pid ?? null, command: owner?.command ?? null },
    'using the embedded PostgreSQL already running on this data folder (it keeps running)',
  );
  return {
    url,
    port: lock.port,
    joined: { pid: lock.pid, owner },
    announce: async () => {},
    stop: async () => {},
  };
}

async function samePath(a: string, b: string): Promise<boolean> {
  if (path.resolve(a) === path.resolve(b)) return true;
  const [ra, rb] = await Promise.all([realpath(a).catch(() => a), realpath(b).catch(() => b)]);
  return ra === rb;
}

/** A server whose owner was killed without stopping it: stop it (fast shutdown) so `start` can own a new one. */
async function stopOrphan(dataDir: string, found: Found, deadline: number, log: Logger | undefined) {
  const { lock, owner } = found;
  log?.warn(
    { pid: lock.pid, owner: owner?.pid, command: owner?.command },
    'stopping the embedded PostgreSQL left running by an OpsWatch that ended without stopping it',
  );
  try {
    process.kill(lock.pid, 'SIGINT');
  } catch (err) {
    throw new OperatorError(
      `The embedded PostgreSQL of ${dataDir} (pid ${lock.pid}) was left running by an OpsWatch that has ended, and it cannot be stopped from here: ${describeThrown(err)}.`,
      `Stop it as the user it runs as ("kill -INT ${lock.pid}") and start again.`,
      { cause: err },
    );
  }
  while (processAlive(lock.pid)) {
    if (Date.now() > deadline)
      throw new OperatorError(
        `The embedded PostgreSQL of ${dataDir} (pid ${lock.pid}), left running by an OpsWatch that has ended, did not stop when asked.`,
        `Stop it ("kill -INT ${lock.pid}", or "kill -9 ${lock.pid}" if it hangs) and start again.`,
      );
    await delay(POLL_MS);
  }
}

function alreadyRunning(dataDir: string, owner: Owner, lock: PostmasterLock): OperatorError {
  const port = owner.httpPort === undefined ? `database port ${lock.port}` : `port ${owner.httpPort}`;
  return new OperatorError(
    `OpsWatch is already running on this data folder (pid ${owner.pid}, ${port}; data in ${dataDir}).`,
    `Use that one, or stop it first (Ctrl-C where it runs, or "kill ${owner.pid}"). To run another OpsWatch, give it its own OPSWATCH_DATA_DIR; replicas that share one database need a PostgreSQL of their own (DATABASE_URL). Commands such as "opswatch migrate" work beside it.`,
  );
}

function unknownServer(dataDir: string, lock: PostmasterLock): OperatorError {
  return new OperatorError(
    `A PostgreSQL (pid ${lock.pid}, port ${lock.port}) is already running on this data folder's database (${path.join(dataDir, 'pg')}), and no running OpsWatch says it started it.`,
    `If an older OpsWatch runs on this folder, stop it; otherwise stop that PostgreSQL ("kill -INT ${lock.pid}") and start again.`,
  );
}

function stillBusy(dataDir: string, found: Found): OperatorError {
  const { lock, owner, ownerAlive } = found;
  if (ownerAlive && owner && owner.command !== 'start')
    return new OperatorError(
      `"opswatch ${owner.command}" (pid ${owner.pid}) is still using the embedded database of ${dataDir}.`,
      `Run this again when it has finished, or stop it ("kill ${owner.pid}").`,
    );
  return new OperatorError(
    `The embedded PostgreSQL of ${dataDir} (pid ${lock.pid}) is still ${lock.status || 'starting'}.`,
    `Wait for it and run this again; if it hangs, stop it ("kill -INT ${lock.pid}").`,
  );
}
