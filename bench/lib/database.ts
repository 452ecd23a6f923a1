/** A throwaway database for a benchmark run, on the machine's PostgreSQL (or one given by URL). */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const DEFAULT_ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/test';

export interface BenchDatabase {
  url: string;
  /** Null when the database was given (BENCH_DATABASE_URL) rather than created here. */
  createdName: string | null;
  drop(): Promise<void>;
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Uses `givenUrl` as is, or creates `ow_bench_<random>` through `adminUrl`; `drop()` removes only the latter. */
export async function benchDatabase(adminUrl: string, givenUrl?: string): Promise<BenchDatabase> {
  if (givenUrl) return { url: givenUrl, createdName: null, drop: async () => {} };
  const name = `ow_bench_${randomBytes(5).toString('hex')}`;
  await withClient(adminUrl, (c) => c.query(`create database ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    createdName: name,
    async drop() {
      if (dropped) return;
      dropped = true;
      await withClient(adminUrl, (c) => c.query(`drop database if exists ${name} with (force)`));
    },
  };
}

/** Row counts of the tables ingestion writes, to check that what was answered 200 was stored. */
export async function ingestCounts(
  url: string,
): Promise<{ alerts: number; incidents: number; timeline: number }> {
  return withClient(url, async (c) => {
    const r = await c.query<{ alerts: string; incidents: string; timeline: string }>(
      `select (select count(*) from alerts) as alerts, (select count(*) from incidents) as incidents,
              (select count(*) from timeline_entries) as timeline`,
    );
    const row = r.rows[0];
    return {
      alerts: Number(row?.alerts ?? Number.NaN),
      incidents: Number(row?.incidents ?? Number.NaN),
      timeline: Number(row?.timeline ?? Number.NaN),
    };
  });
}

/** Process ids of the PostgreSQL backends connected to database `name` right now. */
export async function backendPids(adminUrl: string, name: string): Promise<number[]> {
  return withClient(adminUrl, async (c) => {
    const r = await c.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [name]);
    return r.rows.map((row) => row.pid);
  });
}

/** Refreshes planner statistics, as autovacuum would on a production server (it is off on some test servers). */
export async function analyze(url: string): Promise<void> {
  await withClient(url, (c) => c.query('analyze'));
}

/** Whether autovacuum is on for the server at `url`. */
export async function autovacuumOn(url: string): Promise<boolean> {
  return withClient(url, async (c) => {
    const r = await c.query<{ autovacuum: string }>('show autovacuum');
    return r.rows[0]?.autovacuum === 'on';
  });
}

/** Incidents by status and outbox rows by status, to see that clicks took effect and Slack work has drained. */
export async function slackCounts(url: string): Promise<{
  incidents: Record<string, number>;
  outbox: Record<string, number>;
}> {
  return withClient(url, async (c) => {
    const inc = await c.query<{ status: string; n: string }>(
      'select status, count(*) as n from incidents group by status',
    );
    const out = await c.query<{ status: string; n: string }>(
      'select status, count(*) as n from outbox group by status',
    );
    const toMap = (rows: { status: string; n: string }[]) =>
      Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    return { incidents: toMap(inc.rows), outbox: toMap(out.rows) };
  });
}

/** When each of these incidents was acknowledged (ms since the epoch; absent while it is not). */
export async function acknowledgedAt(url: string, ids: readonly string[]): Promise<Map<string, number>> {
  return withClient(url, async (c) => {
    const r = await c.query<{ id: string; at: Date }>(
      'select id, acknowledged_at as at from incidents where id = any($1::uuid[]) and acknowledged_at is not null',
      [ids],
    );
    return new Map(r.rows.map((row) => [row.id, new Date(row.at).getTime()]));
  });
}
