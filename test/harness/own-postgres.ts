import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type EmbeddedDatabase, freePort, startEmbeddedPostgres } from '../../src/db/embedded.js';

/** A PostgreSQL server a test owns outright, so it can stop it (fast shutdown) and start it again. */
export interface OwnPostgres {
  /** The same URL across restarts (same folder, same port). */
  url: string;
  /** Fast shutdown: every session is ended with 57P01, then connections are refused. */
  stop(): Promise<void>;
  /** Starts the same cluster again on the same port. */
  start(): Promise<void>;
  /** Stops it (if running) and deletes its folder. */
  destroy(): Promise<void>;
}

/**
 * An embedded PostgreSQL in a temporary folder, on a port fixed at first start. Never the machine's shared
 * server: other test runs use that one. The folder is mode 755 because, as root, the server runs as `postgres`.
 */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'opswatch-own-pg-'));
  await chmod(dir, 0o755);
  const port = await freePort();
  let running: EmbeddedDatabase | null = await startEmbeddedPostgres(dir, undefined, { port });
  const url = running.url;
  return {
    url,
    async stop() {
      const db = running;
      running = null;
      await db?.stop();
    },
    async start() {
      if (!running) running = await startEmbeddedPostgres(dir, undefined, { port });
    },
    async destroy() {
      const db = running;
      running = null;
      await db?.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
