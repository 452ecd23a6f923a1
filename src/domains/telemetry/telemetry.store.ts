import { CopyBuffer } from '../../db/copy-text.js';
import type { PgTx } from '../../db/pg-tx.js';
import { command, type Em, query, queryOne, sql } from '../../db/sql.js';
import { DAY_MS } from '../../shared/durations.js';
import type { LogLevel } from './telemetry.types.js';

/** A Bronze row to write (already redacted). */
export interface BronzeRow {
  tenantId: string;
  time: Date;
  service: string;
  level: LogLevel;
  severity: number;
  message: string;
  /** The redacted attributes, as JSON text. */
  context: string;
  traceId: string | null;
  spanId: string | null;
  userHash: string | null;
  durationMs: number | null;
}

/** A Bronze row as read. */
export interface LogEntryRow {
  id: string;
  time: string | Date;
  service: string;
  level: string;
  message: string;
  context: Record<string, unknown>;
  trace_id: string | null;
  span_id: string | null;
  user_hash: string | null;
  duration_ms: number | null;
  incident_id: string | null;
}

/** The advisory lock of Bronze's purge: one replica drops partitions at a time. */
const PURGE_LOCK = 0x0a_5e_4c_01;

/** `log_entries_p20261202`: the partition holding that UTC day. */
export const partitionName = (day: Date) =>
  `log_entries_p${day.toISOString().slice(0, 10).replaceAll('-', '')}`;

/** The UTC day (00:00) of an instant. */
export const dayOf = (at: Date) => new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));

/** The day a partition name holds, or null for a name not of that shape. */
export function dayOfPartition(name: string): Date | null {
  const m = /^log_entries_p(\d{4})(\d{2})(\d{2})$/.exec(name);
  return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
}

export const telemetryStore = {
  /** The install's secret of that name, created with `fresh` at first use (the first writer's wins). */
  async installSecret(em: Em, name: string, fresh: string): Promise<string> {
    await command(
      em,
      sql`insert into install_secrets (name, value) values (${name}, ${fresh}) on conflict do nothing`,
    );
    const row = await queryOne<{ value: string }>(
      em,
      sql`select value from install_secrets where name = ${name}`,
    );
    if (!row) throw new Error(`install secret ${name} missing`);
    return row.value;
  },

  /**
   * Creates the day's partition unless it exists (system scope: DDL). `lock_timeout` keeps it from queueing
   * behind a long reader of the parent for long; a concurrent creator's duplicate is no failure.
   */
  async ensurePartition(em: Em, day: Date): Promise<void> {
    const from = dayOf(day);
    const to = new Date(from.getTime() + DAY_MS);
    const name = partitionName(from);
    await command(em, sql`set local lock_timeout = '5s'`);
    await command(
      em,
      sql.raw(
        `do $$ begin
           create table if not exists ${name} partition of log_entries
             for values from ('${from.toISOString()}') to ('${to.toISOString()}');
         exception when duplicate_table or unique_violation then null; end $$`,
      ),
    );
  },

  /** The longest Bronze retention any tenant has set (days), or null when none has. */
  async longestTenantRetention(em: Em): Promise<number | null> {
    const row = await queryOne<{ days: number | null }>(
      em,
      sql`select max((settings -> 'telemetry' ->> 'retentionDays')::int) as days from tenants
          where jsonb_typeof(settings -> 'telemetry' -> 'retentionDays') = 'number'`,
    );
    return row?.days ?? null;
  },

  /** Every day partition of Bronze, by name. */
  async partitions(em: Em): Promise<string[]> {
    const rows = await query<{ name: string }>(
      em,
      sql`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
          join pg_class p on p.oid = i.inhparent where p.relname = 'log_entries' order by 1`,
    );
    return rows.map((r) => r.name);
  },

  /** Rows of any tenants as COPY data for `copy` (redacted already), in one Buffer. */
  copyData(rows: readonly BronzeRow[]): Buffer {
    const out = new CopyBuffer(rows.length * 320);
    for (const r of rows)
      out.add([
        r.tenantId,
        r.time.toISOString(),
        r.service,
        r.level,
        r.severity,
        r.message,
        r.context,
        r.traceId,
        r.spanId,
        r.userHash,
        r.durationMs,
      ]);
    return out.data();
  },

  /**
   * Writes `rows` rows (the pieces `copyData` made) with one `COPY … FROM STDIN` in the light transaction `tx`:
   * PostgreSQL's fastest way in (no parameter arrays to build or unnest, no plan). Resolves once the server has
   * taken every row; they are committed with `tx`.
   */
  async copy(tx: PgTx, pieces: readonly Buffer[], rows: number): Promise<void> {
    if (rows === 0) return;
    const copied = await tx.copyFrom(
      `copy log_entries (tenant_id, time, service, level, severity, message, context, trace_id, span_id,
         user_hash, duration_ms) from stdin`,
      pieces,
    );
    if (copied !== rows) throw new Error(`COPY took ${copied} of ${rows} Bronze rows`);
  },

  /** The newest ERROR/FATAL rows of a service at or before `now`. */
  recentErrors(em: Em, tenantId: string, service: string, limit: number, now: Date): Promise<LogEntryRow[]> {
    return query<LogEntryRow>(
      em,
      sql`select id::text, time, service, level, message, context, trace_id, span_id, user_hash, duration_ms,
            incident_id
          from log_entries where tenant_id = ${tenantId} and service = ${service} and time <= ${now}
            and time > ${now}::timestamptz - interval '30 days' and level in ('ERROR', 'FATAL')
          order by time desc, id desc limit ${limit}`,
    );
  },

  /** A page of a service's rows, newest first, strictly older than the cursor (time, id). */
  list(
    em: Em,
    tenantId: string,
    f: {
      service: string;
      from: Date;
      to: Date;
      level?: string;
      q?: string;
      limit: number;
      after?: { time: Date; id: string };
    },
  ): Promise<LogEntryRow[]> {
    const level = f.level ? sql`and level = ${f.level}` : sql``;
    const text = f.q ? sql`and message ilike ${`%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}` : sql``;
    const after = f.after
      ? sql`and (time, id) < (${f.after.time}::timestamptz, ${f.after.id}::bigint)`
      : sql``;
    return query<LogEntryRow>(
      em,
      sql`select id::text, time, service, level, message, context, trace_id, span_id, user_hash, duration_ms,
            incident_id
          from log_entries where tenant_id = ${tenantId} and service = ${f.service}
            and time >= ${f.from} and time < ${f.to} ${level} ${text} ${after}
          order by time desc, id desc limit ${f.limit}`,
    );
  },

  /**
   * Links the newest ERROR/FATAL rows of a service to an incident: marks them and copies them to `log_evidence`,
   * which outlives their partition. Answers how many were linked.
   */
  async attachEvidence(
    em: Em,
    tenantId: string,
    incidentId: string,
    service: string,
    limit: number,
    now: Date,
  ): Promise<number> {
    const rows = await query<{ id: string }>(
      em,
      sql`with picked as (
            select id, time from log_entries where tenant_id = ${tenantId} and service = ${service}
              and time <= ${now} and time > ${now}::timestamptz - interval '30 days' and level in ('ERROR', 'FATAL')
            order by time desc, id desc limit ${limit}),
          marked as (
            update log_entries e set incident_id = ${incidentId} from picked
            where e.tenant_id = ${tenantId} and e.time = picked.time and e.id = picked.id
            returning e.*)
          insert into log_evidence (tenant_id, incident_id, entry_id, time, service, level, severity, message,
            context, trace_id, span_id, user_hash, duration_ms, linked_at)
          select tenant_id, incident_id, id, time, service, level, severity, message, context, trace_id, span_id,
            user_hash, duration_ms, ${now} from marked
          on conflict (incident_id, entry_id) do nothing
          returning entry_id::text as id`,
    );
    return rows.length;
  },

  /** An incident's evidence rows, newest first. */
  evidence(em: Em, tenantId: string, incidentId: string): Promise<LogEntryRow[]> {
    return query<LogEntryRow>(
      em,
      sql`select entry_id::text as id, time, service, level, message, context, trace_id, span_id, user_hash,
            duration_ms, incident_id
          from log_evidence where tenant_id = ${tenantId} and incident_id = ${incidentId}
          order by time desc, entry_id desc`,
    );
  },

  /** Takes the purge's lock for this transaction; false when another replica holds it. */
  async tryPurgeLock(em: Em): Promise<boolean> {
    const row = await queryOne<{ locked: boolean }>(
      em,
      sql`select pg_try_advisory_xact_lock(${PURGE_LOCK}) as locked`,
    );
    return row?.locked === true;
  },

  /**
   * Copies a partition's incident-linked rows to `log_evidence` (those whose incident still exists), then drops
   * the partition. Waits at most `lock_timeout` for its lock: a busy table is tried again at the next run.
   * Answers how many rows were kept.
   */
  async dropPartition(em: Em, name: string, now: Date): Promise<number> {
    if (!dayOfPartition(name)) throw new Error(`not a Bronze partition: ${name}`);
    await command(em, sql`set local lock_timeout = '2s'`);
    const kept = await query<{ id: string }>(
      em,
      sql`insert into log_evidence (tenant_id, incident_id, entry_id, time, service, level, severity, message,
            context, trace_id, span_id, user_hash, duration_ms, linked_at)
          select e.tenant_id, e.incident_id, e.id, e.time, e.service, e.level, e.severity, e.message, e.context,
            e.trace_id, e.span_id, e.user_hash, e.duration_ms, ${now}
          from ${sql.table(name)} e join incidents i on i.id = e.incident_id
          where e.incident_id is not null
          on conflict (incident_id, entry_id) do nothing
          returning entry_id::text as id`,
    );
    await command(em, sql.raw(`drop table ${name}`));
    return kept.length;
  },
};
