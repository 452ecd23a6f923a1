import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { untraversable } from './embedded.js';

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
