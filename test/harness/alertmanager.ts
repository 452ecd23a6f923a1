/** A real Prometheus Alertmanager (Debian's prometheus-alertmanager) run by a test, on a free port of its own. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { until } from './wait.js';

export const ALERTMANAGER_BIN = process.env.ALERTMANAGER_BIN ?? '/usr/bin/prometheus-alertmanager';
export const alertmanagerPresent = existsSync(ALERTMANAGER_BIN);

export interface RunningAlertmanager {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Stops it (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });

/**
 * Starts Alertmanager with `dir/alertmanager.yml` (its data under `dir/data`, no cluster) and waits until it is
 * ready.
 */
export async function startAlertmanager(dir: string): Promise<RunningAlertmanager> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const p = spawn(
    ALERTMANAGER_BIN,
    [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { stdio: 'ignore' },
  );
  await until('Alertmanager to be ready', async () =>
    (await fetch(`${url}/-/ready`).catch(() => null))?.ok ? true : null,
  );
  const stop = async (): Promise<void> => {
    if (p.exitCode !== null || p.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGTERM');
    });
  };
  return { url, stop };
}
