import type { MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { Em } from '../../db/sql.js';
import { withEm, withTx } from '../../db/tx.js';
import type { Actor } from '../../shared/actor.js';
import { authorize } from '../../shared/authz.js';
import { AppError } from '../../shared/errors.js';
import { type IncidentEventSink, incidentRef, parseIncidentRef } from '../incidents/index.js';
import { ledgerStepOf, ledgerTouched } from '../notify/index.js';
import type { EscalationDeps } from './escalation.deps.js';
import { EscalationEngine } from './escalation.engine.js';
import { EscalationSink } from './escalation.sink.js';
import { escalationStore, type PageRow } from './escalation.store.js';
import { type IncidentFacts, incidentFactsStore } from './incident-facts.store.js';
import { deliveryHistory, deliveryState, type LedgerPageFacts, maskPhone } from './ledger.calc.js';
import { ledgerStore } from './ledger.store.js';
import { phonePagesStore } from './phone-pages.store.js';
import { startTestPage, type TestPageDto } from './test-page.js';

/** Where the escalation stood when someone chose to escalate: a click made for a step it already left does nothing. */
export const escalateTokenSchema = z.object({
  generation: z.number().int().min(0),
  loop: z.number().int().min(0),
  step: z.number().int().min(0),
});
export type EscalateToken = z.infer<typeof escalateTokenSchema>;

export interface EscalateResult {
  escalated: boolean;
  message: string;
}

/** One status a notification went through. */
export interface NotificationEventDto {
  status: string;
  at: string;
  errorCode?: number;
}

export interface NotificationDto {
  generation: number;
  step: number;
  loop: number;
  userId: string | null;
  target: string | null;
  method: string;
  status: string;
  dueAt: string;
  queuedAt: string | null;
  sentAt: string | null;
  ackedAt?: string;
  detail: string | null;
  /** Where its delivery stands: the page's status, or its SMS's or call's latest Twilio status. */
  delivery: string;
  deliveryAt: string | null;
  errorCode?: number;
  /** Every status it went through, oldest first (queued, sending, sent, and each Twilio status). */
  history: NotificationEventDto[];
  /** SMS and voice: the contact method paged, its number (last 4 digits shown) and Twilio's SM…/CA… id. */
  contactMethodId: string | null;
  phoneNumber: string | null;
  providerSid: string | null;
}

/** What a page's DM shows, read when it is sent (or updated): the incident as it is then. */
export interface PageView {
  pageId: string;
  incident: IncidentFacts & { ref: string };
  /** Why this person is paged: "You are on call for Payments", "You are the manager of Bob"… */
  reason: string;
  /** The policy target that reached this person (or channel): its type, id and label as the step resolved it. */
  target: { type: string; id: string | null; label: string | null };
  loop: number;
  step: number;
  generation: number;
  dueAt: Date;
  /** Where a sent DM is, for in-place updates. */
  message: { channel: string; ts: string } | null;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** A claim older than this is taken to be an attempt that died or got no answer (longer than a send can take). */
const CLAIM_STALE_MS = 45_000;

const reasonOf = (p: PageRow): string => {
  const label = p.target_label ?? p.target_id ?? '';
  if (p.target_type === 'schedule') return `You are on call for ${label}`;
  if (p.target_type === 'manager_of') return `You are ${label}`;
  if (p.target_type === 'slack_channel' || p.target_type === 'slack_user_group') return `Paging ${label}`;
  return 'You are paged directly';
};

/**
 * The escalation domain: `sink` subscribes to incident events (start, stop, restart in their transaction),
 * `engine` is the engine module's work, and the methods here are what adapters call (escalate now, the
 * notifications of an incident, and the Slack adapter's reads and outcome writes around sending a page).
 */
export class EscalationService {
  readonly sink: IncidentEventSink;
  readonly engine: EscalationEngine;

  constructor(
    private readonly orm: MikroORM,
    private readonly deps: EscalationDeps,
  ) {
    this.sink = new EscalationSink(deps);
    this.engine = new EscalationEngine(orm, deps);
  }

  /** The next instant the engine has something to do (every tenant's); null when nothing is scheduled. */
  nextDeadline(): Promise<Date | null> {
    return withEm(this.orm, 'system', (em) => escalationStore.nextDeadline(em));
  }

  /**
   * Escalate now: the next step fires at once (the engine is woken). With `token`, only if the escalation is still
   * where the person saw it; otherwise nothing happens and the answer says so.
   */
  async escalate(actor: Actor, ref: string, token?: EscalateToken): Promise<EscalateResult> {
    authorize(actor, 'incident:escalate');
    const q = parseIncidentRef(ref);
    const now = this.deps.clock.now();
    return withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const inc = await incidentFactsStore.byRef(em, actor.tenantId, q);
      if (!inc) throw AppError.notFound(`Incident ${ref}`);
      const name = incidentRef(inc.number);
      if (inc.status === 'resolved')
        return { escalated: false, message: `${name} is resolved: there is nothing to escalate.` };
      if (inc.status === 'acknowledged')
        return { escalated: false, message: `${name} is acknowledged: it is not escalating.` };
      const row = await escalationStore.lock(em, actor.tenantId, inc.id);
      if (!row)
        return { escalated: false, message: `${name} has no escalation policy: there is no next step.` };
      if (
        token &&
        (token.generation !== row.generation || token.loop !== row.loop || token.step !== row.step)
      )
        return { escalated: false, message: `${name} has already moved past step ${token.step + 1}.` };
      if (row.state === 'exhausted') {
        await this.deps.recordNotice(em, actor.tenantId, inc.id, escalatedEvent(row), now);
        const sink = this.sink as EscalationSink;
        await sink.start(em, { tenantId: actor.tenantId, incidentId: inc.id, at: now }, 'restarted');
        return { escalated: true, message: `${name}: escalating again from the first step.` };
      }
      if (row.step_fired_at === null)
        return { escalated: false, message: `${name} is about to fire its first step already.` };
      await escalationStore.advance(em, inc.id, { ...row, stepFiredAt: row.step_fired_at, nextAt: now }, now);
      await recordWithActor(em, this.deps, actor, inc.id, escalatedEvent(row), now);
      await escalationStore.notifyEngine(em);
      return {
        escalated: true,
        message: `${name}: escalating from step ${row.step + 1} to the next step now.`,
      };
    });
  }

  /**
   * "Send me a test page": the person's high-urgency rules run for real against a drill incident that pages
   * only them, is posted to no channel and resolves itself (see test-page.ts). One per person per 5 minutes.
   */
  testPage(actor: Actor, userId: string): Promise<TestPageDto> {
    return startTestPage(this.orm, this.deps, actor, userId);
  }

  /** Every page of the incident, oldest first. */
  async notifications(actor: Actor, ref: string): Promise<NotificationDto[]> {
    authorize(actor, 'incident:read');
    return withEm(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const inc = await incidentFactsStore.byRef(em, actor.tenantId, parseIncidentRef(ref));
      if (!inc) throw AppError.notFound(`Incident ${ref}`);
      const pages = await ledgerStore.incidentPages(em, actor.tenantId, inc.id);
      return pages.map(toNotification);
    });
  }

  /**
   * Just before a page is sent: claims it for this attempt and answers what to render, or null when it is not to
   * be sent — the incident was acknowledged or resolved after it was queued (it is then recorded `cancelled`), it
   * was sent already, or another attempt is sending it now. `lookFirst`: an earlier attempt claimed it and may
   * have sent it (no answer, or it died): look for that message before sending again, so it never goes twice.
   */
  async pageToSend(tenantId: string, pageId: string): Promise<(PageView & { lookFirst: boolean }) | null> {
    const now = this.deps.clock.now();
    return withTx(this.orm, { tenantId }, async (em) => {
      const page = await escalationStore.page(em, pageId);
      if (!page) return null;
      const inc = await incidentFactsStore.get(em, tenantId, page.incident_id);
      const esc = await escalationStore.get(em, tenantId, page.incident_id);
      const live = inc?.status === 'triggered' && esc?.generation === page.generation;
      if (live && inc && (page.status === 'queued' || page.status === 'sending')) {
        const claimed = await escalationStore.claim(
          em,
          pageId,
          now,
          new Date(now.getTime() - CLAIM_STALE_MS),
        );
        if (claimed) return { ...view(claimed.page, inc), lookFirst: claimed.again };
        // Another attempt holds it now: try again later (it is then sent, or its claim has gone stale).
        throw new AppError('unavailable', 'The page is being sent by another attempt.');
      }
      // A page still `sending` (an earlier attempt's outcome unknown) whose incident was acknowledged or resolved
      // before this retry is not retried: it ends `cancelled` rather than staying `sending` for good.
      if (page.status === 'queued' || page.status === 'sending' || page.status === 'cancelled') {
        const reason = `${inc ? incidentRef(inc.number) : 'The incident'} was ${inc?.status ?? 'gone'} before the page was sent.`;
        const was = await escalationStore.setOutcome(em, pageId, ['queued', 'sending'], {
          status: 'cancelled',
          detail: reason,
        });
        if (was || page.status === 'cancelled') await this.outcome(em, page, 'cancelled', now, reason);
      }
      return null;
    });
  }

  /** The attempt certainly sent nothing (Slack refused it): the page is claimed as new by the next attempt. */
  async pageNotSent(tenantId: string, pageId: string): Promise<void> {
    await withTx(this.orm, { tenantId }, (em) => escalationStore.unclaim(em, pageId));
  }

  /** A page's DM as it is to be updated in place, or null when it has no DM to update. */
  async pageToUpdate(tenantId: string, pageId: string): Promise<PageView | null> {
    return withEm(this.orm, { tenantId }, async (em) => {
      const page = await escalationStore.page(em, pageId);
      if (!page?.slack_channel || !page.slack_ts) return null;
      const inc = await incidentFactsStore.get(em, tenantId, page.incident_id);
      return inc ? view(page, inc) : null;
    });
  }

  /** The page went out (handed to Slack at `at`): recorded `sent`, with its message for later updates. */
  async pageSent(
    tenantId: string,
    pageId: string,
    message: { channel: string; ts: string } | null,
    handedAt: Date = this.deps.clock.now(),
  ): Promise<void> {
    const now = handedAt;
    await withTx(this.orm, { tenantId }, async (em) => {
      const page = await escalationStore.setOutcome(em, pageId, ['queued', 'sending', 'cancelled'], {
        status: 'sent',
        sentAt: now,
        ...(message ? { channel: message.channel, ts: message.ts } : {}),
      });
      if (!page) return;
      this.deps.metrics?.lateness(Math.max(0, (now.getTime() - page.due_at.getTime()) / 1000));
      await this.outcome(em, page, 'sent', now);
    });
  }

  /** The page could not be sent, for good: recorded `failed` with why. */
  async pageFailed(tenantId: string, pageId: string, reason: string): Promise<void> {
    const now = this.deps.clock.now();
    await withTx(this.orm, { tenantId }, async (em) => {
      const page = await escalationStore.setOutcome(em, pageId, ['queued'], {
        status: 'failed',
        detail: reason,
      });
      if (!page) return;
      await this.outcome(em, page, 'failed', now, reason);
      await phonePagesStore.runNextRuleNow(em, [page.id], now);
    });
  }

  /**
   * A page's outcome, in the caller's transaction: counted, on the incident's timeline (`notified`), and its
   * step's ledger redrawn. The paging domain's SMS and calls record theirs through it too.
   */
  async outcome(
    em: Em,
    p: PageRow,
    status: 'sent' | 'failed' | 'cancelled',
    at: Date,
    reason?: string,
  ): Promise<void> {
    this.deps.metrics?.notified(p.method, status);
    const data = {
      pageId: p.id,
      userId: p.user_id,
      method: p.method,
      status,
      loop: p.loop,
      step: p.step,
      ...(reason ? { reason } : {}),
    };
    await this.deps.recordNotice(em, p.tenant_id, p.incident_id, { kind: 'notified', data }, at);
    await ledgerTouched(em, ledgerStepOf(p), at);
  }
}

const escalatedEvent = (row: { generation: number; loop: number; step: number }) =>
  ({ kind: 'escalated', data: { generation: row.generation, loop: row.loop, step: row.step } }) as const;

/** The escalate event names the person who escalated (a notice would name OpsWatch). */
async function recordWithActor(
  em: Em,
  deps: EscalationDeps,
  actor: Actor,
  incidentId: string,
  event: ReturnType<typeof escalatedEvent>,
  at: Date,
): Promise<void> {
  if (deps.recordAs) await deps.recordAs(em, actor, incidentId, event, at);
  else await deps.recordNotice(em, actor.tenantId, incidentId, event, at);
}

function toNotification(p: LedgerPageFacts): NotificationDto {
  const state = deliveryState(p);
  return {
    generation: p.generation,
    step: p.step,
    loop: p.loop,
    userId: p.userId,
    target: p.targetLabel,
    method: p.method,
    status: p.status,
    dueAt: p.dueAt.toISOString(),
    queuedAt: iso(p.queuedAt),
    sentAt: iso(p.sentAt),
    ...(p.ackedAt ? { ackedAt: p.ackedAt.toISOString() } : {}),
    detail: p.detail,
    delivery: state.status,
    deliveryAt: iso(state.at),
    ...(state.errorCode !== null ? { errorCode: state.errorCode } : {}),
    history: deliveryHistory(p).map((e) => ({
      status: e.status,
      at: e.at.toISOString(),
      ...(e.errorCode !== null ? { errorCode: e.errorCode } : {}),
    })),
    contactMethodId: p.contactMethodId,
    phoneNumber: maskPhone(p.phoneNumber),
    providerSid: p.send?.providerSid ?? null,
  };
}

function view(page: PageRow, inc: IncidentFacts): PageView {
  return {
    pageId: page.id,
    incident: { ...inc, ref: incidentRef(inc.number) },
    reason: reasonOf(page),
    target: { type: page.target_type, id: page.target_id, label: page.target_label },
    loop: page.loop,
    step: page.step,
    generation: page.generation,
    dueAt: page.due_at,
    message: page.slack_channel && page.slack_ts ? { channel: page.slack_channel, ts: page.slack_ts } : null,
  };
}
