/** Child processes for the benchmarks: start, wait until ready, read memory and CPU from /proc, stop. */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const TAIL_BYTES = 8_000;

export class Child {
  private readonly proc: ChildProcess;
  private tail = '';
  private exited: { code: number | null; signal: string | null } | null = null;
  private readonly done: Promise<void>;

  constructor(
    readonly name: string,
    command: string,
    args: readonly string[],
    options: { cwd?: string; env?: NodeJS.ProcessEnv },
  ) {
    this.proc = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => {
      this.tail = (this.tail + chunk.toString()).slice(-TAIL_BYTES);
    };
    this.proc.stdout?.on('data', keep);
    this.proc.stderr?.on('data', keep);
    this.done = new Promise((resolve) => {
      this.proc.on('exit', (code, signal) => {
        this.exited = { code, signal };
        resolve();
      });
      this.proc.on('error', (err) => {
        this.tail += `\nspawn error: ${err.message}`;
        this.exited = { code: null, signal: null };
        resolve();
      });
    });
  }

  get pid(): number {
    return this.proc.pid ?? -1;
  }

  get running(): boolean {
    return this.exited === null;
  }

  output(): string {
    return this.tail;
  }

  /** Polls `url` until it answers 200; throws with the child's recent output if it exits or times out. */
  async waitReady(url: string, timeoutMs = 60_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (!this.running) {
        throw new Error(`${this.name} exited (${JSON.stringify(this.exited)}) before ready:\n${this.tail}`);
      }
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
        await res.arrayBuffer();
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(`${this.name} not ready at ${url} after ${timeoutMs} ms:\n${this.tail}`);
  }

  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  async stop(graceMs = 5_000): Promise<void> {
    if (!this.running) return;
    this.proc.kill('SIGTERM');
    const timer = sleep(graceMs).then(() => 'timeout' as const);
    if ((await Promise.race([this.done.then(() => 'exited' as const), timer])) === 'timeout') {
      this.proc.kill('SIGKILL');
      await this.done;
    }
  }
}

/** A field of /proc/<pid>/status in bytes (VmHWM = peak RSS, VmRSS = current), or NaN when unreadable. */
export function procMemory(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
    return m?.[1] ? Number(m[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

function statCpuSeconds(pid: string): { comm: string; seconds: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    // Fields after "(comm) ": state(0) ... utime(11) stime(12).
    return { comm, seconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND };
  } catch {
    return null;
  }
}

/** User + system CPU seconds used so far by one process. */
export function cpuSeconds(pid: number): number {
  return statCpuSeconds(String(pid))?.seconds ?? Number.NaN;
}

/** CPU seconds used so far by each of `pids` (absent ones are left out). */
export function cpuSecondsOf(pids: readonly number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    const s = statCpuSeconds(String(pid));
    if (s) out.set(pid, s.seconds);
  }
  return out;
}

/** Busy and total CPU seconds of the whole machine so far (all cores, from /proc/stat). */
export function machineCpuSeconds(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return { busy: (total - idle) / TICKS_PER_SECOND, total: total / TICKS_PER_SECOND };
}

export interface CpuUse {
  /** CPU seconds of the process under test, of the PostgreSQL backends (NaN when not watched), of this process. */
  server: number;
  postgres: number;
  client: number;
  /** Busy share (0..1) of all the machine's cores over the window. */
  machineShare: number;
}

/**
 * Starts measuring CPU use over a window: of `pid`, of the processes `pgPids()` lists (read at both ends, so
 * backends that come and go mid-window are partly missed), of this process and of the machine.
 */
export async function cpuWindow(
  pid: number,
  pgPids?: () => Promise<number[]>,
): Promise<{ stop(): Promise<CpuUse> }> {
  const server0 = cpuSeconds(pid);
  const pg0 = cpuSecondsOf((await pgPids?.()) ?? []);
  const machine0 = machineCpuSeconds();
  const client0 = process.cpuUsage();
  return {
    async stop() {
      const client = process.cpuUsage(client0);
      const machine1 = machineCpuSeconds();
      const server = cpuSeconds(pid) - server0;
      let postgres = Number.NaN;
      if (pgPids) {
        postgres = 0;
        for (const [p, s] of cpuSecondsOf(await pgPids())) postgres += s - (pg0.get(p) ?? 0);
      }
      return {
        server,
        postgres,
        client: (client.user + client.system) / 1e6,
        machineShare: (machine1.busy - machine0.busy) / (machine1.total - machine0.total),
      };
    },
  };
}
