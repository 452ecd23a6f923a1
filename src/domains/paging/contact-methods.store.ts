import { type Em, query, queryOne, sql } from '../../db/sql.js';
import { newId } from '../../shared/ids.js';
import type { ContactMethodStatus, ContactMethodType } from './contact-methods.types.js';

export interface ContactMethodRow {
  id: string;
  tenant_id: string;
  user_id: string;
  type: ContactMethodType;
  phone_number: string;
  status: ContactMethodStatus;
  status_reason: string | null;
  verified_at: Date | null;
  verified_by: string | null;
  code_hash: string | null;
  code_expires_at: Date | null;
  code_tries: number;
  code_sent_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** A method as the Twilio side matches it (an inbound SMS's number, a STOP). */
export interface PhoneMethodRow {
  id: string;
  tenant_id: string;
  user_id: string;
  type: ContactMethodType;
  status: ContactMethodStatus;
}

const COLUMNS = sql`id, tenant_id, user_id, type, phone_number, status, status_reason, verified_at, verified_by,
  code_hash, code_expires_at, code_tries, code_sent_at, created_at, updated_at`;

export interface NewCode {
  hash: string;
  sentAt: Date;
  expiresAt: Date;
}

export const contactMethodsStore = {
  list(em: Em, tenantId: string, userId: string): Promise<ContactMethodRow[]> {
    return query<ContactMethodRow>(
      em,
      sql`select ${COLUMNS} from contact_methods where tenant_id = ${tenantId} and user_id = ${userId}
          order by created_at, id`,
    );
  },

  /** One of the user's methods; `lock`: held FOR UPDATE until the transaction ends (codes are judged under it). */
  byId(
    em: Em,
    tenantId: string,
    userId: string,
    id: string,
    lock = false,
  ): Promise<ContactMethodRow | undefined> {
    return queryOne<ContactMethodRow>(
      em,
      sql`select ${COLUMNS} from contact_methods
          where tenant_id = ${tenantId} and user_id = ${userId} and id = ${id} ${lock ? sql`for update` : sql``}`,
    );
  },

  byNumber(
    em: Em,
    tenantId: string,
    userId: string,
    type: ContactMethodType,
    phone: string,
    lock = false,
  ): Promise<ContactMethodRow | undefined> {
    return queryOne<ContactMethodRow>(
      em,
      sql`select ${COLUMNS} from contact_methods
          where tenant_id = ${tenantId} and user_id = ${userId} and type = ${type} and phone_number = ${phone}
          ${lock ? sql`for update` : sql``}`,
    );
  },

  /** Adds an unverified method; undefined when the user has it already (a concurrent add). */
  insert(
    em: Em,
    tenantId: string,
    userId: string,
    type: ContactMethodType,
    phone: string,
    at: Date,
  ): Promise<ContactMethodRow | undefined> {
    return queryOne<ContactMethodRow>(
      em,
      sql`insert into contact_methods (id, tenant_id, user_id, type, phone_number, created_at, updated_at)
          values (${newId()}, ${tenantId}, ${userId}, ${type}, ${phone}, ${at}, ${at})
          on conflict (user_id, type, phone_number) do nothing returning ${COLUMNS}`,
    );
  },

  /** A new code: the tries start again. */
  setCode(em: Em, tenantId: string, id: string, code: NewCode): Promise<ContactMethodRow | undefined> {
    return queryOne<ContactMethodRow>(
      em,
      sql`update contact_methods set code_hash = ${code.hash}, code_expires_at = ${code.expiresAt}, code_tries = 0,
            code_sent_at = ${code.sentAt}, updated_at = ${code.sentAt}
          where tenant_id = ${tenantId} and id = ${id} returning ${COLUMNS}`,
    );
  },

  /** A wrong code: one try used; `voids` (the last try): the code is forgotten. */
  wrongTry(
    em: Em,
    tenantId: string,
    id: string,
    voids: boolean,
    at: Date,
  ): Promise<ContactMethodRow | undefined> {
    return queryOne<ContactMethodRow>(
      em,
      sql`update contact_methods set code_tries = code_tries + 1, updated_at = ${at}
            ${voids ? sql`, code_hash = null, code_expires_at = null` : sql``}
          where tenant_id = ${tenantId} and id = ${id} returning ${COLUMNS}`,
    );
  },

  /** Verified (by its code, or by an admin): active, and no code is waiting any more. */
  verify(em: Em, tenantId: string, id: string, by: string, at: Date): Promise<ContactMethodRow | undefined> {
    return queryOne<ContactMethodRow>(
      em,
      sql`update contact_methods set status = 'active', status_reason = null, verified_at = ${at},
            verified_by = ${by}, code_hash = null, code_expires_at = null, code_tries = 0, updated_at = ${at}
          where tenant_id = ${tenantId} and id = ${id} returning ${COLUMNS}`,
    );
  },

  /** Deletes a method and the notification rules naming it; the rules' count. */
  async remove(em: Em, tenantId: string, userId: string, id: string): Promise<number> {
    const rules = await query<{ id: string }>(
      em,
      sql`delete from notification_rules
          where tenant_id = ${tenantId} and user_id = ${userId} and contact_method_id = ${id} returning id`,
    );
    await query(em, sql`delete from contact_methods where tenant_id = ${tenantId} and id = ${id}`);
    return rules.length;
  },

  /** Whether the user has an active method of this type with this id. */
  async isActive(
    em: Em,
    tenantId: string,
    userId: string,
    id: string,
    type: ContactMethodType,
  ): Promise<boolean> {
    const row = await queryOne<{ id: string }>(
      em,
      sql`select id from contact_methods where tenant_id = ${tenantId} and user_id = ${userId} and id = ${id}
            and type = ${type} and status = 'active'`,
    );
    return row !== undefined;
  },

  /** Every active or disabled method with this number, in every tenant (system scope). */
  byPhone(em: Em, phone: string): Promise<PhoneMethodRow[]> {
    return query<PhoneMethodRow>(
      em,
      sql`select id, tenant_id, user_id, type, status from contact_methods
          where phone_number = ${phone} and status in ('active', 'disabled') order by created_at, id`,
    );
  },

  /**
   * Sets these methods' status (system scope). `active` (START) applies only to methods that were verified; the
   * others stay unverified. The ids changed.
   */
  async setStatus(
    em: Em,
    ids: readonly string[],
    status: ContactMethodStatus,
    reason: string | null,
    at: Date,
  ): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await query<{ id: string }>(
      em,
      sql`update contact_methods
          set status = case when ${status} = 'active' and verified_at is null then 'unverified' else ${status} end,
            status_reason = ${status === 'active' || status === 'unverified' ? null : reason}, updated_at = ${at}
          where id = any(${[...ids]}::uuid[])
            and status is distinct from (case when ${status} = 'active' and verified_at is null then 'unverified'
              else ${status} end)
          returning id`,
    );
    return rows.map((r) => r.id);
  },

  get(em: Em, tenantId: string, id: string): Promise<ContactMethodRow | undefined> {
    return queryOne<ContactMethodRow>(
      em,
      sql`select ${COLUMNS} from contact_methods where tenant_id = ${tenantId} and id = ${id}`,
    );
  },
};
