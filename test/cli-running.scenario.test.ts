import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { OWNER_FILE, processAlive, readPostmasterLock } from '../src/db/embedded-folder.js';
import { type CliResult, type OpsWatchProcess, runCli, startOpsWatchProcess, until } from './harness/cli.js';

// `npm start` on the default embedded database, then the README's commands in another terminal. Each start of
// the embedded PostgreSQL takes a second or two on a busy machine, hence the longer timeout.
jest.setTimeout(180_000);

const KEY = 'running-key-0123456789abcdef';
const dir = mkdtempSync(path.join(tmpdir(), 'ow-running-'));
chmodSync(dir, 0o755); // as root, the embedded PostgreSQL runs as the postgres user, which must reach it
const pgDir = path.join(dir, 'pg');
const env = { OPSWATCH_DATA_DIR: dir };
let app: OpsWatchProcess;
let readKey = '';

const succeeded = (r: CliResult) => ({ status: r.status, stderr: r.stderr });
const lock = async () => {
  const l = await readPostmasterLock(pgDir);
  if (!l) throw new Error(`no PostgreSQL runs on ${dir}`);
  return l;
};
const get = (p: string, key = KEY) =>
  fetch(`${app.url}${p}`, { headers: { authorization: `Bearer ${key}` } });

beforeAll(async () => {
  app = await startOpsWatchProcess({ ...env, OPSWATCH_API_KEY: KEY });
});

afterAll(async () => {
  await app?.stop();
  // A PostgreSQL a failed test left behind (this test's own, by its pid).
  const left = await readPostmasterLock(pgDir).catch(() => null);
  if (left && processAlive(left.pid)) process.kill(left.pid, 'SIGINT');
  await until('the embedded PostgreSQL to stop', () => (left && processAlive(left.pid) ? null : true));
  rmSync(dir, { recursive: true, force: true });
});

describe('the command line beside a running OpsWatch on the embedded database', () => {
  it('apikey create, apply -f and migrate work while it runs, use its database, and leave it serving', async () => {
    const server = await lock();

    // Its logs go to stderr, so stdout holds just the key (KEY=$(opswatch apikey create)).
    const created = await runCli(['apikey', 'create', '--name', 'dashboard', '--scope', 'read'], {
      ...env,
      LOG_LEVEL: 'info',
    });
    expect(created.status).toBe(0);
    expect(created.stdout).toMatch(/^ow_[A-Za-z0-9_-]{43}\n$/);
    expect(created.stderr).toContain('using the embedded PostgreSQL already running on this data folder');
    expect(created.stderr).toContain('shown only this once');
    readKey = created.stdout.trim();

    const applied = await runCli(['apply', '-f', 'manifests/opswatch-config.example.yaml'], env);
    expect(succeeded(applied)).toEqual({ status: 0, stderr: '' });
    expect(applied.stdout).toContain('schedule "Payments": created');

    const migrated = await runCli(['migrate'], env);
    expect(succeeded(migrated)).toEqual({ status: 0, stderr: '' });
    expect(migrated.stdout).toContain('up to date');

    // The key the command made works against the running OpsWatch, which sees what apply wrote…
    const schedules = await get('/api/v1/schedules', readKey);
    expect(schedules.status).toBe(200);
    const body = (await schedules.json()) as { items: { name: string }[] };
    expect(body.items.map((s) => s.name)).toEqual(['Payments']);
    // …and still runs on the same PostgreSQL, which none of the commands stopped.
    expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
    expect((await lock()).pid).toBe(server.pid);
    expect(processAlive(server.pid)).toBe(true);
  });

  it('refuses a second start on the same data folder, naming the running one; the first keeps serving', async () => {
    const port = new URL(app.url).port;
    const second = await runCli(['start'], { ...env, PORT: '0' });
    expect(second.status).toBe(1);
    expect(second.stderr).toContain(
      `OpsWatch failed: OpsWatch is already running on this data folder (pid ${app.pid}, port ${port}; data in ${dir}).`,
    );
    expect(second.stderr).toContain('What to do: Use that one, or stop it first');
    expect(second.stderr).not.toContain('undefined');
    expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
  });

  it('after OpsWatch is killed (kill -9), commands use the database it left running and start takes it over', async () => {
    const orphan = await lock();
    app.child.kill('SIGKILL');
    await app.exited;
    expect(processAlive(orphan.pid)).toBe(true); // its PostgreSQL outlives it

    const migrated = await runCli(['migrate'], env);
    expect(succeeded(migrated)).toEqual({ status: 0, stderr: '' });

    app = await startOpsWatchProcess(env);
    expect(app.output()).toContain('stopping the embedded PostgreSQL left running by an OpsWatch that ended');
    expect(processAlive(orphan.pid)).toBe(false);
    expect((await lock()).pid).not.toBe(orphan.pid);
    expect((await get('/api/v1/schedules', readKey)).status).toBe(200);
  });

  it('after OpsWatch and its database are both killed (a stale lock file), commands and start recover', async () => {
    const server = await lock();
    app.child.kill('SIGKILL');
    await app.exited;
    process.kill(server.pid, 'SIGKILL');
    await until('the killed PostgreSQL to be gone', () => (processAlive(server.pid) ? null : true));
    expect(existsSync(path.join(pgDir, 'postmaster.pid'))).toBe(true);

    const created = await runCli(['apikey', 'create', '--name', 'after-crash', '--scope', 'read'], env);
    expect(succeeded(created)).toEqual({
      status: 0,
      stderr: expect.stringContaining('shown only this once'),
    });
    // With nobody running, the command started a database for itself, and stopped it again.
    expect(await readPostmasterLock(pgDir)).toBeNull();

    app = await startOpsWatchProcess(env);
    expect((await get('/api/v1/incidents', created.stdout.trim())).status).toBe(200);
  });

  it('stops cleanly on SIGTERM: its database stops too and the folder is free again', async () => {
    expect(await app.stop('SIGTERM')).toBe(0);
    expect(await readPostmasterLock(pgDir)).toBeNull();
    expect(existsSync(path.join(dir, OWNER_FILE))).toBe(false);
  });
});
