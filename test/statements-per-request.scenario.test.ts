/**
 * What each request costs the database: the statements it sends, in order, and the round trips they take. Recorded
 * at the pool's connections for a fixed sequence of webhook and REST requests and compared with the exact list, so
 * a change to a store that adds a statement, or makes the code wait for an answer it did not wait for before, fails
 * here with the difference. Statements are named by their verb and first table, not by their text: a store may
 * rewrite a statement (from a `sql` template to Kysely's builder) without changing what a request costs.
 *
 * A round trip is a socket write with a statement whose answer the code waits for; on a light transaction the
 * statements sent without waiting (`command`, and `queryAhead`, whose answer is read later) travel with it. A
 * write of those alone (sent while the code awaited an answer already on its way, such as one asked ahead with
 * `queryAhead`) costs no round trip: it is counted with the write after it, so the figures do not depend on when
 * that answer arrives.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import { PgTx } from '../src/db/pg-tx.js';
import { startTestApp, TEST_API_KEY, type TestApp } from './harness/app.js';

let t: TestApp;

interface Sent {
  statement: string;
  /**
   * Sent with `command` or `queryAhead` on a light transaction: nobody waits for its answer when it leaves (an
   * answer asked ahead is read once a later statement's, or COMMIT's, has come).
   */
  command: boolean;
}

/** The statements of each socket write since the last reset, in order. */
let writes: Sent[][] = [];
const queued = new Map<pg.PoolClient, Sent[]>();
let sendingCommand = false;

const commandCompiled = PgTx.prototype.commandCompiled;
PgTx.prototype.commandCompiled = function (this: PgTx, ...args: Parameters<PgTx['commandCompiled']>) {
  sendingCommand = true;
  try {
    commandCompiled.apply(this, args);
  } finally {
    sendingCommand = false;
  }
};
const aheadCompiled = PgTx.prototype.aheadCompiled;
PgTx.prototype.aheadCompiled = function <T>(this: PgTx, ...args: Parameters<PgTx['aheadCompiled']>) {
  sendingCommand = true;
  try {
    return aheadCompiled.apply(this, args) as Promise<T[]>;
  } finally {
    sendingCommand = false;
  }
};

/** "verb table": `select incidents`, `insert alerts`, `update incidents`, `begin`… */
function statementOf(q: unknown): string {
  const text = typeof q === 'string' ? q : ((q as { text?: string }).text ?? '');
  const t = text.toLowerCase().replace(/\s+/g, ' ').trim();
  const verb = /^\w+/.exec(t)?.[0] ?? '?';
  const table = /\b(?:from|into|update)\s+"?(\w+)/.exec(t)?.[1];
  return table ? `${verb} ${table}` : verb;
}

function watch(client: pg.PoolClient): void {
  if (queued.has(client)) return;
  queued.set(client, []);
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    queued.get(client)!.push({ statement: statementOf(args[0]), command: sendingCommand });
    return query(...args);
  };
  const stream = (client as unknown as { connection: { stream: Record<string, unknown> } }).connection.stream;
  for (const method of ['_write', '_writev'] as const) {
    const original = (stream[method] as (...a: unknown[]) => unknown).bind(stream);
    stream[method] = (...a: unknown[]) => {
      const sent = queued.get(client)!;
      if (sent.length) writes.push([...sent]);
      queued.set(client, []);
      return original(...a);
    };
  }
}

/** One string per round trip: its statements, joined with " + " (a write nothing waits for joins the next). */
function roundTrips(sent: Sent[][]): string[] {
  const out: string[] = [];
  let carried: string[] = [];
  for (const w of sent) {
    carried.push(...w.map((s) => s.statement));
    if (w.every((s) => s.command)) continue;
    out.push(carried.join(' + '));
    carried = [];
  }
  if (carried.length) out.push(`${carried.join(' + ')} + …`);
  return out;
}

/**
 * The tenant's silences and maintenance windows are re-read in the ingest transaction at most every 2 s of
 * wall-clock time (src/domains/silences/silencer.ts): whether a request pays that round trip depends on how long
 * the previous one took, so it is left out and its first statements are joined to the next round trip.
 */
function withoutSilencerReload(trips: string[]): string[] {
  const out: string[] = [];
  let prefix = '';
  for (const trip of trips) {
    const reload = /^(.*?)(?: \+ )?select silences \+ select maintenance_windows$/.exec(trip);
    if (reload) {
      prefix = reload[1] ? `${reload[1]} + ` : '';
      continue;
    }
    out.push(prefix + trip);
    prefix = '';
  }
  return out;
}

beforeAll(async () => {
  t = await startTestApp();
  const pool = (await t.orm.em.getConnection().getNativeClient()) as pg.Pool;
  pool.on('acquire', watch);
});
afterAll(async () => {
  await t?.close();
});

/** Sends a request and returns what it wrote to the database, one string per socket write. */
async function cost(method: string, path: string, body?: unknown): Promise<string[]> {
  writes = [];
  for (const k of queued.keys()) queued.set(k, []);
  const res = await t.request(method, path, body);
  expect(res.status).toBeLessThan(300);
  await res.arrayBuffer();
  const unsent = [...queued.values()].filter((q) => q.length);
  return withoutSilencerReload(roundTrips([...writes, ...unsent]));
}

const generic = (alerts: unknown[]) => cost('POST', '/api/v1/webhooks/generic', { alerts });
const alert = (key: string, severity: number, status?: string) => ({
  title: 'Disk full',
  service: 'storage',
  environment: 'prod',
  dedup_key: key,
  severity,
  ...(status ? { status } : {}),
});

const pagerDuty = (event_action: string, dedup_key: string) =>
  cost('POST', '/v2/enqueue', {
    routing_key: TEST_API_KEY,
    event_action,
    dedup_key,
    payload: { summary: 'Replica lag', source: 'db-2', severity: 'error' },
  });

describe('statements and round trips per request', () => {
  it('ingest: the statements and round trips of each request (a new incident: one insert, its answer read after COMMIT)', async () => {
    const costs = {
      newGroup: await generic([alert('spr-1', 3)]),
      repeat: await generic([alert('spr-1', 3)]),
      joinsAndRaises: await generic([alert('spr-2', 1)]),
      batch: await generic([alert('spr-3', 2), alert('spr-4', 4), alert('spr-1', 3)]),
      resolveOne: await generic([alert('spr-1', 3, 'resolved')]),
      resolveRest: await generic([
        alert('spr-2', 1, 'resolved'),
        alert('spr-3', 2, 'resolved'),
        alert('spr-4', 4, 'resolved'),
      ]),
      pagerDutyTrigger: await pagerDuty('trigger', 'spr-pd'),
      pagerDutyAcknowledge: await pagerDuty('acknowledge', 'spr-pd'),
      pagerDutyResolve: await pagerDuty('resolve', 'spr-pd'),
    };
    // Starting the escalations of a transaction's new incidents is one statement sent without waiting (`with
    // incidents`: policies, snapshots, timeline notices and the engine's NOTIFY worked out by the database), and
    // stopping one (acknowledge, resolve) one more whose answer (the pages cancelled) is read later; what still
    // waits is the read of the DMs sent to update (`select pages`).
    expect(costs).toEqual({
      newGroup: [
        'select api_keys',
        'update api_keys',
        'start',
        'select',
        'set',
        'select tenants',
        'commit',
        'begin + select + select unnest + select incidents + set + with unnest + insert alerts',
        'insert incidents + insert timeline_entries + insert services + with incidents + with jsonb_to_recordset + insert timeline_entries + commit',
      ],
      repeat: ['begin + select + select unnest + select incidents + insert alerts + with unnest', 'commit'],
      // Raised to P1: its status update cadence starts (one statement sent with the COMMIT).
      joinsAndRaises: [
        'begin + select + select unnest + select incidents + insert alerts + with unnest',
        'update incidents + insert timeline_entries + insert incident_update_cadences + commit',
      ],
      batch: [
        'begin + select + select unnest + select incidents + insert alerts + with unnest',
        'insert timeline_entries + commit',
      ],
      resolveOne: [
        'begin + select + select alerts',
        'select unnest + select incidents + with unnest',
        'update alerts',
        'select alerts',
        'select incidents',
        'insert timeline_entries + commit',
      ],
      resolveRest: [
        'begin + select + select alerts',
        'select unnest + select incidents + with unnest',
        'update alerts',
        'select alerts',
        'select incidents',
        'insert timeline_entries + update alerts',
        'update incidents + insert timeline_entries + with escalations + select pages',
        'update incident_channels + insert kb_asks + commit',
      ],
      // A P1 or P2 opens with its status update cadence (sent with the rest, nobody waits for it).
      pagerDutyTrigger: [
        'begin + select + select unnest + select incidents + set + with unnest + insert alerts',
        'insert incidents + insert timeline_entries + insert services + with incidents + with jsonb_to_recordset + insert incident_update_cadences + insert timeline_entries + commit',
      ],
      pagerDutyAcknowledge: [
        'begin + select + select alerts',
        'select unnest + select incidents + with unnest',
        'select alerts',
        'select incidents',
        'update incidents + insert timeline_entries + with escalations + select pages',
        'commit',
      ],
      pagerDutyResolve: [
        'begin + select + select alerts',
        'select unnest + select incidents + with unnest',
        'update alerts',
        'select alerts',
        'select incidents',
        'insert timeline_entries + update alerts',
        'update incidents + insert timeline_entries + with escalations + select pages',
        'update incident_channels + insert kb_asks + commit',
      ],
    });
  });

  it('REST: the statements and round trips of each request', async () => {
    await t.request('POST', '/api/v1/users', {
      name: 'Sam Example',
      email: 'sam@example.com',
      timeZone: 'UTC',
    });
    const declared = await t.request('POST', '/api/v1/incidents', {
      title: 'Checkout latency',
      service: 'checkout',
      environment: 'prod',
      severity: 'P2',
    });
    const { ref } = (await declared.json()) as { ref: string };
    const costs = {
      declare: await cost('POST', '/api/v1/incidents', {
        title: 'Search latency',
        service: 'search',
        environment: 'prod',
        severity: 'P3',
      }),
      get: await cost('GET', `/api/v1/incidents/${ref}`),
      list: await cost('GET', '/api/v1/incidents?status=open&limit=5'),
      acknowledge: await cost('POST', `/api/v1/incidents/${ref}/acknowledge`),
      assign: await cost('POST', `/api/v1/incidents/${ref}/assign`, { user: 'sam@example.com' }),
      note: await cost('POST', `/api/v1/incidents/${ref}/notes`, { text: 'Rolled back' }),
      resolve: await cost('POST', `/api/v1/incidents/${ref}/resolve`, { note: 'fixed' }),
      alerts: await cost('GET', '/api/v1/alerts?status=resolved&limit=5'),
    };
    expect(costs).toEqual({
      declare: [
        'begin',
        'select',
        'set',
        'insert incidents',
        'insert timeline_entries',
        'insert services',
        'with incidents',
        'with jsonb_to_recordset',
        'select incidents',
        'select alerts',
        'select services',
        'insert timeline_entries',
        'commit',
      ],
      get: [
        'start',
        'select',
        'set',
        'select incidents',
        'select alerts',
        'select alerts',
        'select timeline_entries',
        'commit',
      ],
      list: ['start', 'select', 'set', 'select incidents', 'select alerts', 'commit'],
      acknowledge: [
        'begin',
        'select',
        'set',
        'select incidents',
        'select incidents',
        'update incidents',
        'insert timeline_entries',
        'with escalations',
        'select pages',
        'select incidents',
        'select alerts',
        'select outbox',
        'commit',
      ],
      assign: [
        'begin',
        'select',
        'set',
        'select incidents',
        'select incidents',
        'select users',
        'update incidents',
        'insert timeline_entries',
        'select pages',
        'select incidents',
        'select alerts',
        'select outbox',
        'commit',
      ],
      note: [
        'begin',
        'select',
        'set',
        'select incidents',
        'select incidents',
        'insert timeline_entries',
        'select incidents',
        'select alerts',
        'select outbox',
        'commit',
      ],
      resolve: [
        'begin',
        'select',
        'set',
        'select incidents',
        'select incidents',
        'update alerts',
        'update incidents',
        'insert timeline_entries',
        'with escalations',
        'select pages',
        'update incident_channels',
        'select incidents',
        'select kb_incident_signatures',
        'select alerts',
        'with kb_incident_signatures',
        'insert kb_resolutions',
        'with kb_entries',
        'select incidents',
        'select alerts',
        'select outbox',
        'commit',
      ],
      alerts: ['start', 'select', 'set', 'select alerts', 'select incidents', 'commit'],
    });
  });
});
