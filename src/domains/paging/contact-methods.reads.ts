import type { Em } from '../../db/sql.js';
import { isUuid } from '../../shared/ids.js';
import { toContactMethodDto } from './contact-methods.service.js';
import { contactMethodsStore, type PhoneMethodRow } from './contact-methods.store.js';
import type { ContactMethodDto, ContactMethodStatus } from './contact-methods.types.js';

/**
 * Contact method reads and status changes the Twilio side makes in its own transaction, with no actor: an
 * inbound SMS or a delivery failure names a phone number, not a tenant. `activeByPhone` and `setStatus` run in
 * the system scope (every tenant's rows); `get` in either.
 */
export const contactMethodsReads = {
  /** Every active or disabled method with this number (E.164), in every tenant, oldest first. */
  activeByPhone(em: Em, phone: string): Promise<PhoneMethodRow[]> {
    return contactMethodsStore.byPhone(em, phone);
  },

  /**
   * Sets these methods' status: `disabled` (the person texted STOP; `reason` says so), `active` (START: only
   * methods that had been verified become active again, the others stay unverified), `invalid` (Twilio said the
   * number cannot receive). Answers the ids whose status changed.
   */
  setStatus(
    em: Em,
    ids: readonly string[],
    status: ContactMethodStatus,
    reason: string | null,
    at: Date,
  ): Promise<string[]> {
    return contactMethodsStore.setStatus(em, ids, status, reason, at);
  },

  /** One method of the tenant, or null. */
  async get(em: Em, tenantId: string, id: string): Promise<ContactMethodDto | null> {
    const row = isUuid(id) ? await contactMethodsStore.get(em, tenantId, id) : undefined;
    return row ? toContactMethodDto(row) : null;
  },
};
