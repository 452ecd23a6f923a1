import { withEm, withTx } from '../../db/tx.js';
import { type Actor, systemActor } from '../../shared/actor.js';
import { newId } from '../../shared/ids.js';
import type { ActionTarget } from './action.schemas.js';
import { type ActionAdapter, type ActionContext, ActionFailure } from './adapters/action-adapter.js';
import type { RemediationDeps } from './remediation.deps.js';
import { isFinal, type RunStage } from './remediation.types.js';
import { approvalsNeeded, executeLeaseMs, runFields, VERIFY_POLL_MS } from './run.calc.js';
import { changeStage } from './run-recorder.js';
import type { RunsService } from './runs.service.js';
import { type RunChange, type RunRow, runsStore } from './runs.store.js';

/** How long a claimed run is left to the worker that claimed it before another may look (preflight, verify). */
const CLAIM_MS = 120_000;

const failure = (err: unknown): string =>
  err instanceof ActionFailure ? err.message : `unexpected error: ${(err as Error).message ?? String(err)}`;

/**
 * Works runs through their stages: preflight (the adapter's dry run) → approval (waits for people; expires) →
 * execute → verify → done, failed, rolled back. Called by the runs job on every worker; replicas are safe
 * together: due runs are claimed with FOR UPDATE SKIP LOCKED and every stage change re-reads the run under its
 * row lock. Exactly once: a run is marked `executing` (with an attempt id) and committed before its target is
 * called, and its outcome recorded after; a run found `executing` past its lease lost its worker mid-call, and
 * is failed as "outcome unknown" — unless the action is idempotent, when it is executed again.
 */
export class RunEngine {
  constructor(
    private readonly d: RemediationDeps,
    private readonly runs: RunsService,
  ) {}

  /** Works every run due now (at most `limit`); answers how many were looked at. */
  async runDue(limit = 20): Promise<number> {
    const now = this.d.clock.now();
    const claimed = await withTx(this.d.orm, 'system', (em) =>
      runsStore.claimDue(em, now, new Date(now.getTime() + CLAIM_MS), limit),
    );
    for (const c of claimed) {
      try {
        await this.work(c.tenant_id, c.id);
      } catch (err) {
        this.d.log.error({ err, tenant: c.tenant_id, run: c.id }, 'runbook run: a stage failed unexpectedly');
      }
    }
    return claimed.length;
  }

  /** Works one run until it waits (for people, for verify's next look) or ends. */
  private async work(tenantId: string, id: string): Promise<void> {
    for (let i = 0; i < 6; i++) {
      const run = await withEm(this.d.orm, { tenantId }, (em) => runsStore.byId(em, tenantId, id));
      if (!run) return;
      const go = await this.stage(run);
      if (!go) return;
    }
  }

  /** One stage; true when the run may go on at once. */
  private async stage(run: RunRow): Promise<boolean> {
    switch (run.stage) {
      case 'preflight':
        return this.preflight(run);
      case 'approval':
        return this.approvalDue(run);
      case 'execute':
        return this.execute(run);
      case 'executing':
        return this.lost(run);
      case 'verify':
        return this.verify(run);
      default:
        await withTx(this.d.orm, { tenantId: run.tenant_id }, (em) =>
          runsStore.setNextAt(em, run.tenant_id, run.id, null),
        );
        return false;
    }
  }

  private async preflight(run: RunRow): Promise<boolean> {
    const now = this.d.clock.now();
    let summary: string;
    try {
      summary = await this.adapter(run).preflight(run.action.target as never, await this.context(run));
    } catch (err) {
      await this.move(
        run,
        'preflight',
        { stage: 'failed', nextAt: null, error: `Preflight: ${failure(err)}` },
        'failed',
      );
      return false;
    }
    const policy = run.action.policy;
    if (approvalsNeeded(policy) === 0) {
      return this.move(run, 'preflight', { stage: 'execute', nextAt: now }, `passed: ${summary}`);
    }
    const expires = new Date(now.getTime() + policy.approvalExpiresMinutes * 60_000);
    const change: RunChange = { stage: 'approval', nextAt: expires, approvalExpiresAt: expires };
    return withTx(this.d.orm, { tenantId: run.tenant_id }, async (em) => {
      const cur = await runsStore.lock(em, run.tenant_id, run.id);
      if (cur?.stage !== 'preflight') return false;
      const next = await changeStage(
        em,
        this.recorder,
        cur,
        change,
        this.actor(run),
        `passed: ${summary}`,
        now,
      );
      const approvers = policy.approvers.onCall
        ? await this.d.onCallFor(em, run.tenant_id, run.service, now)
        : [];
      await this.d.notifier?.approvalAsked(
        em,
        next,
        approvers.filter((u) => u !== run.requested_by_user_id),
        now,
      );
      return false;
    });
  }

  private async approvalDue(run: RunRow): Promise<boolean> {
    const now = this.d.clock.now();
    const expires = run.approval_expires_at ? new Date(run.approval_expires_at) : now;
    if (expires > now) {
      await withTx(this.d.orm, { tenantId: run.tenant_id }, (em) =>
        runsStore.setNextAt(em, run.tenant_id, run.id, expires),
      );
      return false;
    }
    const error = `Nobody approved within ${run.action.policy.approvalExpiresMinutes} min`;
    await this.move(run, 'approval', { stage: 'expired', nextAt: null, error }, 'expired');
    return false;
  }

  private async execute(run: RunRow): Promise<boolean> {
    const now = this.d.clock.now();
    const policy = run.action.policy;
    const attemptId = newId();
    // Marked and committed before the target is called: a worker that dies during the call leaves this behind.
    const marked = await this.move(
      run,
      'execute',
      {
        stage: 'executing',
        attemptId,
        executions: run.executions + 1,
        nextAt: new Date(now.getTime() + executeLeaseMs(policy.timeoutSeconds)),
      },
      'started',
    );
    if (!marked) return false;
    let result: { ok: true; summary: string } | { ok: false; error: string };
    try {
      const summary = await this.adapter(run).execute(run.action.target as never, await this.context(run), {
        timeoutMs: policy.timeoutSeconds * 1000,
      });
      result = { ok: true, summary };
    } catch (err) {
      result = { ok: false, error: failure(err) };
    }
    const after = this.d.clock.now();
    return withTx(this.d.orm, { tenantId: run.tenant_id }, async (em) => {
      const cur = await runsStore.lock(em, run.tenant_id, run.id);
      if (cur?.stage !== 'executing' || cur.attempt_id !== attemptId) return false;
      if (!result.ok) {
        const next = await changeStage(
          em,
          this.recorder,
          cur,
          { stage: 'failed', nextAt: null, error: `Execute: ${result.error}` },
          this.actor(run),
          'failed',
          after,
        );
        this.finished(next);
        return false;
      }
      const minutes = policy.verifyMinutes;
      const change: RunChange =
        minutes === 0
          ? { stage: 'done', nextAt: null }
          : {
              stage: 'verify',
              nextAt: after,
              verifyUntil: new Date(after.getTime() + minutes * 60_000),
            };
      const next = await changeStage(
        em,
        this.recorder,
        cur,
        change,
        this.actor(run),
        `ok: ${result.summary}`,
        after,
      );
      if (next.stage === 'done') await this.doneRollback(em, next, after);
      this.finished(next);
      return minutes !== 0;
    });
  }

  /** A run found `executing` past its lease: its worker stopped during the call, and its outcome is unknown. */
  private async lost(run: RunRow): Promise<boolean> {
    if (run.action.policy.idempotent)
      return this.move(
        run,
        'executing',
        { stage: 'execute', nextAt: this.d.clock.now() },
        'resumed (idempotent: executing again)',
      );
    const error =
      'Outcome unknown: the worker stopped while the target was being called; not retried (the action is not idempotent)';
    await this.move(run, 'executing', { stage: 'failed', nextAt: null, error }, 'outcome unknown');
    return false;
  }

  private async verify(run: RunRow): Promise<boolean> {
    const now = this.d.clock.now();
    const target = run.action.target;
    const ctx = await this.context(run);
    const checked = await this.adapter(run)
      .check?.(target as never, ctx, { timeoutMs: run.action.policy.timeoutSeconds * 1000 })
      .catch(() => false);
    const incident = await this.d.incident(systemActor(run.tenant_id), run.incident_id);
    const ok = checked ?? (incident.status === 'resolved' || incident.firingAlertCount === 0);
    if (ok) {
      const why = checked === undefined ? "the incident's alerts resolved" : 'the check passed';
      await this.move(run, 'verify', { stage: 'done', nextAt: null }, `ok: ${why}`);
      return false;
    }
    const until = run.verify_until ? new Date(run.verify_until) : now;
    if (until > now) {
      const next = new Date(Math.min(now.getTime() + VERIFY_POLL_MS, until.getTime()));
      await withTx(this.d.orm, { tenantId: run.tenant_id }, (em) =>
        runsStore.setNextAt(em, run.tenant_id, run.id, next),
      );
      return false;
    }
    const what = checked === undefined ? "the incident's alerts still fire" : 'the check still fails';
    const rollback = run.action.rollback;
    const error = `Verify: ${what} after ${run.action.policy.verifyMinutes} min${rollback ? `; rolling back with ${rollback}` : ''}`;
    await withTx(this.d.orm, { tenantId: run.tenant_id }, async (em) => {
      const cur = await runsStore.lock(em, run.tenant_id, run.id);
      if (cur?.stage !== 'verify') return;
      const next = await changeStage(
        em,
        this.recorder,
        cur,
        { stage: 'failed', nextAt: null, error },
        this.actor(run),
        'failed',
        now,
      );
      this.finished(next);
      if (!rollback) return;
      const ref = await this.d.catalog.actionOf(
        em,
        run.tenant_id,
        run.runbook_id,
        run.runbook_version,
        rollback,
      );
      if (!ref) return;
      await this.runs.create(
        em,
        systemActor(run.tenant_id, `OpsWatch (rollback of ${run.action_name})`),
        { id: incident.id, ref: incident.ref, service: incident.service, environment: incident.environment },
        ref,
        { auto: true, rollbackOf: run.id },
      );
    });
    this.d.wake?.();
    return false;
  }

  /** A rollback run ended well: the run it rolled back is `rolled_back`. */
  private async doneRollback(em: Parameters<typeof runsStore.lock>[0], run: RunRow, at: Date): Promise<void> {
    if (!run.rollback_of) return;
    const parent = await runsStore.lock(em, run.tenant_id, run.rollback_of);
    if (parent?.stage !== 'failed') return;
    const next = await changeStage(
      em,
      this.recorder,
      parent,
      { stage: 'rolled_back', nextAt: null },
      this.actor(run),
      `rolled back by ${run.action_name}`,
      at,
    );
    this.finished(next);
  }

  /** Moves a run from `from` under its row lock (false when it is no longer there); records the change. */
  private async move(run: RunRow, from: RunStage, change: RunChange, outcome: string): Promise<boolean> {
    const now = this.d.clock.now();
    return withTx(this.d.orm, { tenantId: run.tenant_id }, async (em) => {
      const cur = await runsStore.lock(em, run.tenant_id, run.id);
      if (cur?.stage !== from) return false;
      const next = await changeStage(em, this.recorder, cur, change, this.actor(run), outcome, now);
      if (next.stage === 'done') await this.doneRollback(em, next, now);
      this.finished(next);
      return !isFinal(next.stage);
    });
  }

  private finished(run: RunRow): void {
    if (isFinal(run.stage)) this.d.metrics?.runFinished(run.action_kind, run.stage);
  }

  private adapter(run: RunRow): ActionAdapter {
    return this.d.adapters[run.action.target.kind as ActionTarget['kind']] as ActionAdapter;
  }

  private async context(run: RunRow): Promise<ActionContext> {
    const i = await this.d.incident(systemActor(run.tenant_id), run.incident_id);
    return {
      fields: runFields({
        ...i,
        labels: i.alerts[0]?.labels ?? {},
        annotations: i.alerts[0]?.annotations ?? {},
      }),
      env: this.d.env,
      now: this.d.clock.now(),
    };
  }

  private actor(run: RunRow): Actor {
    return systemActor(run.tenant_id, run.auto ? 'OpsWatch (auto-run)' : 'OpsWatch');
  }

  private get recorder() {
    return { recordAs: this.d.recordAs, notifier: this.d.notifier ?? null };
  }
}
