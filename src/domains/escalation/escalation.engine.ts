import type { MikroORM } from '@mikro-orm/postgresql';
import type { Em } from '../../db/sql.js';
import { withTx } from '../../db/tx.js';
import { newId } from '../../shared/ids.js';
import type { TimelineEvent } from '../incidents/index.js';
import type { NewOutboxRow } from '../notify/index.js';
import { whoIsOnCallAt } from '../rosters/index.js';
import type { EscalationDeps } from './escalation.deps.js';
import { type DueEscalationRow, escalationStore } from './escalation.store.js';
import { incidentFactsStore } from './incident-facts.store.js';
import type { Target } from './policy.types.js';
import { nextPosition, planStep, type ResolvedTarget } from './step.calc.js';

export interface EscalationRunReport {
  fired: number;
  exhausted: number;
  queued: number;
  failed: number;
  ackTimeouts: number;
}

/** Test hooks: where a worker could die (a hook that throws rolls back what its transaction wrote). */
export interface EngineHooks {
  /** After the due steps were recorded, before their pages are handed to the outbox (same transaction). */
  beforeHandOver?: () => void | Promise<void>;
}

/** A step due this long ago (an engine that was down) fires now rather than at its deadline. */
const CATCH_UP_MS = 60_000;
/** Escalations and pages taken per transaction. */
const BATCH = 200;
/** Batches per run at most (the next run takes the rest). */
const MAX_BATCHES = 20;
/** Moves one escalation makes in one run at most (empty steps move on at once; loops are bounded anyway). */
const MAX_MOVES = 250;

const emptyReport = (): EscalationRunReport => ({
  fired: 0,
  exhausted: 0,
  queued: 0,
  failed: 0,
  ackTimeouts: 0,
});

/**
 * The engine module's work: every escalation whose deadline has passed moves on (its step fires: targets resolved
 * at that instant, pages recorded under their unique key, the next deadline stored — one transaction), and every
 * page due is handed to the outbox in the same transaction. Escalations are claimed `FOR UPDATE SKIP LOCKED`, so
 * several workers share the work and none repeats another's.
 */
export class EscalationEngine {
  hooks: EngineHooks = {};

  constructor(
    private readonly orm: MikroORM,
    private readonly deps: EscalationDeps,
  ) {}

  async run(now: Date = this.deps.clock.now()): Promise<EscalationRunReport> {
    const report = emptyReport();
    const ackDue: DueEscalationRow[] = [];
    for (let b = 0; b < MAX_BATCHES; b++) {
      const more = await withTx(this.orm, 'system', async (em) => {
        const due = await escalationStore.due(em, now, BATCH);
        for (const row of due) {
          if (row.state === 'acknowledged') ackDue.push(row);
          else await this.move(em, row, now, report);
        }
        await this.hooks.beforeHandOver?.();
        const handed = await this.handOver(em, now, report);
        return due.length === BATCH || handed === BATCH;
      });
      if (!more) break;
    }
    for (const row of ackDue) {
      const minutes = row.snapshot.spec.ackTimeoutMinutes ?? 0;
      if (await this.deps.ackTimedOut(row.tenant_id, row.incident_id, minutes)) report.ackTimeouts++;
      else
        await withTx(this.orm, 'system', async (em) => {
          const locked = await escalationStore.lock(em, row.tenant_id, row.incident_id);
          if (locked?.state === 'acknowledged' && locked.next_at && locked.next_at <= now)
            await escalationStore.advance(
              em,
              row.incident_id,
              { ...locked, stepFiredAt: locked.step_fired_at, nextAt: null },
              now,
            );
        });
    }
    return report;
  }

  /** Moves one due escalation on: fires its next step(s) — several when steps reach nobody — or exhausts it. */
  private async move(em: Em, row: DueEscalationRow, now: Date, report: EscalationRunReport): Promise<void> {
    if (row.incident_status !== 'triggered') {
      const state = row.incident_status === 'resolved' ? 'resolved' : 'acknowledged';
      await escalationStore.advance(
        em,
        row.incident_id,
        { ...row, state, stepFiredAt: row.step_fired_at, nextAt: null },
        now,
      );
      return;
    }
    const { snapshot } = row;
    let pos = { loop: row.loop, step: row.step };
    let fired = row.step_fired_at;
    let nextAt = row.next_at ?? now;
    for (let i = 0; i < MAX_MOVES && nextAt.getTime() <= now.getTime(); i++) {
      const move = fired === null ? ({ kind: 'step', position: pos } as const) : nextPosition(snapshot, pos);
      const at = now.getTime() - nextAt.getTime() > CATCH_UP_MS ? now : nextAt;
      if (move.kind === 'exhausted') {
        await this.exhaust(em, row, move.loops, at);
        await escalationStore.advance(
          em,
          row.incident_id,
          { state: 'exhausted', ...pos, stepFiredAt: fired, nextAt: null },
          now,
        );
        report.exhausted++;
        return;
      }
      pos = move.position;
      nextAt = await this.fire(em, row, pos, at);
      fired = at;
      report.fired++;
    }
    await escalationStore.advance(
      em,
      row.incident_id,
      { state: 'active', ...pos, stepFiredAt: fired, nextAt },
      now,
    );
  }

  /** Fires one step at `at`: resolves its targets, records its pages and timeline; answers the next deadline. */
  private async fire(
    em: Em,
    row: DueEscalationRow,
    pos: { loop: number; step: number },
    at: Date,
  ): Promise<Date> {
    const { tenant_id: tenantId, incident_id: incidentId, generation, snapshot } = row;
    const step = snapshot.spec.steps[pos.step];
    if (!step) throw new Error(`The policy of ${incidentId} has no step ${pos.step + 1}.`);
    const targets = await this.resolve(em, tenantId, step.targets, at);
    const userIds = [...new Set(targets.flatMap((t) => (isPerson(t.target) ? t.userIds : [])))];
    const rules = userIds.length
      ? await this.deps.directory.rulesOf(em, tenantId, userIds, row.urgency)
      : new Map();
    const runningChains = await escalationStore.runningChains(em, incidentId, generation, at);
    const plan = planStep({ snapshot, position: pos, firedAt: at, targets, rules, runningChains });
    const labelOf = new Map(targets.map((t) => [`${t.target.type}:${t.target.id}`, t.label]));
    await escalationStore.insertPages(
      em,
      tenantId,
      incidentId,
      { generation, ...pos },
      plan.pages.map((p) => ({
        ...p,
        id: newId(),
        label: labelOf.get(`${p.targetType}:${p.targetId}`) ?? p.targetId,
      })),
      at,
    );
    const names = await escalationStore.userNames(em, tenantId, userIds);
    const name = (id: string) => names.get(id) ?? id;
    const pending = plan.pages.filter((p) => p.status === 'pending' && p.userId);
    const stepEvent: TimelineEvent = {
      kind: 'escalation_step',
      data: {
        generation,
        loop: pos.loop,
        step: pos.step,
        targets: targets.map((t) => t.label),
        paged: [...new Set(pending.map((p) => name(p.userId ?? '')))],
        defaulted: plan.defaulted.map(name),
        continued: plan.pages
          .filter((p) => p.status === 'skipped' && p.userId)
          .map((p) => name(p.userId ?? '')),
        userGroups: step.targets.filter((t) => t.type === 'slack_user_group').map((t) => t.id),
        nextAt: plan.nextAt.toISOString(),
      },
    };
    await this.deps.recordNotice(em, tenantId, incidentId, stepEvent, at);
    for (const target of plan.nobody) {
      const event = { kind: 'nobody_on_call', data: { target, ...pos } } as const;
      await this.deps.recordNotice(em, tenantId, incidentId, event, at);
    }
    for (const p of plan.pages) if (p.status === 'skipped') this.deps.metrics?.notified(p.method, 'skipped');
    return plan.nextAt;
  }

  /**
   * The step's targets as they stand at `at`: a schedule's on-call then, a manager, a user. The simulator uses it
   * too, so what it shows is what the engine would page.
   */
  async resolve(em: Em, tenantId: string, targets: readonly Target[], at: Date): Promise<ResolvedTarget[]> {
    const direct = targets.filter((t) => t.type === 'user').map((t) => t.id);
    const known = await escalationStore.userIdsExisting(em, tenantId, direct);
    const names = await escalationStore.userNames(em, tenantId, [...known]);
    const out: ResolvedTarget[] = [];
    for (const target of targets) {
      switch (target.type) {
        case 'user':
          out.push({
            target,
            label: names.get(target.id) ?? target.id,
            userIds: known.has(target.id) ? [target.id] : [],
          });
          break;
        case 'schedule': {
          const on = await whoIsOnCallAt(em, tenantId, target.id, at);
          out.push({ target, label: on?.scheduleName ?? target.id, userIds: on?.userIds ?? [] });
          break;
        }
        case 'manager_of': {
          const manager = await this.deps.directory.managerOf(
            em,
            tenantId,
            { of: target.of, id: target.id },
            at,
          );
          const of =
            target.of === 'schedule'
              ? ((await whoIsOnCallAt(em, tenantId, target.id, at))?.scheduleName ?? target.id)
              : ((await escalationStore.userNames(em, tenantId, [target.id])).get(target.id) ?? target.id);
          out.push({ target, label: `the manager of ${of}`, userIds: manager ? [manager] : [] });
          break;
        }
        case 'slack_channel':
          out.push({ target, label: `#${target.id.replace(/^#/, '')}`, userIds: [] });
          break;
        case 'slack_user_group':
          out.push({ target, label: `<!subteam^${target.id}>`, userIds: [] });
          break;
      }
    }
    return out;
  }

  /** Nobody acknowledged after every loop: the thread, the default channel and the fallback channel say so. */
  private async exhaust(em: Em, row: DueEscalationRow, loops: number, at: Date): Promise<void> {
    const { tenant_id: tenantId, incident_id: incidentId, generation } = row;
    const event = { kind: 'escalation_exhausted', data: { generation, loops } } as const;
    await this.deps.recordNotice(em, tenantId, incidentId, event, at);
    const lanes = [this.deps.defaultChannel, row.snapshot.spec.fallbackChannel]
      .map((c) => c?.trim().replace(/^#/, ''))
      .filter((c): c is string => Boolean(c));
    const rows: NewOutboxRow[] = [...new Set(lanes)].map((lane) => ({
      tenantId,
      incidentId: null,
      destination: 'slack.post',
      lane,
      payload: { type: 'escalation_post', kind: 'exhausted', incidentId, pageId: null, loops },
      key: `exhausted:${incidentId}:${generation}:${lane}`,
    }));
    if (rows.length) await this.deps.enqueue(em, rows);
  }

  /** Hands every due page to the outbox (or fails it, saying why), in the caller's transaction. */
  private async handOver(em: Em, now: Date, report: EscalationRunReport): Promise<number> {
    const due = await escalationStore.duePages(em, now, BATCH);
    if (due.length === 0) return 0;
    const rows: NewOutboxRow[] = [];
    const failed: { id: string; reason: string }[] = [];
    for (const p of due) {
      const key = `page:${p.id}`;
      if (p.user_id && p.method === 'slack_dm') {
        if (p.slack_user_id)
          rows.push({
            tenantId: p.tenant_id,
            incidentId: p.incident_id,
            destination: 'slack.dm',
            lane: p.slack_user_id,
            payload: { type: 'page', pageId: p.id },
            key,
          });
        else failed.push({ id: p.id, reason: 'They have no Slack user id, so no Slack DM can reach them.' });
      } else if (p.target_type === 'slack_channel' || p.target_type === 'slack_user_group') {
        const facts = await incidentFactsStore.get(em, p.tenant_id, p.incident_id);
        const lane =
          p.target_type === 'slack_channel'
            ? (p.target_id ?? '').replace(/^#/, '')
            : (facts?.card_lane ?? this.deps.defaultChannel);
        if (lane)
          rows.push({
            tenantId: p.tenant_id,
            incidentId: null,
            destination: 'slack.post',
            lane,
            payload: { type: 'escalation_post', kind: 'page', incidentId: p.incident_id, pageId: p.id },
            key,
          });
        else
          failed.push({
            id: p.id,
            reason: 'The incident has no Slack channel to mention the user group in.',
          });
      } else failed.push({ id: p.id, reason: `Paging by ${p.method} is not available yet.` });
    }
    const ids = await this.deps.enqueueReturning(em, rows);
    const queued = due.flatMap((p) => {
      const outboxId = ids.get(`page:${p.id}`);
      return outboxId ? [{ id: p.id, outboxId }] : [];
    });
    await escalationStore.markQueued(em, queued, now);
    report.queued += queued.length;
    for (const f of failed) {
      const p = due.find((d) => d.id === f.id);
      if (!p) continue;
      await escalationStore.setOutcome(em, p.id, ['pending'], { status: 'failed', detail: f.reason });
      const data = {
        pageId: p.id,
        userId: p.user_id,
        method: p.method,
        status: 'failed',
        loop: p.loop,
        step: p.step,
        reason: f.reason,
      } as const;
      await this.deps.recordNotice(em, p.tenant_id, p.incident_id, { kind: 'notified', data }, now);
      this.deps.metrics?.notified(p.method, 'failed');
      report.failed++;
    }
    return due.length;
  }
}

const isPerson = (t: Target): boolean =>
  t.type === 'user' || t.type === 'schedule' || t.type === 'manager_of';
