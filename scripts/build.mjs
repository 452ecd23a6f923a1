#!/usr/bin/env node
// Bundles OpsWatch's sources (src/, migrations/) into dist/opswatch.mjs with esbuild, for `bin/opswatch.js` to run
// without tsx: no TypeScript compiled at every start and no source maps kept in memory (about 40 MiB less RSS).
// Packages in node_modules stay outside the bundle and load as they are. Runs at `npm ci`/`npm install` (prepare)
// and whenever bin/opswatch.js finds dist/ missing or older than the sources; `npm run build` by hand.
import { existsSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const entry = path.join(root, 'src', 'cli', 'main.ts');
/** `--if-possible` (prepare, at install): a bundle that cannot be built is no failure; bin/ then runs the sources. */
const optional = process.argv.includes('--if-possible');
if (!existsSync(entry)) {
  if (optional) process.exit(0);
  throw new Error(`${entry} is missing`);
}
// Built beside, then swapped in: a process starting meanwhile sees the old bundle or the new one, never half of one.
const tmp = `${dist}.${process.pid}.tmp`;
rmSync(tmp, { recursive: true, force: true });
try {
  await bundle();
} catch (err) {
  rmSync(tmp, { recursive: true, force: true });
  if (!optional) throw err;
  console.warn(
    `OpsWatch: no bundle built (${err instanceof Error ? err.message : err}); bin/opswatch.js runs the sources.`,
  );
  process.exit(0);
}
const old = `${dist}.${process.pid}.old`;
if (existsSync(dist)) renameSync(dist, old);
renameSync(tmp, dist);
rmSync(old, { recursive: true, force: true });

async function bundle() {
  const { build } = await import('esbuild');
  await build({
    entryPoints: { opswatch: entry },
    outdir: tmp,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    // What the sources import lazily (Slack, the worker role) goes to chunks of its own, with the packages they
    // import: a role that never imports them never loads them.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    platform: 'node',
    format: 'esm',
    target: 'node22',
    packages: 'external',
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
  });
}
