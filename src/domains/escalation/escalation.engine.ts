import type { MikroORM } from '@mikro-orm/postgresql';
import type { Em } from '../../db/sql.js';
import { withTx } from '../../db/tx.js';
import { newId } from '../../shared/ids.js';
import type { TimelineEvent } from '../incidents/index.js';
import { ledgerStepOf, ledgerTouched, type NewOutboxRow } from '../notify/index.js';
import { type OnCallAtInstant, whoIsOnCallAt } from '../rosters/index.js';
import type { EscalationDeps } from './escalation.deps.js';
import { type DueEscalationRow, escalationStore, type NewPage } from './escalation.store.js';
import { incidentFactsStore } from './incident-facts.store.js';
import { phonePagesStore } from './phone-pages.store.js';
import type { Target, Urgency } from './policy.types.js';
import { nextPosition, type PersonRules, planStep, type ResolvedTarget } from './step.calc.js';

export interface EscalationRunReport {
  fired: number;
  exhausted: number;
  queued: number;
  failed: number;
  ackTimeouts: number;
  /** Test pages resolved (their chain ran, or someone acknowledged). */
  testsEnded: number;
}

/** What a test page's incident is resolved with. */
export const TEST_PAGE_OVER = 'The test page has run its course: it resolves itself.';
export const TEST_PAGE_ACKED = 'The test page was acknowledged: it resolves itself.';

/** Test hooks: where a worker could die (a hook that throws rolls back what its transaction wrote). */
export interface EngineHooks {
  /** After the due steps were recorded, before their pages are handed to the outbox (same transaction). */
  beforeHandOver?: () => void | Promise<void>;
}

/** A step due this long ago (an engine that was down) fires now rather than at its deadline. */
const CATCH_UP_MS = 60_000;
/** Escalations and pages taken per transaction. */
const BATCH = 100;
/** Transactions a run works in at once (SKIP LOCKED gives each its own rows). */
const PARALLEL = 4;
/** Batches per run at most (the next run takes the rest). */
const MAX_BATCHES = 20;
/** A test page whose resolution failed is tried again this long after. */
const TEST_END_RETRY_MS = 60_000;
/** Moves one escalation makes in one run at most (empty steps move on at once; loops are bounded anyway). */
const MAX_MOVES = 250;

const emptyReport = (): EscalationRunReport => ({
  fired: 0,
  exhausted: 0,
  queued: 0,
  failed: 0,
  ackTimeouts: 0,
  testsEnded: 0,
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
    /** Test pages to resolve: their step's delay has passed. */
    const ending: DueEscalationRow[] = [];
    let failed = false;
    let error: unknown = null;
    const runs: Promise<void>[] = [];
    // One batch first; when there is more than a batch's worth, others join it (SKIP LOCKED shares the rows). A
    // failing batch stops the others from starting more; the run ends when every batch has.
    const batches = async (lead: boolean): Promise<void> => {
      for (let b = 0; b < MAX_BATCHES && !failed; b++) {
        const more = await withTx(this.orm, 'system', async (em) => {
          const due = await escalationStore.due(em, now, BATCH);
          for (const row of due) if (row.state === 'acknowledged') ackDue.push(row);
          const moving = due.filter((r) => r.state !== 'acknowledged');
          if (moving.length) await this.moveAll(em, moving, now, report, ending);
          await this.hooks.beforeHandOver?.();
          const handed = await this.handOver(em, now, report);
          return due.length === BATCH || handed === BATCH;
        });
        if (!more) break;
        if (lead && runs.length === 1) for (let i = 1; i < PARALLEL; i++) runs.push(guarded(false));
      }
    };
    /** Never rejects (a rejection nobody awaits yet would end the process): the first error is kept. */
    const guarded = (lead: boolean): Promise<void> =>
      batches(lead).catch((err: unknown) => {
        if (!failed) error = err;
        failed = true;
      });
    runs.push(guarded(true));
    for (let i = 0; i < runs.length; i++) await runs[i];
    const rejected = failed ? { reason: error } : null;
    if (rejected) throw rejected.reason;
    const ends = new Map(ending.map((r) => [r.incident_id, r]));
    for (const row of ends.values()) await this.endTest(row, now, TEST_PAGE_OVER, report);
    for (const row of ackDue) {
      if (row.snapshot.testOf) {
        await this.endTest(row, now, TEST_PAGE_ACKED, report);
        continue;
      }
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

  /**
   * A test page is over: its incident acknowledged (if nobody did) and resolved by OpsWatch, which stops its
   * escalation. One the incidents domain would not end (resolved already) is stopped here, so it is not due again.
   */
  private async endTest(row: DueEscalationRow, now: Date, note: string, report: EscalationRunReport) {
    if (await this.deps.endTest(row.tenant_id, row.incident_id, note)) {
      report.testsEnded++;
      return;
    }
    await withTx(this.orm, 'system', async (em) => {
      const locked = await escalationStore.lock(em, row.tenant_id, row.incident_id);
      if (locked?.next_at && (locked.state === 'active' || locked.state === 'acknowledged'))
        await escalationStore.advance(
          em,
          row.incident_id,
          { ...locked, state: 'resolved', stepFiredAt: locked.step_fired_at, nextAt: null },
          now,
        );
    });
  }

  /**
   * Moves a batch of due escalations on, in rounds: each round fires the next step of every escalation still due
   * (several rounds when steps reach nobody and the next fires at once) or exhausts it. A round's targets, rules,
   * running chains, pages and timeline are read and written set-based, a few statements for the whole batch.
   */
  private async moveAll(
    em: Em,
    rows: DueEscalationRow[],
    now: Date,
    report: EscalationRunReport,
    ending: DueEscalationRow[],
  ): Promise<void> {
    const states = new Map<string, MoveState>();
    for (const row of rows) {
      if (row.incident_status !== 'triggered') {
        const state = row.incident_status === 'resolved' ? 'resolved' : 'acknowledged';
        states.set(row.incident_id, { row, state, pos: row, fired: row.step_fired_at, nextAt: null });
        continue;
      }
      states.set(row.incident_id, {
        row,
        state: 'active',
        pos: { loop: row.loop, step: row.step },
        fired: row.step_fired_at,
        nextAt: row.next_at ?? now,
      });
    }
    const notices = new Notices();
    for (let round = 0; round < MAX_MOVES; round++) {
      const firing: Firing[] = [];
      for (const st of states.values()) {
        if (st.state !== 'active' || !st.nextAt || st.nextAt.getTime() > now.getTime()) continue;
        const { snapshot } = st.row;
        const move =
          st.fired === null ? ({ kind: 'step', position: st.pos } as const) : nextPosition(snapshot, st.pos);
        const at = now.getTime() - st.nextAt.getTime() > CATCH_UP_MS ? now : st.nextAt;
        if (move.kind === 'exhausted' && snapshot.testOf) {
          // A test page never says nobody acknowledged: it is resolved after the batches. Until then it stays
          // active, due again a minute later (should resolving it fail), so later batches do not take it again.
          st.state = 'ending';
          st.nextAt = new Date(now.getTime() + TEST_END_RETRY_MS);
          ending.push(st.row);
          continue;
        }
        if (move.kind === 'exhausted') {
          await this.exhaust(em, st.row, move.loops, notices);
          st.state = 'exhausted';
          st.nextAt = null;
          report.exhausted++;
          continue;
        }
        firing.push({ st, pos: move.position, at });
      }
      if (firing.length === 0) break;
      await this.fireAll(em, firing, notices);
      report.fired += firing.length;
    }
    await notices.flush(em, this.deps, now);
    await escalationStore.advanceAll(
      em,
      [...states.values()].map((st) => ({
        incidentId: st.row.incident_id,
        state: st.state === 'ending' ? 'active' : st.state,
        loop: st.pos.loop,
        step: st.pos.step,
        stepFiredAt: st.fired,
        nextAt: st.nextAt,
      })),
      now,
    );
  }

  /** Fires one step of each escalation: targets resolved at each step's instant, pages and timeline recorded. */
  private async fireAll(em: Em, firing: Firing[], notices: Notices): Promise<void> {
    const resolved = await this.resolveAll(em, firing);
    const people = new Map<string, Set<string>>(); // "tenant|urgency" → user ids
    for (const [i, f] of firing.entries())
      for (const t of resolved[i] ?? [])
        if (isPerson(t.target)) {
          const key = `${f.st.row.tenant_id}|${f.st.row.urgency}`;
          const set = people.get(key) ?? new Set<string>();
          for (const id of t.userIds) set.add(id);
          people.set(key, set);
        }
    const rulesBy = new Map<string, Map<string, PersonRules>>();
    const namesBy = new Map<string, Map<string, string>>();
    for (const [key, ids] of people) {
      const [tenantId = '', urgency = 'high'] = key.split('|');
      rulesBy.set(key, await this.deps.directory.rulesOf(em, tenantId, [...ids], urgency as Urgency));
      const names = namesBy.get(tenantId) ?? new Map<string, string>();
      for (const [id, n] of await escalationStore.userNames(em, tenantId, [...ids])) names.set(id, n);
      namesBy.set(tenantId, names);
    }
    const running = await escalationStore.runningChainsOf(
      em,
      firing.map((f) => ({ incidentId: f.st.row.incident_id, generation: f.st.row.generation, at: f.at })),
    );
    const pages: NewPage[] = [];
    for (const [i, f] of firing.entries()) {
      const { row } = f.st;
      const targets = resolved[i] ?? [];
      const plan = planStep({
        snapshot: row.snapshot,
        position: f.pos,
        firedAt: f.at,
        targets,
        rules: rulesBy.get(`${row.tenant_id}|${row.urgency}`) ?? new Map(),
        runningChains: running.get(row.incident_id) ?? new Set(),
      });
      const labelOf = new Map(targets.map((t) => [`${t.target.type}:${t.target.id}`, t.label]));
      for (const p of plan.pages)
        pages.push({
          ...p,
          id: newId(),
          label: labelOf.get(`${p.targetType}:${p.targetId}`) ?? p.targetId,
          tenantId: row.tenant_id,
          incidentId: row.incident_id,
          generation: row.generation,
          loop: f.pos.loop,
          step: f.pos.step,
        });
      const names = namesBy.get(row.tenant_id) ?? new Map<string, string>();
      const name = (id: string | null) => (id && names.get(id)) || id || '';
      const step = row.snapshot.spec.steps[f.pos.step];
      notices.add(row.tenant_id, row.incident_id, {
        kind: 'escalation_step',
        data: {
          generation: row.generation,
          loop: f.pos.loop,
          step: f.pos.step,
          targets: targets.map((t) => t.label),
          paged: [
            ...new Set(
              plan.pages.filter((p) => p.status === 'pending' && p.userId).map((p) => name(p.userId)),
            ),
          ],
          defaulted: plan.defaulted.map(name),
          continued: plan.pages.filter((p) => p.status === 'skipped' && p.userId).map((p) => name(p.userId)),
          userGroups: (step?.targets ?? []).filter((t) => t.type === 'slack_user_group').map((t) => t.id),
          nextAt: plan.nextAt.toISOString(),
        },
      });
      for (const target of plan.nobody)
        notices.add(row.tenant_id, row.incident_id, { kind: 'nobody_on_call', data: { target, ...f.pos } });
      for (const p of plan.pages)
        if (p.status === 'skipped') this.deps.metrics?.notified(p.method, 'skipped');
      f.st.pos = f.pos;
      f.st.fired = f.at;
      f.st.nextAt = plan.nextAt;
    }
    await escalationStore.insertPagesOf(em, pages, firing[0]?.at ?? new Date());
  }

  /** Each firing step's targets as they stand at its instant: a schedule's on-call then, a manager, a user. */
  private resolveAll(em: Em, firing: Firing[]): Promise<ResolvedTarget[][]> {
    return this.resolve(
      em,
      firing.map((f) => ({
        tenantId: f.st.row.tenant_id,
        targets: f.st.row.snapshot.spec.steps[f.pos.step]?.targets ?? [],
        at: f.at,
      })),
    );
  }

  /**
   * Targets as they stand at an instant, each list of `items` in its tenant. The simulator uses it too, so what it
   * shows is what the engine would page.
   */
  async resolve(
    em: Em,
    items: readonly { tenantId: string; targets: readonly Target[]; at: Date }[],
  ): Promise<ResolvedTarget[][]> {
    const direct = new Map<string, Set<string>>();
    for (const f of items) {
      const set = direct.get(f.tenantId) ?? new Set<string>();
      for (const t of f.targets) if (t.type === 'user') set.add(t.id);
      direct.set(f.tenantId, set);
    }
    const names = new Map<string, Map<string, string>>();
    for (const [tenantId, ids] of direct) {
      const known = await escalationStore.userIdsExisting(em, tenantId, [...ids]);
      names.set(tenantId, await escalationStore.userNames(em, tenantId, [...known]));
    }
    const onCall = new Map<string, Promise<OnCallAtInstant | null>>();
    const whoIsOn = (tenantId: string, id: string, at: Date) => {
      const key = `${tenantId}|${id}|${at.getTime()}`;
      let p = onCall.get(key);
      if (!p) {
        p = whoIsOnCallAt(em, tenantId, id, at);
        onCall.set(key, p);
      }
      return p;
    };
    const out: ResolvedTarget[][] = [];
    for (const f of items) {
      const tenantId = f.tenantId;
      const known = names.get(tenantId) ?? new Map<string, string>();
      const list: ResolvedTarget[] = [];
      for (const target of f.targets) {
        switch (target.type) {
          case 'user':
            list.push({
              target,
              label: known.get(target.id) ?? target.id,
              userIds: known.has(target.id) ? [target.id] : [],
            });
            break;
          case 'schedule': {
            const on = await whoIsOn(tenantId, target.id, f.at);
            list.push({ target, label: on?.scheduleName ?? target.id, userIds: on?.userIds ?? [] });
            break;
          }
          case 'manager_of': {
            const manager = await this.deps.directory.managerOf(
              em,
              tenantId,
              { of: target.of, id: target.id },
              f.at,
            );
            const of =
              target.of === 'schedule'
                ? ((await whoIsOn(tenantId, target.id, f.at))?.scheduleName ?? target.id)
                : ((await escalationStore.userNames(em, tenantId, [target.id])).get(target.id) ?? target.id);
            list.push({ target, label: `the manager of ${of}`, userIds: manager ? [manager] : [] });
            break;
          }
          case 'slack_channel':
            list.push({ target, label: `#${target.id.replace(/^#/, '')}`, userIds: [] });
            break;
          case 'slack_user_group':
            list.push({ target, label: `<!subteam^${target.id}>`, userIds: [] });
            break;
        }
      }
      out.push(list);
    }
    return out;
  }

  /** Nobody acknowledged after every loop: the thread, the default channel and the fallback channel say so. */
  private async exhaust(em: Em, row: DueEscalationRow, loops: number, notices: Notices): Promise<void> {
    const { tenant_id: tenantId, incident_id: incidentId, generation } = row;
    notices.add(tenantId, incidentId, { kind: 'escalation_exhausted', data: { generation, loops } });
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
      } else if (p.user_id && (p.method === 'sms' || p.method === 'voice')) {
        if (!this.deps.phonesOn)
          failed.push({
            id: p.id,
            reason:
              'SMS and calls are off: Twilio is not set up (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM_NUMBER).',
          });
        else if (!p.phone_number) failed.push({ id: p.id, reason: 'Its contact method was removed.' });
        else if (p.phone_status !== 'active')
          failed.push({ id: p.id, reason: `Its phone number is ${p.phone_status}: it is not paged.` });
        else
          rows.push({
            tenantId: p.tenant_id,
            incidentId: p.incident_id,
            destination: p.method,
            lane: p.phone_number,
            payload: { type: 'page', pageId: p.id },
            key,
          });
      } else failed.push({ id: p.id, reason: `Paging by ${p.method} is not available.` });
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
    // A person's method that cannot be used now: their next rule runs at once rather than after its delay.
    await phonePagesStore.runNextRuleNow(
      em,
      failed.map((f) => f.id),
      now,
    );
    // Each step whose pages were handed over (or failed) shows it in its ledger under the card.
    await ledgerTouched(em, due.map(ledgerStepOf), now);
    return due.length;
  }
}

interface MoveState {
  row: DueEscalationRow;
  /** `ending`: a test page whose step has run, stored as still active until it is resolved. */
  state: 'active' | 'acknowledged' | 'resolved' | 'exhausted' | 'ending';
  pos: { loop: number; step: number };
  fired: Date | null;
  nextAt: Date | null;
}

interface Firing {
  st: MoveState;
  pos: { loop: number; step: number };
  at: Date;
}

/** Timeline notices gathered over a batch, recorded per tenant in one statement. */
class Notices {
  private readonly byTenant = new Map<string, { incidentId: string; event: TimelineEvent }[]>();

  add(tenantId: string, incidentId: string, event: TimelineEvent): void {
    const list = this.byTenant.get(tenantId) ?? [];
    list.push({ incidentId, event });
    this.byTenant.set(tenantId, list);
  }

  async flush(em: Em, deps: EscalationDeps, at: Date): Promise<void> {
    for (const [tenantId, items] of this.byTenant) {
      if (deps.recordNotices) await deps.recordNotices(em, tenantId, items, at);
      else for (const i of items) await deps.recordNotice(em, tenantId, i.incidentId, i.event, at);
    }
    this.byTenant.clear();
  }
}

const isPerson = (t: Target): boolean =>
  t.type === 'user' || t.type === 'schedule' || t.type === 'manager_of';
