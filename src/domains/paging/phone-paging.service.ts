import type { MikroORM } from '@mikro-orm/postgresql';
import type { Em } from '../../db/sql.js';
import { withPgTx } from '../../db/tx.js';
import type { Actor, UserRole } from '../../shared/actor.js';
import type { Clock } from '../../shared/clock.js';
import { isAppError } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { incidentRef } from '../../shared/incident-ref.js';
import type { Logger } from '../../shared/logger.js';
import { isLive, type PageRow, type PhonePageRow, phonePagesStore } from '../escalation/index.js';
import type { IncidentNoticeRecorder, TimelineEvent } from '../incidents/index.js';
import type { NewOutboxRow } from '../notify/index.js';
import { contactMethodsReads } from './contact-methods.reads.js';
import { type NumberMethodRow, phoneSendsStore, type SendRow } from './phone-sends.store.js';
import { PASSIVE_REPLIES_PER_DAY, parseReply, type Reply, type ReplyAction } from './reply.calc.js';
import {
  bundleSms,
  type PagedIncident,
  REPLY_HELP,
  verificationScript,
  verificationSms,
  voiceScript,
} from './sms-text.calc.js';
import { nextAllowed, type PhoneKind, THROTTLE_HORIZON_MS } from './throttle.calc.js';

/** How long a send may stay `sending` (Twilio called, no answer recorded) before it counts as outcome unknown. */
export const SEND_DEADLINE_MS = 45_000;
/** Pages of other incidents one SMS or call carries at most. */
const BUNDLE_MAX = 9;

/** What to do with an outbox row for a phone. */
export type Prepared =
  | { kind: 'done' }
  | { kind: 'busy' }
  | { kind: 'hold'; until: Date }
  | { kind: 'send'; sendId: string; to: string; text: string };

/** How a person acted from their phone, and what they are told. */
export interface ReplyOutcome {
  /** The answer to text back (null: answer nothing). */
  text: string | null;
}

/** What the Twilio adapter and the engine are given. */
export interface PhonePagingDeps {
  clock: Clock;
  log: Logger;
  recordNotice: IncidentNoticeRecorder;
  enqueue: (em: Em, rows: readonly NewOutboxRow[]) => Promise<void>;
  /** Acts on an incident as a person (the incidents and escalation services). */
  act: (actor: Actor, action: ReplyAction, ref: string, token: EscalatePlace) => Promise<string>;
  /** A page's outcome: counted, on the timeline, its ledger redrawn (EscalationService.outcome). */
  pageOutcome: (
    em: Em,
    page: PageRow,
    status: 'sent' | 'failed' | 'cancelled',
    at: Date,
    reason?: string,
  ) => Promise<void>;
  /** A page's status changed (the ledger under the card is brought up to date). */
  pagesChanged?: (em: Em, pages: readonly PageRow[], at: Date) => Promise<void>;
  metrics?: PhoneMetrics;
}

export interface EscalatePlace {
  generation: number;
  loop: number;
  step: number;
}

export interface PhoneMetrics {
  notified(method: string, outcome: string): void;
  twilioError(code: string): void;
  lateness(seconds: number): void;
}

/** Twilio's error codes that end a method for good. */
const OPTED_OUT = 21610;
const INVALID_NUMBER = 21211;

/** Call and message statuses: which end a send, and which of those mean nobody got it. */
const RANK: Record<string, number> = {
  sending: 0,
  accepted: 1,
  scheduled: 1,
  queued: 1,
  initiated: 1,
  sent: 2,
  ringing: 2,
  'in-progress': 3,
  answered: 3,
  delivered: 4,
  read: 4,
  completed: 4,
  undelivered: 4,
  failed: 4,
  'no-answer': 4,
  busy: 4,
  canceled: 4,
  voicemail: 4,
};
const NOT_REACHED = new Set(['undelivered', 'failed', 'no-answer', 'busy', 'canceled', 'voicemail']);

const mask = (phone: string): string => `${phone.slice(0, 3)}…${phone.slice(-4)}`;

const toIncident = (p: PhonePageRow): PagedIncident => ({
  number: p.incident_number,
  severity: p.incident_severity,
  service: p.incident_service,
  title: p.incident_title,
  drill: p.incident_drill,
});

/**
 * Paging by SMS and phone call: what each send says and to whom, at most once per page (a send is recorded
 * `sending` with a deadline and committed before Twilio is called; one that ends without an answer is failed as
 * "outcome unknown" and the person's next rule runs, never a second identical send), per-number throttling,
 * bundling of a person's pages into one SMS or call, Twilio's answers and status callbacks, and replies.
 * Its transactions are light ones (`withPgTx`: prepared statements, writes sent ahead with the next statement or
 * COMMIT): a page costs several, and each status callback one.
 */
export class PhonePagingService {
  constructor(
    private readonly orm: MikroORM,
    private readonly deps: PhonePagingDeps,
  ) {}

  /**
   * Before a page goes out by SMS or call: claims it (and the person's other pages queued for the same number,
   * bundled), or answers why not now — sent already, not to be sent, another attempt sending it (`busy`), or
   * throttled (`hold` until the number may take another).
   */
  async preparePage(tenantId: string, pageId: string, kind: PhoneKind): Promise<Prepared> {
    const now = this.deps.clock.now();
    return withPgTx(this.orm, { tenantId }, async (em) => {
      const page = await phonePagesStore.lock(em, pageId);
      if (!page) return { kind: 'done' };
      if (page.status === 'sending') {
        const send = page.send_id ? await phoneSendsStore.lock(em, page.send_id) : undefined;
        if (send?.status === 'sending' && send.sending_deadline && send.sending_deadline > now)
          return { kind: 'busy' };
        if (send?.status === 'sending') await this.outcomeUnknown(em, send, now);
        else await this.fail(em, [page], 'The attempt to send it ended without an answer.', now);
        return { kind: 'done' };
      }
      if (page.status !== 'queued') return { kind: 'done' };
      if (!isLive(page)) {
        const reason = `${incidentRef(page.incident_number)} was ${page.incident_status} before the page was sent.`;
        const was = await phonePagesStore.close(em, page.id, { status: 'cancelled', detail: reason });
        if (was) await this.deps.pageOutcome(em, was, 'cancelled', now, reason);
        return { kind: 'done' };
      }
      const since = new Date(now.getTime() - THROTTLE_HORIZON_MS);
      const method = page.contact_method_id
        ? await phoneSendsStore.number(em, page.contact_method_id, kind, since)
        : undefined;
      if (method?.status !== 'active') {
        const reason = method
          ? `The number ${mask(method.phone_number)} is ${method.status}${method.status_reason ? ` (${method.status_reason})` : ''}: it is not paged.`
          : 'The contact method was removed.';
        await this.fail(em, [page], reason, now);
        return { kind: 'done' };
      }
      const phone = method.phone_number;
      const allowed = nextAllowed(kind, method.sent, now);
      if (allowed > now) return { kind: 'hold', until: allowed };
      const methodIds = method.method_ids;
      const others = await phonePagesStore.bundleable(em, page, methodIds, now, BUNDLE_MAX);
      const pages = [page, ...others].sort((a, b) => a.incident_number - b.incident_number);
      const incidents = pages.map(toIncident);
      const text = kind === 'sms' ? bundleSms(incidents) : voiceScript(incidents);
      const sendId = newId();
      await phoneSendsStore.create(
        em,
        {
          id: sendId,
          tenantId,
          contactMethodId: method.id,
          userId: method.user_id,
          kind,
          purpose: 'page',
          phone,
          body: text,
          deadline: new Date(now.getTime() + SEND_DEADLINE_MS),
        },
        now,
      );
      await phonePagesStore.markSending(
        em,
        pages.map((p) => p.id),
        sendId,
        now,
      );
      await this.deps.pagesChanged?.(em, pages, now);
      return { kind: 'send', sendId, to: phone, text };
    });
  }

  /** Before a verification code goes out: nothing when the method is gone or verified already. */
  async prepareVerification(
    tenantId: string,
    contactMethodId: string,
    code: string,
    kind: PhoneKind,
  ): Promise<Prepared> {
    const now = this.deps.clock.now();
    return withPgTx(this.orm, { tenantId }, async (em) => {
      const method = await phoneSendsStore.method(em, contactMethodId);
      if (method?.status !== 'unverified') return { kind: 'done' };
      const text = kind === 'sms' ? verificationSms(code) : verificationScript(code);
      const sendId = newId();
      await phoneSendsStore.create(
        em,
        {
          id: sendId,
          tenantId,
          contactMethodId,
          userId: method.user_id,
          kind,
          purpose: 'verification',
          phone: method.phone_number,
          body: text,
          deadline: new Date(now.getTime() + SEND_DEADLINE_MS),
        },
        now,
      );
      return { kind: 'send', sendId, to: method.phone_number, text };
    });
  }

  /** Twilio took it (201): the pages it carries are sent. */
  async accepted(sendId: string, sid: string, status: string, handedAt: Date): Promise<void> {
    const now = this.deps.clock.now();
    await this.inSend(sendId, async (em, send) => {
      // A status callback may have come first: the later status stays.
      const to = (RANK[send.status] ?? 0) > (RANK[status] ?? 0) ? send.status : status;
      await phoneSendsStore.setStatus(em, send, { status: to, sid }, now);
      if (send.purpose !== 'page') return;
      const pages = await phonePagesStore.settle(
        em,
        sendId,
        { status: 'sent', at: handedAt, delivery: to },
        now,
      );
      for (const p of pages) {
        this.deps.metrics?.lateness(Math.max(0, (handedAt.getTime() - new Date(p.due_at).getTime()) / 1000));
        await this.deps.pageOutcome(em, p, 'sent', now);
      }
      if (NOT_REACHED.has(to)) await this.notReached(em, send, to, now);
    });
  }

  /**
   * Twilio refused it for good (a 4xx with its code): the pages failed. 21610 (the person texted STOP) disables
   * every method with that number in the tenant; 21211 (not a valid number) marks the method invalid. The
   * person's next rule runs at once.
   */
  async refused(sendId: string, code: number | null, message: string): Promise<void> {
    const now = this.deps.clock.now();
    if (code !== null) this.deps.metrics?.twilioError(String(code));
    await this.inSend(sendId, async (em, send) => {
      await phoneSendsStore.setStatus(
        em,
        send,
        { status: 'failed', errorCode: code, errorMessage: message },
        now,
      );
      const reason = `Twilio refused it${code !== null ? ` (${code})` : ''}: ${message}`;
      const pages = send.purpose === 'page' ? await phonePagesStore.ofSend(em, sendId) : [];
      if (code === OPTED_OUT || code === INVALID_NUMBER)
        await this.methodGone(em, send, code === OPTED_OUT ? 'opted_out' : 'invalid', pages, now);
      if (send.purpose === 'page') await this.failSend(em, send, reason, now);
    });
  }

  /** Twilio refused it without sending (429, 5xx, connection refused): the pages wait for the next attempt. */
  async notMade(sendId: string, code: number | null): Promise<void> {
    if (code !== null) this.deps.metrics?.twilioError(String(code));
    await this.inSend(sendId, async (em, send) => {
      await phonePagesStore.unclaim(em, sendId);
      await phoneSendsStore.remove(em, send.id);
    });
  }

  /** No answer from Twilio (a timeout, a dropped connection): it may have gone out, so it is never sent again. */
  async unknown(sendId: string): Promise<void> {
    const now = this.deps.clock.now();
    await this.inSend(sendId, (em, send) => this.outcomeUnknown(em, send, now));
  }

  /** Sends left `sending` past their deadline (a worker died mid-send): each failed as "outcome unknown". */
  async expireStuck(): Promise<number> {
    const now = this.deps.clock.now();
    return withPgTx(this.orm, 'system', async (em) => {
      const stuck = await phoneSendsStore.stuck(em, now, 100);
      for (const send of stuck) await this.outcomeUnknown(em, send, now);
      return stuck.length;
    });
  }

  /**
   * A status callback from Twilio (message or call): the send moves on (never back), every status is kept in its
   * history, and its pages show it. A message not delivered, or a call not answered (or answered by a machine),
   * runs the person's next rule at once.
   */
  async status(
    sendId: string,
    s: { status: string; errorCode: number | null; answeredBy: string | null; sid: string | null },
  ): Promise<void> {
    const now = this.deps.clock.now();
    if (s.errorCode) this.deps.metrics?.twilioError(String(s.errorCode));
    await this.inSend(sendId, async (em, send) => {
      if (s.sid && send.provider_sid && s.sid !== send.provider_sid) return;
      const machine = (s.answeredBy ?? send.answered_by ?? '').startsWith('machine');
      let status = s.status === 'in-progress' ? 'answered' : s.status;
      if (status === 'completed' && machine) status = 'voicemail';
      if (status === 'answered' && machine) status = 'voicemail';
      if ((RANK[status] ?? 0) <= (RANK[send.status] ?? 0) && send.status !== 'sending') {
        await phoneSendsStore.addEvent(em, send, status, s.errorCode, now);
        return;
      }
      await phoneSendsStore.setStatus(
        em,
        send,
        { status, sid: s.sid, errorCode: s.errorCode, answeredBy: s.answeredBy },
        now,
      );
      if (send.purpose !== 'page') return;
      const pages = await phonePagesStore.setDelivery(em, sendId, status, now);
      await this.deps.pagesChanged?.(em, pages, now);
      if (RANK[status] === 4)
        this.deps.metrics?.notified(
          send.kind,
          NOT_REACHED.has(status) ? status.replace('-', '_') : 'delivered',
        );
      if (NOT_REACHED.has(status)) await this.notReached(em, send, status, now);
    });
  }

  /** What a call says (the TwiML endpoint): the page's script, or null when the call is unknown. */
  async callScript(
    sendId: string,
    answeredBy: string | null,
  ): Promise<{ text: string; purpose: 'page' | 'verification'; machine: boolean } | null> {
    const now = this.deps.clock.now();
    return withPgTx(this.orm, 'system', async (em) => {
      const send = await phoneSendsStore.lock(em, sendId);
      if (send?.kind !== 'voice') return null;
      const machine = (answeredBy ?? '').startsWith('machine') || answeredBy === 'fax';
      if (answeredBy && answeredBy !== send.answered_by)
        await phoneSendsStore.setStatus(em, send, { status: send.status, answeredBy }, now);
      return { text: send.body, purpose: send.purpose, machine };
    });
  }

  /** A key pressed on a page's call: 4 acknowledges, 5 escalates, 6 resolves (every incident the call carried). */
  async pressed(sendId: string, digit: string): Promise<string> {
    const action: ReplyAction | undefined = (
      { '4': 'acknowledge', '5': 'escalate', '6': 'resolve' } as const
    )[digit];
    if (!action) return 'Sorry, that key does nothing.';
    const found = await withPgTx(this.orm, 'system', async (em) => {
      const send = await phoneSendsStore.get(em, sendId);
      if (!send?.user_id || send.purpose !== 'page') return null;
      const user = await phoneSendsStore.userFacts(em, send.tenant_id, send.user_id);
      const pages = await phonePagesStore.ofSend(em, sendId);
      return user ? { send, user, pages } : null;
    });
    if (!found) return 'This call is no longer about an incident.';
    const actor = this.actorOf(found.send.tenant_id, found.user, 'voice');
    const said: string[] = [];
    for (const p of found.pages)
      said.push(
        await this.deps.act(actor, action, incidentRef(p.incident_number), p).catch((err: unknown) => {
          if (isAppError(err)) return err.message;
          throw err;
        }),
      );
    return said.join(' ');
  }

  /**
   * An SMS from a phone: matched to the verified numbers it comes from (every tenant's), it acts on the incidents
   * paging that person. Answers what to text back (null: nothing — an unknown number, or STOP).
   */
  async inbound(from: string, body: string): Promise<ReplyOutcome> {
    const now = this.deps.clock.now();
    const reply = parseReply(body);
    const methods = await withPgTx(this.orm, 'system', (em) => phoneSendsStore.methodsByPhone(em, from));
    const known = methods.filter((m) => m.status === 'active' || m.status === 'disabled');
    if (known.length === 0) return { text: null };
    if (reply.kind === 'stop') {
      await this.stopped(from, now);
      return { text: null };
    }
    if (reply.kind === 'start') {
      // Methods that were never verified go back to unverified, not active.
      const disabled = methods.filter((m) => m.status === 'disabled').map((m) => m.id);
      const back = await withPgTx(this.orm, 'system', (em) =>
        contactMethodsReads.setStatus(em, disabled, 'active', null, now),
      );
      return {
        text: back.length
          ? 'OpsWatch: pages by text and call to this number are on again.'
          : 'OpsWatch: this number already gets pages.',
      };
    }
    const people = uniquePeople(known.filter((m) => m.status === 'active'));
    if (reply.kind === 'help' || reply.kind === 'unknown' || people.length === 0)
      return this.passive(
        from,
        now,
        reply.kind === 'help'
          ? REPLY_HELP
          : `Sorry, "${body.trim().slice(0, 20)}" is not a reply OpsWatch knows. ${REPLY_HELP}`,
      );
    return { text: await this.act(people, reply) };
  }

  private async act(
    people: readonly { tenant_id: string; user_id: string }[],
    reply: Exclude<Reply, { kind: 'stop' | 'start' | 'help' | 'unknown' }>,
  ): Promise<string> {
    type Paged = Awaited<ReturnType<typeof phonePagesStore.pagedIncidents>>[number] & { actor: Actor };
    const paged: Paged[] = [];
    await withPgTx(this.orm, 'system', async (em) => {
      for (const p of people) {
        const user = await phoneSendsStore.userFacts(em, p.tenant_id, p.user_id);
        if (!user) continue;
        const actor = this.actorOf(p.tenant_id, user, 'sms');
        for (const i of await phonePagesStore.pagedIncidents(em, p.tenant_id, p.user_id))
          paged.push({ ...i, actor });
      }
    });
    const run = async (i: Paged, action: ReplyAction) =>
      this.deps.act(i.actor, action, incidentRef(i.number), i).catch((err: unknown) => {
        if (isAppError(err)) return err.message;
        throw err;
      });
    if (reply.kind === 'act') {
      const mine = paged.filter((i) => i.number === reply.number);
      if (mine.length === 0) return `OpsWatch: INC-${reply.number} is not paging you.`;
      const said: string[] = [];
      for (const i of mine) said.push(await run(i, reply.action));
      return said.join(' ');
    }
    const open = paged.filter((i) => i.status === 'triggered');
    if (reply.kind === 'act_only') {
      const pool = reply.action === 'acknowledge' || reply.action === 'escalate' ? open : paged;
      if (pool.length === 0) return 'OpsWatch: nothing is paging you now.';
      if (pool.length > 1) {
        const nums = pool.map((i) => i.number).sort((a, b) => a - b);
        return `OpsWatch: ${pool.length} incidents page you (${nums.join(', ')}): reply ${nums[0]}${reply.action[0]}, or aa to ack all.`;
      }
      return run(pool[0] as Paged, reply.action);
    }
    const pool = reply.action === 'acknowledge' ? open : paged;
    if (pool.length === 0) return 'OpsWatch: nothing is paging you now.';
    const said: string[] = [];
    for (const i of pool) said.push(await run(i, reply.action));
    return said.join(' ');
  }

  /** STOP from a number: every method with it, every tenant's, is disabled; the people are told by Slack DM. */
  private async stopped(phone: string, now: Date): Promise<void> {
    await withPgTx(this.orm, 'system', async (em) => {
      await this.disable(em, phone, null, 'texted STOP', now);
    });
  }

  /**
   * Every method with this number (in one tenant, or every tenant's) that is active or unverified becomes
   * disabled; each person is told by Slack DM.
   */
  private async disable(
    em: Em,
    phone: string,
    tenantId: string | null,
    reason: string,
    now: Date,
  ): Promise<void> {
    const methods = (await phoneSendsStore.methodsByPhone(em, phone)).filter(
      (m) =>
        (tenantId === null || m.tenant_id === tenantId) &&
        (m.status === 'active' || m.status === 'unverified'),
    );
    const changed = await contactMethodsReads.setStatus(
      em,
      methods.map((m) => m.id),
      'disabled',
      reason,
      now,
    );
    await this.tellDisabled(
      em,
      methods.filter((m) => changed.includes(m.id)),
      'opted_out',
    );
  }

  private async passive(phone: string, now: Date, text: string): Promise<ReplyOutcome> {
    const day = now.toISOString().slice(0, 10);
    const ok = await withPgTx(this.orm, 'system', (em) =>
      phoneSendsStore.takePassiveReply(em, phone, day, PASSIVE_REPLIES_PER_DAY),
    );
    return { text: ok ? text : null };
  }

  private actorOf(
    tenantId: string,
    user: { id: string; name: string; role: string },
    source: 'sms' | 'voice',
  ): Actor {
    return { tenantId, kind: 'user', id: user.id, name: user.name, roles: [user.role as UserRole], source };
  }

  private async inSend(sendId: string, fn: (em: Em, send: SendRow) => Promise<void>): Promise<void> {
    await withPgTx(this.orm, 'system', async (em) => {
      const send = await phoneSendsStore.lock(em, sendId);
      if (send) await fn(em, send);
    });
  }

  private async outcomeUnknown(em: Em, send: SendRow, now: Date): Promise<void> {
    const reason = 'Outcome unknown: Twilio gave no answer, so it is not sent again.';
    await phoneSendsStore.setStatus(em, send, { status: 'failed', errorMessage: reason }, now);
    if (send.purpose === 'page') await this.failSend(em, send, reason, now);
  }

  /** The send's pages failed: recorded, and each person's next rule runs at once. */
  private async failSend(em: Em, send: SendRow, reason: string, now: Date): Promise<void> {
    const pages = await phonePagesStore.settle(
      em,
      send.id,
      { status: 'failed', detail: reason, delivery: 'failed' },
      now,
    );
    for (const p of pages) await this.deps.pageOutcome(em, p, 'failed', now, reason);
    await phonePagesStore.runNextRuleNow(
      em,
      pages.map((p) => p.id),
      now,
    );
  }

  private async fail(em: Em, pages: readonly PageRow[], reason: string, now: Date): Promise<void> {
    const failed: PageRow[] = [];
    for (const p of pages) {
      const was = await phonePagesStore.close(em, p.id, { status: 'failed', detail: reason });
      if (!was) continue;
      failed.push(was);
      await this.deps.pageOutcome(em, was, 'failed', now, reason);
    }
    await phonePagesStore.runNextRuleNow(
      em,
      failed.map((p) => p.id),
      now,
    );
  }

  /** A message not delivered or a call not answered: the timeline says so and the next rule runs at once. */
  private async notReached(em: Em, send: SendRow, status: string, now: Date): Promise<void> {
    const pages = await phonePagesStore.ofSend(em, send.id);
    const what = send.kind === 'sms' ? 'The SMS was' : 'The call was';
    const reason =
      status === 'voicemail'
        ? 'The call was answered by voicemail, which does not count as reached.'
        : status === 'no-answer'
          ? 'The call was not answered.'
          : `${what} ${status}${send.error_code ? ` (${send.error_code})` : ''}.`;
    for (const p of pages) {
      const data = {
        pageId: p.id,
        userId: p.user_id,
        method: p.method,
        status: 'failed' as const,
        loop: p.loop,
        step: p.step,
        reason,
      };
      await this.deps.recordNotice(em, p.tenant_id, p.incident_id, { kind: 'notified', data }, now);
    }
    await phonePagesStore.runNextRuleNow(
      em,
      pages.map((p) => p.id),
      now,
    );
  }

  /** 21610 or 21211: the number stops being paged; the timeline of each incident it was paging says so. */
  private async methodGone(
    em: Em,
    send: SendRow,
    why: 'opted_out' | 'invalid',
    pages: readonly PhonePageRow[],
    now: Date,
  ): Promise<void> {
    if (why === 'opted_out')
      await this.disable(em, send.phone_number, send.tenant_id, 'texted STOP (Twilio error 21610)', now);
    else if (send.contact_method_id) {
      const reason = 'Twilio: not a valid phone number (21211)';
      const changed = await contactMethodsReads.setStatus(
        em,
        [send.contact_method_id],
        'invalid',
        reason,
        now,
      );
      const methods = await phoneSendsStore.methodsByPhone(em, send.phone_number);
      await this.tellDisabled(
        em,
        methods.filter((m) => changed.includes(m.id)),
        'invalid',
      );
    }
    const user = send.user_id ? await phoneSendsStore.userFacts(em, send.tenant_id, send.user_id) : undefined;
    const event: TimelineEvent = {
      kind: 'contact_method_disabled',
      data: { userId: send.user_id, userName: user?.name ?? 'someone', phone: mask(send.phone_number), why },
    };
    for (const incidentId of new Set(pages.map((p) => p.incident_id)))
      await this.deps.recordNotice(em, send.tenant_id, incidentId, event, now);
  }

  /** Each person whose methods were disabled is told by Slack DM. */
  private async tellDisabled(
    em: Em,
    changed: readonly NumberMethodRow[],
    why: 'opted_out' | 'invalid',
  ): Promise<void> {
    for (const [key, ms] of groupBy(changed, (m) => `${m.tenant_id}|${m.user_id}`)) {
      const [first] = ms;
      if (!first) continue;
      const user = await phoneSendsStore.userFacts(em, first.tenant_id, first.user_id);
      if (!user?.slack_user_id) continue;
      const text =
        why === 'opted_out'
          ? `You texted STOP to OpsWatch's number: ${mask(first.phone_number)} gets no more pages by SMS or call. Text START to it, or add it again with \`/oncall contact\`, to turn them back on.`
          : `Twilio says ${mask(first.phone_number)} cannot receive messages or calls, so OpsWatch stopped paging it. Check the number in \`/oncall contact\`.`;
      await this.deps.enqueue(em, [
        {
          tenantId: first.tenant_id,
          incidentId: null,
          destination: 'slack.dm',
          lane: user.slack_user_id,
          payload: { type: 'message', text },
          key: `contact_disabled:${key}:${ms.map((m) => m.id).join(',')}:${why}:${first.status}`,
        },
      ]);
    }
  }
}

function uniquePeople(methods: readonly NumberMethodRow[]): { tenant_id: string; user_id: string }[] {
  return [...groupBy(methods, (m) => `${m.tenant_id}|${m.user_id}`).values()].flatMap((ms) =>
    ms[0] ? [{ tenant_id: ms[0].tenant_id, user_id: ms[0].user_id }] : [],
  );
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const i of items) out.set(key(i), [...(out.get(key(i)) ?? []), i]);
  return out;
}
