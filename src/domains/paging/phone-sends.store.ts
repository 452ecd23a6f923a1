import { command, type Em, query, queryOne, sql } from '../../db/sql.js';
import type { PhoneKind } from './throttle.calc.js';

export type SendPurpose = 'page' | 'verification';

export interface SendRow {
  id: string;
  tenant_id: string;
  contact_method_id: string | null;
  user_id: string | null;
  kind: PhoneKind;
  purpose: SendPurpose;
  phone_number: string;
  body: string;
  status: string;
  provider_sid: string | null;
  error_code: number | null;
  error_message: string | null;
  answered_by: string | null;
  sending_deadline: Date | null;
  created_at: Date;
}

/** A contact method as sending and replies need it (its number and why it is not active, too). */
export interface NumberMethodRow {
  id: string;
  tenant_id: string;
  user_id: string;
  type: PhoneKind;
  phone_number: string;
  status: string;
  status_reason: string | null;
}

const toSend = (r: SendRow): SendRow => ({
  ...r,
  sending_deadline: r.sending_deadline && new Date(r.sending_deadline),
  created_at: new Date(r.created_at),
});

/** SMS and calls (`twilio_sends`), their status history, and what sending reads of contact methods. */
export const phoneSendsStore = {
  /** Records a send as `sending` until `deadline` (committed before Twilio is called), with its first event. */
  async create(
    em: Em,
    s: {
      id: string;
      tenantId: string;
      contactMethodId: string | null;
      userId: string | null;
      kind: PhoneKind;
      purpose: SendPurpose;
      phone: string;
      body: string;
      deadline: Date;
    },
    at: Date,
  ): Promise<void> {
    await command(
      em,
      sql`with s as (
            insert into twilio_sends (id, tenant_id, contact_method_id, user_id, kind, purpose, phone_number, body,
              status, sending_deadline, created_at, updated_at)
            values (${s.id}, ${s.tenantId}, ${s.contactMethodId}, ${s.userId}, ${s.kind}, ${s.purpose}, ${s.phone},
              ${s.body}, 'sending', ${s.deadline}, ${at}, ${at})
            returning id, tenant_id)
          insert into twilio_send_events (tenant_id, send_id, status, at) select tenant_id, id, 'sending', ${at} from s`,
    );
  },

  async get(em: Em, sendId: string): Promise<SendRow | undefined> {
    const row = await queryOne<SendRow>(em, sql`select * from twilio_sends where id = ${sendId}`);
    return row && toSend(row);
  },

  async lock(em: Em, sendId: string): Promise<SendRow | undefined> {
    const row = await queryOne<SendRow>(em, sql`select * from twilio_sends where id = ${sendId} for update`);
    return row && toSend(row);
  },

  /** A status (Twilio's answer, a callback, or ours: `failed` for an outcome unknown), with its event. */
  async setStatus(
    em: Em,
    send: Pick<SendRow, 'id' | 'tenant_id'>,
    to: {
      status: string;
      sid?: string | null;
      errorCode?: number | null;
      errorMessage?: string | null;
      answeredBy?: string | null;
    },
    at: Date,
  ): Promise<void> {
    await command(
      em,
      sql`with u as (
            update twilio_sends set status = ${to.status}, provider_sid = coalesce(${to.sid ?? null}, provider_sid),
              error_code = coalesce(${to.errorCode ?? null}::int, error_code),
              error_message = coalesce(${to.errorMessage ?? null}, error_message),
              answered_by = coalesce(${to.answeredBy ?? null}, answered_by),
              sending_deadline = null, updated_at = ${at}
            where id = ${send.id} returning id)
          insert into twilio_send_events (tenant_id, send_id, status, error_code, at)
          select ${send.tenant_id}, id, ${to.status}, ${to.errorCode ?? null}::int, ${at} from u`,
    );
  },

  /** Only an event (a status that does not move the send on, e.g. one arriving late). */
  async addEvent(
    em: Em,
    send: Pick<SendRow, 'id' | 'tenant_id'>,
    status: string,
    errorCode: number | null,
    at: Date,
  ): Promise<void> {
    await command(
      em,
      sql`insert into twilio_send_events (tenant_id, send_id, status, error_code, at)
          values (${send.tenant_id}, ${send.id}, ${status}, ${errorCode}::int, ${at})`,
    );
  },

  /** Twilio refused without sending: the send is forgotten (its pages are queued again). */
  async remove(em: Em, sendId: string): Promise<void> {
    await command(em, sql`delete from twilio_sends where id = ${sendId}`);
  },

  /**
   * A page's contact method with what sending to its number needs, in one statement: the person's active methods
   * with the same number in the tenant (a bundle gathers their pages) and when pages of `kind` were sent to the
   * number since `since` (the throttle's input).
   */
  async number(
    em: Em,
    methodId: string,
    kind: PhoneKind,
    since: Date,
  ): Promise<(NumberMethodRow & { method_ids: string[]; sent: Date[] }) | undefined> {
    const row = await queryOne<NumberMethodRow & { method_ids: string[]; sent: (Date | string)[] }>(
      em,
      sql`select m.id, m.tenant_id, m.user_id, m.type, m.phone_number, m.status, m.status_reason,
            array(select o.id from contact_methods o where o.tenant_id = m.tenant_id and o.user_id = m.user_id
              and o.phone_number = m.phone_number and o.status = 'active') as method_ids,
            array(select t.created_at from twilio_sends t where t.phone_number = m.phone_number and t.kind = ${kind}
              and t.purpose = 'page' and t.created_at > ${since}) as sent
          from contact_methods m where m.id = ${methodId}`,
    );
    return row && { ...row, sent: row.sent.map((d) => new Date(d)) };
  },

  /** Sends still `sending` after their deadline (their attempt died without an answer). */
  async stuck(em: Em, now: Date, limit: number): Promise<SendRow[]> {
    const rows = await query<SendRow>(
      em,
      sql`select * from twilio_sends where status = 'sending' and sending_deadline < ${now}
          order by sending_deadline limit ${limit} for update skip locked`,
    );
    return rows.map(toSend);
  },

  async method(em: Em, id: string): Promise<NumberMethodRow | undefined> {
    return queryOne<NumberMethodRow>(
      em,
      sql`select id, tenant_id, user_id, type, phone_number, status, status_reason from contact_methods
          where id = ${id}`,
    );
  },

  /** Every method with this number, every tenant's (an inbound SMS names only its number). */
  async methodsByPhone(em: Em, phone: string): Promise<NumberMethodRow[]> {
    return query<NumberMethodRow>(
      em,
      sql`select id, tenant_id, user_id, type, phone_number, status, status_reason from contact_methods
          where phone_number = ${phone} order by created_at, id`,
    );
  },

  /** Counts a passive reply (help, "not understood") to a number today; false when it had its 5 already. */
  async takePassiveReply(em: Em, phone: string, day: string, max: number): Promise<boolean> {
    const row = await queryOne<{ passive: number }>(
      em,
      sql`insert into twilio_replies (phone_number, day, passive) values (${phone}, ${day}::date, 1)
          on conflict (phone_number, day) do update set passive = twilio_replies.passive + 1
          returning passive`,
    );
    return (row?.passive ?? max + 1) <= max;
  },

  async userFacts(
    em: Em,
    tenantId: string,
    userId: string,
  ): Promise<{ id: string; name: string; role: string; slack_user_id: string | null } | undefined> {
    return queryOne(
      em,
      sql`select id, name, role, slack_user_id from users where tenant_id = ${tenantId} and id = ${userId}`,
    );
  },
};
