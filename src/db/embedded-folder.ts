import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * What a data folder says about its embedded PostgreSQL: PostgreSQL's own lock file (`pg/postmaster.pid`, which
 * names the server's process and the port it listens on) and the note OpsWatch keeps beside it
 * (`running.json`: which OpsWatch process started that server, for which command, and its HTTP port).
 */

export interface PostmasterLock {
  pid: number;
  /** The port the server listens on (OpsWatch picks a free one at each start); 0 until the server says. */
  port: number;
  /** The first listen address, `127.0.0.1` when it listens everywhere. */
  host: string;
  /** `starting`, `ready`, `stopping` or `standby`; empty while the server writes the file. */
  status: string;
}

export interface Owner {
  /** The OpsWatch process that started the embedded PostgreSQL and stops it when it ends. */
  pid: number;
  /** `start`, `migrate`, `apply`, `apikey`… */
  command: string;
  /** 0 while the server starts. */
  databasePort: number;
  httpPort?: number;
  startedAt: string;
}

export const OWNER_FILE = 'running.json';

/**
 * PostgreSQL's `postmaster.pid`: pid, data directory, start time, port, socket directory, listen address,
 * shared memory key, status. A file the server is still writing has port 0 and no status; null when it names no
 * process at all.
 */
export function parsePostmasterPid(text: string): PostmasterLock | null {
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  const port = Number(lines[3]);
  if (!Number.isInteger(port) || port <= 0) return { pid, port: 0, host: '127.0.0.1', status: '' };
  const listen = (lines[5] ?? '').trim().split(/[\s,]+/)[0] ?? '';
  const host =
    listen === '' || listen === '*' || listen === '0.0.0.0' || listen === '::' ? '127.0.0.1' : listen;
  return { pid, port, host, status: (lines[7] ?? '').trim() };
}

export async function readPostmasterLock(databaseDir: string): Promise<PostmasterLock | null> {
  const text = await readIfPresent(path.join(databaseDir, 'postmaster.pid'));
  return text === null ? null : parsePostmasterPid(text);
}

/** True while a process with this id exists (even one owned by another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether `pid` is a running PostgreSQL server. Where /proc tells the program's name, a live process that is not
 * `postgres` is a reused pid (the lock file outlived its server, e.g. in a restarted container), and a zombie is a
 * killed one.
 */
export async function isPostgresProcess(pid: number): Promise<boolean> {
  if (!processAlive(pid)) return false;
  const stat = await readIfPresent(`/proc/${pid}/stat`).catch(() => null);
  if (stat === null) return true; // no /proc: trust the pid
  // "pid (comm) state …": a zombie (Z) is a server killed and not yet reaped by its parent.
  const m = /^\d+ \((.*)\) (\S)/.exec(stat);
  return m?.[1] === 'postgres' && m[2] !== 'Z';
}

export async function readOwner(dataDir: string): Promise<Owner | null> {
  const text = await readIfPresent(path.join(dataDir, OWNER_FILE));
  if (text === null) return null;
  try {
    const o = JSON.parse(text) as Partial<Owner>;
    return typeof o.pid === 'number' && typeof o.command === 'string' && typeof o.databasePort === 'number'
      ? (o as Owner)
      : null;
  } catch {
    return null; // half-written or edited by hand: as if there were none
  }
}

export async function writeOwner(dataDir: string, owner: Owner): Promise<void> {
  const file = path.join(dataDir, OWNER_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(owner, null, 2)}\n`);
  await rename(tmp, file);
}

/** Removes the note if it still names `pid` (another process may have started the server since). */
export async function clearOwner(dataDir: string, pid: number): Promise<void> {
  if ((await readOwner(dataDir))?.pid !== pid) return;
  await unlink(path.join(dataDir, OWNER_FILE)).catch(() => undefined);
}

async function readIfPresent(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw err;
  }
}
