import { Migration } from '@mikro-orm/migrations';
import { tenantIsolationSql } from './Migration20261208000002_row_level_security.js';

/**
 * Runbook action runs (issue 14: actions and the safety policy).
 * - `runbook_runs`: one run of one runbook action (of one version of a runbook: the one attached to the incident,
 *   else the current one) against one incident. `action` is the action (target and policy) as it was when the
 *   run started, so an edit of the runbook does not change a run under way. `stage` is
 *   where the run is (preflight → approval → execute → executing → verify → done | failed | rolled_back |
 *   rejected | expired | rate_limited); `next_at` is when the runs job looks at it next. `attempt_id` marks an
 *   execute committed before the target was called: a run found `executing` by a later worker had its outcome
 *   lost (exactly-once: failed as "outcome unknown" unless the action is idempotent). `history` lists every stage
 *   reached (time, actor, outcome, error). `slack_channel`/`slack_ts`: the run's message in the incident's thread.
 * - `runbook_run_approvals`: who approved or rejected a run (one decision per person and run).
 */
export class Migration20261219000002_runbook_runs extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table runbook_runs (
        id uuid primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        incident_id uuid not null references incidents(id) on delete cascade,
        runbook_id uuid not null,
        runbook_version integer not null,
        runbook_slug text not null,
        action_name text not null,
        action_kind text not null,
        action jsonb not null,
        service text not null,
        environment text,
        requested_by text not null,
        requested_by_user_id uuid,
        auto boolean not null default false,
        rollback_of uuid references runbook_runs(id) on delete set null,
        stage text not null check (stage in ('preflight', 'approval', 'execute', 'executing', 'verify', 'done',
          'failed', 'rolled_back', 'rejected', 'expired', 'rate_limited')),
        error text,
        attempt_id uuid,
        executions integer not null default 0,
        next_at timestamptz,
        approval_expires_at timestamptz,
        verify_until timestamptz,
        history jsonb not null default '[]'::jsonb,
        slack_channel text,
        slack_ts text,
        created_at timestamptz not null,
        updated_at timestamptz not null
      );`);
    this.addSql('create index runbook_runs_incident on runbook_runs (tenant_id, incident_id, created_at);');
    this.addSql('create index runbook_runs_due on runbook_runs (next_at) where next_at is not null;');
    this.addSql(
      `create index runbook_runs_rate on runbook_runs (tenant_id, action_name, service, created_at)
         where stage <> 'rate_limited';`,
    );
    this.addSql(`
      create table runbook_run_approvals (
        tenant_id uuid not null references tenants(id) on delete cascade,
        run_id uuid not null references runbook_runs(id) on delete cascade,
        user_id uuid not null references users(id) on delete cascade,
        user_name text not null,
        decision text not null check (decision in ('approve', 'reject')),
        at timestamptz not null,
        primary key (run_id, user_id)
      );`);
    for (const table of ['runbook_runs', 'runbook_run_approvals']) {
      for (const s of tenantIsolationSql(table)) this.addSql(s);
    }
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists runbook_run_approvals;');
    this.addSql('drop table if exists runbook_runs;');
  }
}
