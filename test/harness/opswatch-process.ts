import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** One pino line the process wrote. */
export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** `opswatch start` as a child process, the way an operator runs it. */
export interface OpsWatchProcess {
  /** The sidecar's base URL (known once it logged that it listens). */
  url: string;
  logs: LogLine[];
  /** Whatever the process wrote to stdout that was not a log line, and all of stderr. */
  otherOutput: string[];
  /** Set when the process has exited. */
  exit: { code: number | null; signal: NodeJS.Signals | null } | null;
  /** Prometheus text from /metrics: the value of one sample (0 when absent). */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** SIGTERM, then waits for it to exit; returns its exit code. */
  stop(): Promise<number | null>;
}

function sampleValue(text: string, name: string, labels: Record<string, string>): number {
  const want = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(',');
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = (m[2] ?? '').split(',').filter(Boolean).sort().join(',');
    if (have === want) return Number(m[3]);
  }
  return 0;
}

/**
 * Spawns `node bin/opswatch.js start` with exactly `env` (plus PATH), and resolves once its HTTP sidecar listens
 * (PORT=0 lets it pick a port; the log line says which). Rejects if it exits first.
 */
export async function startOpsWatchProcess(env: Record<string, string>): Promise<OpsWatchProcess> {
  const child: ChildProcess = spawn(process.execPath, ['bin/opswatch.js', 'start'], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc: OpsWatchProcess = {
    url: '',
    logs: [],
    otherOutput: [],
    exit: null,
    async metric(name, labels = {}) {
      const res = await fetch(`${proc.url}/metrics`);
      return sampleValue(await res.text(), name, labels);
    },
    async stop() {
      if (proc.exit) return proc.exit.code;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
      return proc.exit === null ? null : (proc.exit as { code: number | null }).code;
    },
  };
  child.on('exit', (code, signal) => {
    proc.exit = { code, signal };
  });
  createInterface({ input: child.stderr! }).on('line', (line) => proc.otherOutput.push(line));
  const listening = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let parsed: LogLine | null = null;
      try {
        parsed = JSON.parse(line) as LogLine;
      } catch {
        proc.otherOutput.push(line);
        return;
      }
      proc.logs.push(parsed);
      if (parsed.msg === 'HTTP sidecar listening' && typeof parsed.port === 'number') {
        proc.url = `http://127.0.0.1:${parsed.port}`;
        resolve();
      }
    });
    child.once('exit', (code) =>
      reject(new Error(`opswatch exited (code ${code}) before listening:\n${proc.otherOutput.join('\n')}`)),
    );
  });
  await listening;
  return proc;
}
