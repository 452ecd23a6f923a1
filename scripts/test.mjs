#!/usr/bin/env node
// The one test command: typecheck, lint, then jest. Its last line is "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const bin = (name) => path.join('node_modules', '.bin', name);
const run = (cmd, args, env = process.env) => spawnSync(cmd, args, { stdio: 'inherit', env }).status ?? 1;

let failedSteps = 0;
console.log('> typecheck (tsc --noEmit)');
if (run(bin('tsc'), ['--noEmit']) !== 0) failedSteps++;
console.log('> lint (biome check)');
if (run(bin('biome'), ['check', '.']) !== 0) failedSteps++;

console.log('> jest');
const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'opswatch-jest-')), 'result.json');
const env = {
  ...process.env,
  NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules`.trim(),
};
const jestStatus = run(bin('jest'), ['--json', `--outputFile=${out}`, ...process.argv.slice(2)], env);
let passed = 0;
let failed = 0;
try {
  const result = JSON.parse(readFileSync(out, 'utf8'));
  passed = result.numPassedTests;
  failed = result.numFailedTests + (result.numRuntimeErrorTestSuites ?? 0);
} catch {
  failed += 1;
}
if (failedSteps) console.log(`${failedSteps} of the typecheck/lint steps failed`);
if (jestStatus !== 0 && failed === 0) failed = 1;
console.log(`${passed + 0} passed, ${failed + failedSteps} failed`);
process.exit(failed + failedSteps > 0 ? 1 : 0);
