import type { Selectable } from 'kysely';
import type { DB } from '../../db/schema.generated.js';
import { command, type Em, query, queryOne, sql } from '../../db/sql.js';
import type { RunbookAction } from './action.schemas.js';
import type { RunStage, RunStep } from './remediation.types.js';

export type RunRow = Omit<
  Selectable<DB['runbook_runs']>,
  | 'action'
  | 'history'
  | 'stage'
  | 'next_at'
  | 'approval_expires_at'
  | 'verify_until'
  | 'created_at'
  | 'updated_at'
> & {
  action: RunbookAction;
  history: RunStep[];
  stage: RunStage;
  next_at: Date | null;
  approval_expires_at: Date | null;
  verify_until: Date | null;
  created_at: Date;
  updated_at: Date;
};

export interface ApprovalRow {
  run_id: string;
  user_id: string;
  user_name: string;
  decision: 'approve' | 'reject';
  at: Date;
}

export interface NewRun {
  id: string;
  incidentId: string;
  runbookId: string;
  runbookVersion: number;
  runbookSlug: string;
  action: RunbookAction;
  service: string;
  environment: string | null;
  requestedBy: string;
  requestedByUserId: string | null;
  auto: boolean;
  rollbackOf: string | null;
  stage: RunStage;
  error: string | null;
  nextAt: Date | null;
  step: RunStep;
}

/** What a stage change sets (columns left undefined keep their value). */
export interface RunChange {
  stage: RunStage;
  error?: string | null;
  nextAt: Date | null;
  attemptId?: string | null;
  executions?: number;
  approvalExpiresAt?: Date | null;
  verifyUntil?: Date | null;
  step?: RunStep;
}

/** The remediation domain's tables: runs and their approvals. */
export const runsStore = {
  insert(em: Em, tenantId: string, r: NewRun, at: Date): Promise<RunRow | undefined> {
    return queryOne<RunRow>(
      em,
      sql`insert into runbook_runs (id, tenant_id, incident_id, runbook_id, runbook_version, runbook_slug, action_name, action_kind,
            action, service, environment, requested_by, requested_by_user_id, auto, rollback_of, stage, error,
            next_at, history, created_at, updated_at)
          values (${r.id}, ${tenantId}, ${r.incidentId}, ${r.runbookId}, ${r.runbookVersion}, ${r.runbookSlug}, ${r.action.name},
            ${r.action.target.kind}, ${JSON.stringify(r.action)}::jsonb, ${r.service}, ${r.environment},
            ${r.requestedBy}, ${r.requestedByUserId}, ${r.auto}, ${r.rollbackOf}, ${r.stage}, ${r.error},
            ${r.nextAt}, ${JSON.stringify([r.step])}::jsonb, ${at}, ${at})
          returning *`,
    );
  },

  byId(em: Em, tenantId: string, id: string): Promise<RunRow | undefined> {
    return queryOne<RunRow>(em, sql`select * from runbook_runs where tenant_id = ${tenantId} and id = ${id}`);
  },

  /** The run, locked for this transaction (decisions and stage changes on one run go one at a time). */
  lock(em: Em, tenantId: string, id: string): Promise<RunRow | undefined> {
    return queryOne<RunRow>(
      em,
      sql`select * from runbook_runs where tenant_id = ${tenantId} and id = ${id} for update`,
    );
  },

  ofIncident(em: Em, tenantId: string, incidentId: string): Promise<RunRow[]> {
    return query<RunRow>(
      em,
      sql`select * from runbook_runs where tenant_id = ${tenantId} and incident_id = ${incidentId}
          order by created_at, id limit 500`,
    );
  },

  approvalsOf(em: Em, tenantId: string, runIds: readonly string[]): Promise<ApprovalRow[]> {
    if (runIds.length === 0) return Promise.resolve([]);
    return query<ApprovalRow>(
      em,
      sql`select run_id, user_id, user_name, decision, at from runbook_run_approvals
          where tenant_id = ${tenantId} and run_id = any(${runIds}::uuid[]) order by at, user_id`,
    );
  },

  async addApproval(
    em: Em,
    tenantId: string,
    a: { runId: string; userId: string; userName: string; decision: 'approve' | 'reject' },
    at: Date,
  ): Promise<boolean> {
    const rows = await query<{ run_id: string }>(
      em,
      sql`insert into runbook_run_approvals (tenant_id, run_id, user_id, user_name, decision, at)
          values (${tenantId}, ${a.runId}, ${a.userId}, ${a.userName}, ${a.decision}, ${at})
          on conflict do nothing returning run_id`,
    );
    return rows.length > 0;
  },

  /**
   * Runs of `action` for `service` started within the hour before `now` (rate-limited ones left out), counted
   * under a transaction-scoped advisory lock on (tenant, action, service): two replicas starting runs of the same
   * action at once count one after the other, so the limit holds.
   */
  async countLastHour(em: Em, tenantId: string, action: string, service: string, now: Date): Promise<number> {
    await command(
      em,
      sql`select pg_advisory_xact_lock(hashtextextended(${`runbook-run:${tenantId}:${action}:${service}`}, 0))`,
    );
    const row = await queryOne<{ n: number }>(
      em,
      sql`select count(*)::int as n from runbook_runs
          where tenant_id = ${tenantId} and action_name = ${action} and service = ${service}
            and stage <> 'rate_limited' and created_at > ${new Date(now.getTime() - 3_600_000)}`,
    );
    return row?.n ?? 0;
  },

  async change(em: Em, tenantId: string, id: string, c: RunChange, at: Date): Promise<RunRow> {
    const row = await queryOne<RunRow>(
      em,
      sql`update runbook_runs set stage = ${c.stage}, next_at = ${c.nextAt},
            error = ${c.error === undefined ? sql`error` : c.error},
            attempt_id = ${c.attemptId === undefined ? sql`attempt_id` : c.attemptId},
            executions = ${c.executions === undefined ? sql`executions` : c.executions},
            approval_expires_at = ${c.approvalExpiresAt === undefined ? sql`approval_expires_at` : c.approvalExpiresAt},
            verify_until = ${c.verifyUntil === undefined ? sql`verify_until` : c.verifyUntil},
            history = ${c.step ? sql`history || ${JSON.stringify([c.step])}::jsonb` : sql`history`},
            updated_at = ${at}
          where tenant_id = ${tenantId} and id = ${id} returning *`,
    );
    if (!row) throw new Error(`runbook run ${id} vanished`);
    return row;
  },

  /** Pushes a run's next look to `at` (verify polling; a claim while a stage works outside a transaction). */
  async setNextAt(em: Em, tenantId: string, id: string, nextAt: Date | null): Promise<void> {
    await command(
      em,
      sql`update runbook_runs set next_at = ${nextAt} where tenant_id = ${tenantId} and id = ${id}`,
    );
  },

  /**
   * Claims runs due at `now` in every tenant (the system scope): each is pushed to `leaseUntil` so another worker
   * skips it while this one works on it; rows another worker holds are skipped (SKIP LOCKED).
   */
  claimDue(em: Em, now: Date, leaseUntil: Date, limit: number): Promise<{ id: string; tenant_id: string }[]> {
    return query(
      em,
      sql`update runbook_runs set next_at = ${leaseUntil}
          where id in (select id from runbook_runs where next_at <= ${now} order by next_at
                       for update skip locked limit ${limit})
          returning id, tenant_id`,
    );
  },

  saveMessage(em: Em, tenantId: string, id: string, m: { channel: string; ts: string }): Promise<void> {
    return command(
      em,
      sql`update runbook_runs set slack_channel = ${m.channel}, slack_ts = ${m.ts}
          where tenant_id = ${tenantId} and id = ${id}`,
    ).then(() => undefined);
  },
};
