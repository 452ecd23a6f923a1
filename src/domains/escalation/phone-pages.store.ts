import { command, type Em, query, queryOne, sql } from '../../db/sql.js';
import { ENGINE_CHANNEL, escalationStore, type PageRow, toPage } from './escalation.store.js';

/**
 * The pages side of paging by SMS and call (the paging domain's phone sends use these; pages stay this domain's).
 * A page to a phone moves queued → sending (claimed, with the send that carries it) → sent, or back to queued
 * (Twilio refused without sending: it is tried again), or failed.
 */

/** A page being sent to a phone, with what sending it needs of its incident and escalation. */
export interface PhonePageRow extends PageRow {
  send_id: string | null;
  contact_method_id: string | null;
  incident_number: number;
  incident_status: string;
  incident_title: string;
  incident_service: string;
  incident_severity: number;
  incident_drill: boolean;
  /** The escalation's generation now (a page of an earlier one is stale). */
  live_generation: number | null;
  escalation_state: string | null;
}

const PHONE_PAGE = sql`p.*, i.number as incident_number, i.status as incident_status, i.title as incident_title,
  i.service as incident_service, i.severity as incident_severity, i.drill as incident_drill,
  e.generation as live_generation, e.state as escalation_state`;

/** Whether the page may still be sent: its incident triggered and its escalation the one that recorded it. */
export const isLive = (p: PhonePageRow): boolean =>
  p.incident_status === 'triggered' &&
  p.live_generation === p.generation &&
  (p.escalation_state === 'active' || p.escalation_state === 'exhausted');

export const phonePagesStore = {
  /** The page, locked, with its incident and escalation. */
  async lock(em: Em, pageId: string): Promise<PhonePageRow | undefined> {
    const row = await queryOne<PhonePageRow>(
      em,
      sql`select ${PHONE_PAGE} from pages p join incidents i on i.id = p.incident_id
          left join escalations e on e.incident_id = p.incident_id
          where p.id = ${pageId} for update of p`,
    );
    return row && toPage(row);
  },

  /**
   * Other pages of the person queued for the same kind of send to the same number (their contact methods'
   * `methodIds`), of incidents still triggered, due by `now`: bundled into this send. Locked; others' skipped.
   */
  async bundleable(
    em: Em,
    page: PhonePageRow,
    methodIds: readonly string[],
    now: Date,
    limit: number,
  ): Promise<PhonePageRow[]> {
    if (!page.user_id || methodIds.length === 0) return [];
    const rows = await query<PhonePageRow>(
      em,
      sql`select ${PHONE_PAGE} from pages p join incidents i on i.id = p.incident_id
          join escalations e on e.incident_id = p.incident_id and e.generation = p.generation
          where p.tenant_id = ${page.tenant_id} and p.user_id = ${page.user_id} and p.method = ${page.method}
            and p.status = 'queued' and p.id <> ${page.id} and p.contact_method_id = any(${methodIds}::uuid[])
            and p.due_at <= ${now} and i.status = 'triggered' and e.state in ('active', 'exhausted')
          order by i.number, p.id limit ${limit}
          for update of p skip locked`,
    );
    return rows.map(toPage);
  },

  /** Pages claimed by a send (written and committed before Twilio is called). */
  async markSending(em: Em, pageIds: readonly string[], sendId: string, now: Date): Promise<void> {
    await command(
      em,
      sql`update pages set status = 'sending', sending_at = ${now}, send_id = ${sendId}
          where id = any(${pageIds}::uuid[])`,
    );
  },

  /** Twilio refused without sending: the send's pages are queued again (the next attempt may bundle anew). */
  async unclaim(em: Em, sendId: string): Promise<void> {
    await command(
      em,
      sql`update pages set status = 'queued', sending_at = null, send_id = null
          where send_id = ${sendId} and status = 'sending'`,
    );
  },

  /** The send's pages that are still `sending` move to `to` (sent: with when; failed: with why). */
  async settle(
    em: Em,
    sendId: string,
    to:
      | { status: 'sent'; at: Date; delivery: string }
      | { status: 'failed'; detail: string; delivery: string },
    at: Date,
  ): Promise<PageRow[]> {
    const rows = await query<PageRow>(
      em,
      sql`update pages set status = ${to.status}, detail = ${to.status === 'failed' ? to.detail : null},
            sent_at = ${to.status === 'sent' ? to.at : null}, delivery = ${to.delivery}, delivery_at = ${at}
          where send_id = ${sendId} and status = 'sending'
          returning *`,
    );
    return rows.map(toPage);
  },

  /** The send's pages record its latest delivery status (answered, delivered, no-answer…). */
  async setDelivery(em: Em, sendId: string, delivery: string, at: Date): Promise<PageRow[]> {
    const rows = await query<PageRow>(
      em,
      sql`update pages set delivery = ${delivery}, delivery_at = ${at} where send_id = ${sendId} returning *`,
    );
    return rows.map(toPage);
  },

  /** Pages a send carried, with their incidents. */
  async ofSend(em: Em, sendId: string): Promise<PhonePageRow[]> {
    const rows = await query<PhonePageRow>(
      em,
      sql`select ${PHONE_PAGE} from pages p join incidents i on i.id = p.incident_id
          left join escalations e on e.incident_id = p.incident_id
          where p.send_id = ${sendId} order by i.number, p.id`,
    );
    return rows.map(toPage);
  },

  /** A page that is not to be sent: cancelled, or failed with why. Answers it as it was, or undefined. */
  close(
    em: Em,
    pageId: string,
    to: { status: 'cancelled' | 'failed'; detail: string },
  ): Promise<PageRow | undefined> {
    return escalationStore.setOutcome(em, pageId, ['queued', 'sending'], to);
  },

  /**
   * A method failed for good, or a call was not answered: each page's person's next rule for the same step runs
   * now instead of waiting for its delay (the engine woken). Answers the pages brought forward.
   */
  async runNextRuleNow(em: Em, pageIds: readonly string[], now: Date): Promise<string[]> {
    if (pageIds.length === 0) return [];
    const rows = await query<{ id: string }>(
      em,
      sql`with failed as (select * from pages where id = any(${pageIds}::uuid[]) and user_id is not null),
          nxt as (
            select distinct on (f.id) n.id from failed f
            join pages n on n.incident_id = f.incident_id and n.generation = f.generation and n.loop = f.loop
              and n.step = f.step and n.user_id = f.user_id and n.rule_position > f.rule_position
            where n.status = 'pending'
            order by f.id, n.rule_position
          ), moved as (
            update pages p set due_at = ${now} from nxt where p.id = nxt.id and p.due_at > ${now} returning p.id
          ), woken as (select pg_notify(${ENGINE_CHANNEL}, '') where exists (select 1 from moved))
          select id from moved, (select count(*) from woken) w`,
    );
    return rows.map((r) => r.id);
  },

  /**
   * The incidents a person is being paged for, by number: those of theirs with a page sent (any method) that are
   * not resolved; with the latest page's place in the escalation (so a stale "escalate" does nothing).
   */
  async pagedIncidents(
    em: Em,
    tenantId: string,
    userId: string,
  ): Promise<
    { incident_id: string; number: number; status: string; generation: number; loop: number; step: number }[]
  > {
    return query(
      em,
      sql`select distinct on (i.id) i.id as incident_id, i.number, i.status, p.generation, p.loop, p.step
          from pages p join incidents i on i.id = p.incident_id
          where p.tenant_id = ${tenantId} and p.user_id = ${userId} and p.status = 'sent'
            and i.status <> 'resolved'
          order by i.id, p.sent_at desc nulls last, p.created_at desc`,
    );
  },
};
