import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository: the command line runs from here, as `npm run opswatch` does. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Only PATH and what the test gives: never the test run's own DATABASE_URL or data folder. */
function cliEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', ...env };
}

/**
 * Runs `opswatch ARGS` (bin/opswatch.js) to its end. Asynchronous on purpose: spawnSync would stop this process's
 * event loop for the whole run, and with it every server the test runs in this process — whose keep-alive timers
 * then fire late, just as the test's next fetch reuses the kept-alive connection they close (ECONNRESET).
 */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/opswatch.js', ...args], { cwd: ROOT, env: cliEnv(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`opswatch ${args.join(' ')} did not end within ${timeoutMs} ms\n${stdout}\n${stderr}`),
      );
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

/** Polls `probe` until it gives a value (not null), or fails naming what it waited for. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | null> | T | null,
  ms = 30_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const got = await probe();
    if (got !== null) return got;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
