import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import {
  clearOwner,
  isPostgresProcess,
  OWNER_FILE,
  parsePostmasterPid,
  processAlive,
  readOwner,
  readPostmasterLock,
  writeOwner,
} from './embedded-folder.js';

const root = mkdtempSync(path.join(tmpdir(), 'ow-folder-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// As PostgreSQL 18 writes it for the embedded server (no Unix socket, listening on 127.0.0.1).
const READY = '8459\n/tmp/owx/data/pg\n1796137940\n41807\n\n127.0.0.1\n  2148368         9\nready   \n';

describe("PostgreSQL's lock file", () => {
  it('names the server process, its port and address, and whether it is ready', () => {
    expect(parsePostmasterPid(READY)).toEqual({ pid: 8459, port: 41807, host: '127.0.0.1', status: 'ready' });
    expect(parsePostmasterPid(READY.replace('ready   ', 'stopping'))?.status).toBe('stopping');
  });

  it('reads a server listening everywhere as reachable on 127.0.0.1', () => {
    for (const listen of ['*', '0.0.0.0', '']) {
      const text = READY.replace('\n127.0.0.1\n', `\n${listen}\n`);
      expect(parsePostmasterPid(text)?.host).toBe('127.0.0.1');
    }
  });

  it('reads a file the server is still writing as starting, and one naming no process as none', () => {
    expect(parsePostmasterPid('8459\n/tmp/owx/data/pg\n1796137940\n')).toEqual({
      pid: 8459,
      port: 0,
      host: '127.0.0.1',
      status: '',
    });
    expect(parsePostmasterPid('')).toBeNull();
    expect(parsePostmasterPid('garbage\n')).toBeNull();
  });

  it('is absent from a folder where no server ever ran', async () => {
    expect(await readPostmasterLock(path.join(root, 'nothing', 'pg'))).toBeNull();
  });
});

describe('processes', () => {
  it('tells a live process from one that has ended', async () => {
    expect(processAlive(process.pid)).toBe(true);
    const child = spawn(process.execPath, ['-e', '']);
    const pid = child.pid ?? 0;
    await new Promise((resolve) => child.on('exit', resolve));
    expect(processAlive(pid)).toBe(false);
    expect(await isPostgresProcess(pid)).toBe(false);
  });

  it('does not take a live process of another program for a PostgreSQL server (a reused pid)', async () => {
    expect(await isPostgresProcess(process.pid)).toBe(!existsSync('/proc/self/stat'));
  });
});

describe('the owner note', () => {
  it('records which OpsWatch started the database, and is cleared only by that process', async () => {
    const dir = path.join(root, 'owner');
    mkdirSync(dir);
    expect(await readOwner(dir)).toBeNull();
    const owner = { pid: 4242, command: 'start', databasePort: 41807, startedAt: '2026-12-01T15:00:00.000Z' };
    await writeOwner(dir, owner);
    expect(await readOwner(dir)).toEqual(owner);
    await writeOwner(dir, { ...owner, httpPort: 3000 });
    expect((await readOwner(dir))?.httpPort).toBe(3000);
    await clearOwner(dir, 1); // another process: not its note
    expect(existsSync(path.join(dir, OWNER_FILE))).toBe(true);
    await clearOwner(dir, 4242);
    expect(existsSync(path.join(dir, OWNER_FILE))).toBe(false);
  });
});
