import type { CompiledQuery, QueryExecutorProvider, RawBuilder } from 'kysely';
import type pg from 'pg';

/** Distinct statement texts a process names (prepares) at most; further texts run unnamed. */
const MAX_NAMED_STATEMENTS = 500;

const names = new Map<string, string>();

/**
 * The prepared-statement name of a SQL text (the same text always gets the same name), or undefined once
 * the process has named MAX_NAMED_STATEMENTS texts — a guard against statements whose text varies with
 * their input, which would otherwise grow every connection's statement cache without bound.
 */
export function statementName(text: string): string | undefined {
  const known = names.get(text);
  if (known || names.size >= MAX_NAMED_STATEMENTS) return known;
  const name = `ow_${names.size + 1}`;
  names.set(text, name);
  return name;
}

/**
 * A transaction on one pooled `pg` connection, without the ORM's unit of work around it. Statements are
 * compiled by kysely (so stores keep writing `sql` templates) and sent as named prepared statements: the
 * server parses and plans each text once per connection instead of on every execution.
 */
export class PgTx {
  constructor(
    private readonly client: pg.PoolClient,
    private readonly compiler: QueryExecutorProvider,
  ) {}

  async run<T>(q: RawBuilder<T>): Promise<T[]> {
    return this.runCompiled<T>(q.compile(this.compiler));
  }

  async runCompiled<T>(compiled: CompiledQuery<unknown>): Promise<T[]> {
    const text = compiled.sql;
    const values = compiled.parameters as unknown[];
    const name = statementName(text);
    const res = await this.client.query(name ? { name, text, values } : { text, values });
    return res.rows as T[];
  }
}
