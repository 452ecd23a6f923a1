import type { Config } from '../config.js';
import { migrate, type Orm, openOrm } from '../db/orm.js';
import { openDatabase } from '../main.js';
import type { Logger } from '../shared/logger.js';

/**
 * Runs a one-shot command against OpsWatch's database: DATABASE_URL, the embedded PostgreSQL an OpsWatch is
 * already running on the data folder (joined, and left running), or an embedded one started for the command and
 * stopped after it. The database is closed (and stopped, if started here) whether the command succeeds or fails.
 */
export async function withDatabase<T>(
  config: Config,
  log: Logger,
  command: string,
  run: (orm: Orm) => Promise<T>,
  opts: { migrate?: boolean } = {},
): Promise<T> {
  const db = await openDatabase(config, log, { command, join: true });
  try {
    const orm = await openOrm({ url: db.url, poolMax: 2 });
    try {
      if (opts.migrate ?? true) await migrate(orm);
      return await run(orm);
    } finally {
      await orm.close(true);
    }
  } finally {
    await db.stop();
  }
}
