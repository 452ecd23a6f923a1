import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { until as waitUntil } from './wait.js';

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

/** Polls `probe` until it gives a value (not null), or fails naming what it waited for (test/harness/wait.ts). */
export const until = <T>(what: string, probe: () => Promise<T | null> | T | null, ms = 30_000): Promise<T> =>
  waitUntil(what, probe, ms);

export interface OpsWatchProcess {
  /** http://127.0.0.1:PORT */
  url: string;
  /** The node process running `opswatch start`. */
  pid: number;
  child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  /** Resolves with its exit code (or signal) once it has ended. */
  exited: Promise<number | NodeJS.Signals | null>;
  stop(signal?: NodeJS.Signals): Promise<number | NodeJS.Signals | null>;
}

/**
 * `opswatch start` as `npm start` runs it (every role, no Slack) in a child process, on port 0; resolves once it
 * says where it listens, rejects with its output if it ends before.
 */
export async function startOpsWatchProcess(env: Record<string, string>): Promise<OpsWatchProcess> {
  const child = spawn(process.execPath, ['bin/opswatch.js', 'start'], {
    cwd: ROOT,
    env: cliEnv({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env }),
  });
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  let ended: number | NodeJS.Signals | null | undefined;
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.on('exit', (code, signal) => {
      ended = code ?? signal;
      resolve(ended);
    }),
  );
  const port = await until(
    'opswatch start to listen',
    () => {
      if (ended !== undefined) throw new Error(`opswatch start ended (${ended}) before listening:\n${out}`);
      const line = out.split('\n').find((l) => l.includes('"HTTP sidecar listening"'));
      return line ? (JSON.parse(line) as { port: number }).port : null;
    },
    120_000,
  );
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid ?? 0,
    child,
    output: () => out,
    exited,
    stop(signal = 'SIGTERM') {
      if (ended === undefined) child.kill(signal);
      return exited;
    },
  };
}
