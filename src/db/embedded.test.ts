import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { postgresSaid, untraversable } from './embedded.js';

const root = mkdtempSync(path.join(tmpdir(), 'ow-traverse-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('which folder keeps the postgres user out', () => {
  it('names the nearest ancestor others cannot traverse, and none when every one is open', async () => {
    const inner = path.join(root, 'checkout', 'node_modules');
    mkdirSync(inner, { recursive: true });
    chmodSync(root, 0o755);
    chmodSync(path.join(root, 'checkout'), 0o700); // as `mktemp -d` makes it
    chmodSync(inner, 0o755);
    expect(await untraversable(inner)).toBe(path.join(root, 'checkout'));
    chmodSync(path.join(root, 'checkout'), 0o711);
    expect(await untraversable(inner)).toBeNull();
  });
});

describe('what PostgreSQL said when it did not start', () => {
  it('keeps its FATAL and HINT lines, without timestamps', () => {
    const output = [
      '2026-12-01 15:12:55.146 UTC [9284] FATAL:  lock file "postmaster.pid" already exists\n' +
        '2026-12-01 15:12:55.146 UTC [9284] HINT:  Is another postmaster (PID 8459) running in data directory "/tmp/owx/data/pg"?\n',
    ];
    expect(postgresSaid(output)).toBe(
      'FATAL: lock file "postmaster.pid" already exists HINT: Is another postmaster (PID 8459) running in data directory "/tmp/owx/data/pg"?',
    );
  });

  it('falls back to its last lines when none is an error', () => {
    expect(postgresSaid(['2026-12-01 15:12:55.146 UTC [1] LOG:  a\n', 'b\nc\nd\n'])).toBe('b c d');
    expect(postgresSaid([])).toBe('');
  });
});
