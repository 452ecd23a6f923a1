#!/usr/bin/env node
// Runs OpsWatch: the bundle in dist/ (scripts/build.mjs) when it is there and newer than the sources, else the
// TypeScript sources through tsx's loader (a checkout whose bundle could not be built, or sources edited since).
// The bundle starts faster and uses about 40 MiB less memory: no TypeScript compiler, no source maps held.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bundle = path.join(root, 'dist', 'opswatch.mjs');

/** The newest modification time of the files under `dir` (0 when it does not exist). */
function newest(dir) {
  let latest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) latest = Math.max(latest, newest(p));
    else if (e.name.endsWith('.ts')) latest = Math.max(latest, statSync(p).mtimeMs);
  }
  return latest;
}

function bundleIsCurrent() {
  if (process.env.OPSWATCH_FROM_SOURCE === '1' || !existsSync(bundle)) return false;
  const built = statSync(bundle).mtimeMs;
  return built >= newest(path.join(root, 'src')) && built >= newest(path.join(root, 'migrations'));
}

if (bundleIsCurrent()) {
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
