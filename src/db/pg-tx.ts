import { finished } from 'node:stream/promises';
import type { CompiledQuery, QueryExecutorProvider, RawBuilder } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** Distinct statement texts a process names (prepares) at most; further texts run unnamed. */
const MAX_NAMED_STATEMENTS = 500;

let names = new Map<string, string>();
let generation = 1;

/**
 * The prepared-statement name of a SQL text (the same text always gets the same name), or undefined once
 * the process has named MAX_NAMED_STATEMENTS texts — a guard against statements whose text varies with
 * their input, which would otherwise grow every connection's statement cache without bound.
 */
export function statementName(text: string): string | undefined {
  const known = names.get(text);
  if (known || names.size >= MAX_NAMED_STATEMENTS) return known;
  const name = `ow${generation}_${names.size + 1}`;
  names.set(text, name);
  return name;
}

/**
 * Gives every text a new name from now on, so each connection prepares it again. For after a schema change
 * that altered a prepared statement's result (PostgreSQL then refuses the old plan: "cached plan must not
 * change result type"); the old statements stay on their connections, unused, until those close.
 */
export function renameStatements(): void {
  names = new Map();
  generation++;
}

/**
 * The slice of `pg.PoolClient` a PgTx uses: `pipeline` is pg's pipeline-mode switch (a Client property,
 * read on every send), `connection.stream` the socket (optional: only for corking).
 */
export type PipelineClient = Pick<pg.PoolClient, 'query'> & {
  pipeline: boolean;
  connection?: { stream?: { cork(): void; uncork(): void } };
};

/**
 * A transaction on one pooled `pg` connection, without the ORM's unit of work around it.
 *
 * - Statements are compiled by kysely (stores keep writing `sql` templates) and sent as named prepared
 *   statements: the server parses and plans each text once per connection instead of on every execution.
 * - The connection runs in pg's pipeline mode while the transaction lasts, and statements whose result
 *   nobody reads (`command`: locks, timeline inserts, updates) are sent without waiting for their answer.
 *   They travel with the next statement that is awaited, or with COMMIT, so a transaction costs one round
 *   trip per statement whose result matters instead of one per statement. Order is kept (one connection,
 *   one stream); each statement still runs on its own, after the ones before it, with its own snapshot.
 * - A failed command fails the transaction: the next awaited statement (or COMMIT) throws its error.
 */
export class PgTx {
  private pending: Promise<void>[] = [];
  private failure: { error: unknown } | undefined;

  constructor(
    private readonly client: PipelineClient,
    private readonly compiler: QueryExecutorProvider,
  ) {}

  /** Starts the transaction; BEGIN goes out with the first statement. */
  begin(): void {
    this.client.pipeline = true;
    this.defer(this.query('begin'));
  }

  /** Runs a statement and returns its rows (after every statement sent before it has answered). */
  async run<T>(q: RawBuilder<T>): Promise<T[]> {
    return this.runCompiled<T>(q.compile(this.compiler));
  }

  async runCompiled<T>(compiled: CompiledQuery<unknown>): Promise<T[]> {
    const answer = this.send(compiled);
    let rows: T[];
    try {
      rows = (await answer).rows as T[];
    } catch (err) {
      await this.settle();
      throw this.failure ? this.failure.error : err;
    }
    await this.settle();
    if (this.failure) throw this.failure.error;
    return rows;
  }

  /**
   * Sends a statement whose rows are read later (`queryAhead`): nothing waits for them now, they arrive with the
   * next statement awaited or with COMMIT. Runs as `runCompiled`; named apart so what waits can be told apart.
   */
  aheadCompiled<T>(compiled: CompiledQuery<unknown>): Promise<T[]> {
    return this.runCompiled<T>(compiled);
  }

  /** Sends a statement whose result is not needed; its failure surfaces at the next awaited statement. */
  command(q: RawBuilder<unknown>): void {
    this.commandCompiled(q.compile(this.compiler));
  }

  commandCompiled(compiled: CompiledQuery<unknown>): void {
    if (this.failure) return;
    this.defer(this.send(compiled));
  }

  /**
   * Runs `COPY … FROM STDIN` with `data` (COPY's text format, see copy-text.ts) in the transaction, after every
   * statement sent before it has answered; resolves with the number of rows copied once the server has taken
   * them all. COPY holds the connection to itself, which pipeline mode cannot do: the rest of the transaction
   * (COMMIT included) runs one statement at a time.
   */
  async copyFrom(statement: string, data: readonly (string | Buffer)[]): Promise<number> {
    await this.settle();
    if (this.failure) throw this.failure.error;
    this.client.pipeline = false;
    const stream = this.client.query(copyFrom(statement));
    for (const chunk of data) stream.write(chunk);
    stream.end();
    await finished(stream);
    return stream.rowCount;
  }

  /**
   * Commits; throws if any statement of the transaction failed, or if the server answered COMMIT with a
   * rollback (it does, without an error, when an earlier statement aborted the transaction).
   */
  async commit(): Promise<void> {
    const committed = this.query('commit');
    await this.settle();
    if (this.failure) {
      await committed.catch(() => undefined);
      throw this.failure.error;
    }
    const answer = await committed;
    if (answer.command !== 'COMMIT') {
      throw new Error(`The transaction was rolled back instead of committed (${answer.command}).`);
    }
  }

  async rollback(): Promise<void> {
    const rolledBack = this.query('rollback');
    await this.settle();
    await rolledBack;
  }

  /** Leaves pipeline mode, once nothing is in flight, before the connection goes back to the pool. */
  end(): void {
    this.client.pipeline = false;
  }

  private corked = false;

  /**
   * Everything sent in one turn of the event loop leaves in one socket write: the socket is corked at the
   * first send and uncorked on the next tick (pg corks the same stream around each of its queries too).
   */
  private cork(): void {
    if (this.corked) return;
    this.corked = true;
    const stream = this.client.connection?.stream;
    stream?.cork();
    process.nextTick(() => {
      this.corked = false;
      stream?.uncork();
    });
  }

  private query(text: string): Promise<pg.QueryResult> {
    this.cork();
    return this.client.query(text);
  }

  private send(compiled: CompiledQuery<unknown>): Promise<pg.QueryResult> {
    this.cork();
    const text = compiled.sql;
    const values = compiled.parameters as unknown[];
    const name = statementName(text);
    return this.client.query(name ? { name, text, values } : { text, values });
  }

  private defer(answer: Promise<unknown>): void {
    this.pending.push(
      answer.then(
        () => undefined,
        (error: unknown) => {
          this.failure ??= { error };
        },
      ),
    );
  }

  private async settle(): Promise<void> {
    while (this.pending.length) {
      const sent = this.pending;
      this.pending = [];
      await Promise.all(sent);
    }
  }
}
