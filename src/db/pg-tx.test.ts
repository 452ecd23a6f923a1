import { describe, expect, it } from '@jest/globals';
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql,
} from 'kysely';
import type pg from 'pg';
import { PgTx, type PipelineClient, renameStatements, statementName } from './pg-tx.js';

const compiler = new Kysely<Record<string, never>>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

interface Sent {
  text: string;
  name: string | undefined;
  values: unknown[];
  answer(rows?: unknown[], command?: string): void;
  fail(err: Error): void;
}

/** A client that records what is sent and answers only when told to (like a server in pipeline mode). */
function fakeClient() {
  const sent: Sent[] = [];
  const client = {
    pipeline: false,
    corks: 0,
    connection: {
      stream: {
        cork: () => {
          client.corks++;
        },
        uncork: () => {
          client.corks--;
        },
      },
    },
    query(config: string | { text: string; name?: string; values?: unknown[] }) {
      const c = typeof config === 'string' ? { text: config } : config;
      return new Promise<pg.QueryResult>((resolve, reject) => {
        sent.push({
          text: c.text,
          name: c.name,
          values: c.values ?? [],
          answer: (rows = [], command = c.text.split(' ')[0]!.toUpperCase()) =>
            resolve({ rows, command } as unknown as pg.QueryResult),
          fail: reject,
        });
      });
    },
  };
  return { client: client as typeof client & PipelineClient, sent };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('statementName', () => {
  it('gives a text the same name every time and different texts different names', () => {
    const a = statementName('select 1 -- pg-tx.test a');
    const b = statementName('select 1 -- pg-tx.test b');
    expect(a).toMatch(/^ow\d+_\d+$/);
    expect(statementName('select 1 -- pg-tx.test a')).toBe(a);
    expect(b).not.toBe(a);
  });

  it('names every text anew after renameStatements', () => {
    const before = statementName('select 1 -- pg-tx.test c');
    renameStatements();
    const after = statementName('select 1 -- pg-tx.test c');
    expect(after).not.toBe(before);
    expect(statementName('select 1 -- pg-tx.test c')).toBe(after);
  });
});

describe('PgTx', () => {
  it('sends BEGIN and commands without waiting, in order, then the awaited statement', async () => {
    const { client, sent } = fakeClient();
    const tx = new PgTx(client, compiler);
    tx.begin();
    expect(client.pipeline).toBe(true);
    tx.command(sql`select lock(${'g1'})`);
    const rows = tx.run<{ id: number }>(sql`select id from t where k = ${'x'}`);
    expect(sent.map((s) => s.text)).toEqual(['begin', 'select lock($1)', 'select id from t where k = $1']);
    expect(sent[2]?.name).toMatch(/^ow\d+_/);
    expect(sent[2]?.values).toEqual(['x']);
    expect(client.corks).toBe(1);
    await tick();
    expect(client.corks).toBe(0);
    for (const s of sent) s.answer(s.text.startsWith('select id') ? [{ id: 7 }] : []);
    await expect(rows).resolves.toEqual([{ id: 7 }]);
    const committed = tx.commit();
    await tick();
    sent[3]?.answer([], 'COMMIT');
    await expect(committed).resolves.toBeUndefined();
    tx.end();
    expect(client.pipeline).toBe(false);
  });

  it("fails the next awaited statement with a command's own error, not the aborted-transaction one", async () => {
    const { client, sent } = fakeClient();
    const tx = new PgTx(client, compiler);
    tx.begin();
    tx.command(sql`insert into t values (${1})`);
    const rows = tx.run(sql`select 1`);
    sent[0]?.answer();
    sent[1]?.fail(new Error('duplicate key'));
    sent[2]?.fail(new Error('current transaction is aborted'));
    await expect(rows).rejects.toThrow('duplicate key');
  });

  it('fails COMMIT when a command sent with it failed', async () => {
    const { client, sent } = fakeClient();
    const tx = new PgTx(client, compiler);
    tx.begin();
    tx.command(sql`insert into timeline values (${1})`);
    const committed = tx.commit();
    expect(sent.map((s) => s.text)).toEqual(['begin', 'insert into timeline values ($1)', 'commit']);
    sent[0]?.answer();
    sent[1]?.fail(new Error('foreign key violation'));
    sent[2]?.answer([], 'ROLLBACK');
    await expect(committed).rejects.toThrow('foreign key violation');
  });

  it('refuses to call a transaction committed when the server rolled it back', async () => {
    const { client, sent } = fakeClient();
    const tx = new PgTx(client, compiler);
    tx.begin();
    const committed = tx.commit();
    sent[0]?.answer();
    sent[1]?.answer([], 'ROLLBACK');
    await expect(committed).rejects.toThrow(/rolled back/);
  });

  it('rolls back after every statement in flight has answered', async () => {
    const { client, sent } = fakeClient();
    const tx = new PgTx(client, compiler);
    tx.begin();
    tx.command(sql`update t set x = ${1}`);
    const rolledBack = tx.rollback();
    expect(sent.map((s) => s.text)).toEqual(['begin', 'update t set x = $1', 'rollback']);
    for (const s of sent) s.answer();
    await expect(rolledBack).resolves.toBeUndefined();
  });
});
