import type { MikroORM } from '@mikro-orm/postgresql';
import type { Em } from '../../db/sql.js';
import { withEm, withTx } from '../../db/tx.js';
import type { Actor } from '../../shared/actor.js';
import { allowed, authorize } from '../../shared/authz.js';
import type { Clock } from '../../shared/clock.js';
import { AppError, parseInput } from '../../shared/errors.js';
import { isUuid } from '../../shared/ids.js';
import { recordAudit } from '../audit/index.js';
import type { NewOutboxRow } from '../notify/index.js';
import { existingUserIds } from '../tenants/index.js';
import { type ContactMethodRow, contactMethodsStore as store } from './contact-methods.store.js';
import {
  type ContactMethodDto,
  type ContactMethodsApi,
  contactMethodInputSchema,
  type EnsureOutcome,
  verifyInputSchema,
} from './contact-methods.types.js';
import { formatPhone } from './phone.calc.js';
import {
  CODE_TTL_MS,
  codeHash,
  judgeCode,
  newCode,
  resendWaitMs,
  verdictMessage,
} from './verification.calc.js';

/** What the contact methods need from the outbox: rows enqueued in the caller's transaction. */
export interface ContactMethodsDeps {
  enqueue(em: Em, rows: readonly NewOutboxRow[]): Promise<void>;
}

const iso = (d: Date | string | null): string | null => (d ? new Date(d).toISOString() : null);
const date = (d: Date | string | null): Date | null => (d ? new Date(d) : null);

export const toContactMethodDto = (r: ContactMethodRow): ContactMethodDto => ({
  id: r.id,
  userId: r.user_id,
  type: r.type,
  phoneNumber: r.phone_number,
  status: r.status,
  verified: r.verified_at !== null,
  statusReason: r.status_reason,
  verifiedAt: iso(r.verified_at),
  verifiedBy: r.verified_by,
  codeSentAt: iso(r.code_sent_at),
  codeExpiresAt: iso(r.code_expires_at),
  createdAt: new Date(r.created_at).toISOString(),
});

const MESSAGE = 'The contact method is not valid.';
const label = (r: ContactMethodRow) => `${r.type === 'sms' ? 'SMS' : 'Voice'} ${formatPhone(r.phone_number)}`;

/** A code judged wrong, expired or void: told after the transaction that counted the try has committed. */
type VerifyResult = { ok: ContactMethodDto } | { refused: string };

/**
 * People's phone numbers for SMS and voice pages. A new one is unverified and gets a 6-digit code (a text, or a
 * call that says it) through the outbox; entering it makes the method active, the only state that is paged.
 * People manage their own; managers and admins anyone's; only admins mark one verified without its code.
 */
export class ContactMethodsService implements ContactMethodsApi {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly deps: ContactMethodsDeps,
  ) {}

  async list(actor: Actor, userId: string): Promise<ContactMethodDto[]> {
    authorize(actor, 'contact_method:read', { owners: [userId] });
    return withEm(this.orm, { tenantId: actor.tenantId }, async (em) => {
      await this.mustExist(em, actor.tenantId, userId);
      return (await store.list(em, actor.tenantId, userId)).map(toContactMethodDto);
    });
  }

  async create(actor: Actor, userId: string, input: unknown): Promise<ContactMethodDto> {
    return (await this.add(actor, userId, input)).method;
  }

  async add(
    actor: Actor,
    userId: string,
    input: unknown,
  ): Promise<{ created: boolean; method: ContactMethodDto }> {
    const r = await this.put(actor, userId, input, 'create');
    return { created: r.outcome === 'created', method: r.method };
  }

  ensure(
    actor: Actor,
    userId: string,
    input: unknown,
  ): Promise<{ outcome: EnsureOutcome; method: ContactMethodDto }> {
    return this.put(actor, userId, input, 'ensure');
  }

  async verify(actor: Actor, userId: string, id: string, input: unknown): Promise<ContactMethodDto> {
    authorize(actor, 'contact_method:write', { owners: [userId] });
    const { code } = parseInput(verifyInputSchema, input, 'The code is not valid.');
    const result = await withTx(this.orm, { tenantId: actor.tenantId }, async (em): Promise<VerifyResult> => {
      const row = await this.load(em, actor.tenantId, userId, id, true);
      if (row.status === 'active') return { ok: toContactMethodDto(row) };
      this.mustBeUnverified(row);
      const now = this.clock.now();
      const verdict = judgeCode(
        { codeHash: row.code_hash, expiresAt: date(row.code_expires_at), tries: Number(row.code_tries) },
        codeHash(actor.tenantId, row.id, code),
        now,
      );
      if (verdict.kind === 'wrong')
        await store.wrongTry(em, actor.tenantId, row.id, verdict.triesLeft === 0, now);
      if (verdict.kind !== 'match') return { refused: verdictMessage(verdict) };
      const done = await this.verified(em, actor, row, 'code', 'contact_method.verified');
      return { ok: done };
    });
    if ('ok' in result) return result.ok;
    throw AppError.validation(result.refused, [{ field: 'code', message: result.refused }]);
  }

  async resendCode(actor: Actor, userId: string, id: string): Promise<ContactMethodDto> {
    authorize(actor, 'contact_method:write', { owners: [userId] });
    return withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const row = await this.load(em, actor.tenantId, userId, id, true);
      if (row.status === 'active') throw AppError.conflict(`${label(row)} is verified already.`);
      this.mustBeUnverified(row);
      const wait = resendWaitMs(date(row.code_sent_at), this.clock.now());
      if (wait > 0)
        throw new AppError(
          'rate_limited',
          `A code was sent to ${formatPhone(row.phone_number)} less than a minute ago; ask again in ${seconds(wait)}.`,
        );
      return toContactMethodDto(await this.sendCode(em, row));
    });
  }

  async markVerified(actor: Actor, userId: string, id: string): Promise<ContactMethodDto> {
    authorize(actor, 'contact_method:verify');
    return withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const row = await this.load(em, actor.tenantId, userId, id, true);
      if (row.status === 'active') return toContactMethodDto(row);
      this.mustNotBeStopped(row);
      return this.verified(em, actor, row, adminMark(actor), 'contact_method.marked_verified');
    });
  }

  async remove(actor: Actor, userId: string, id: string): Promise<void> {
    authorize(actor, 'contact_method:write', { owners: [userId] });
    await withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const row = await this.load(em, actor.tenantId, userId, id, true);
      const rules = await store.remove(em, actor.tenantId, userId, row.id);
      await this.audit(em, actor, 'contact_method.removed', row, { rulesRemoved: rules });
    });
  }

  /** Adds (or finds) a method; `create` sends a new code to an unverified one it finds, `ensure` does not. */
  private async put(
    actor: Actor,
    userId: string,
    input: unknown,
    mode: 'create' | 'ensure',
  ): Promise<{ outcome: EnsureOutcome; method: ContactMethodDto }> {
    authorize(actor, 'contact_method:write', { owners: [userId] });
    const parsed = parseInput(contactMethodInputSchema, input, MESSAGE);
    if (parsed.verified) authorize(actor, 'contact_method:verify');
    return withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      await this.mustExist(em, actor.tenantId, userId);
      const now = this.clock.now();
      const { type, phoneNumber } = parsed;
      const found = await store.byNumber(em, actor.tenantId, userId, type, phoneNumber, true);
      let row = found ?? (await store.insert(em, actor.tenantId, userId, type, phoneNumber, now));
      const created = !found && row !== undefined;
      // Added meanwhile by another request: the insert did nothing and the row is there now.
      row ??= await store.byNumber(em, actor.tenantId, userId, type, phoneNumber, true);
      if (!row) throw AppError.conflict('The contact method changed meanwhile; try again.');
      if (created) await this.audit(em, actor, 'contact_method.created', row);
      if (parsed.verified && row.status !== 'active') {
        if (row.status === 'disabled')
          return { outcome: 'unchanged' as const, method: toContactMethodDto(row) };
        const done = await this.verified(em, actor, row, adminMark(actor), 'contact_method.marked_verified');
        return { outcome: created ? ('created' as const) : ('verified' as const), method: done };
      }
      const resend =
        mode === 'create' && row.status === 'unverified' && resendWaitMs(date(row.code_sent_at), now) === 0;
      if (created || resend) row = await this.sendCode(em, row);
      return {
        outcome: created ? ('created' as const) : ('unchanged' as const),
        method: toContactMethodDto(row),
      };
    });
  }

  /** A new code for the method, sent through the outbox in this transaction. */
  private async sendCode(em: Em, row: ContactMethodRow): Promise<ContactMethodRow> {
    const now = this.clock.now();
    const code = newCode();
    const updated = await store.setCode(em, row.tenant_id, row.id, {
      hash: codeHash(row.tenant_id, row.id, code),
      sentAt: now,
      expiresAt: new Date(now.getTime() + CODE_TTL_MS),
    });
    if (!updated) throw AppError.notFound(`Contact method ${row.id}`);
    await this.deps.enqueue(em, [
      {
        destination: row.type === 'sms' ? 'sms' : 'voice',
        lane: row.phone_number,
        incidentId: null,
        tenantId: row.tenant_id,
        payload: { type: 'verification', contactMethodId: row.id, code },
        key: `verify:${row.id}:${now.getTime()}`,
      },
    ]);
    return updated;
  }

  private async verified(
    em: Em,
    actor: Actor,
    row: ContactMethodRow,
    by: string,
    action: string,
  ): Promise<ContactMethodDto> {
    const done = await store.verify(em, actor.tenantId, row.id, by, this.clock.now());
    if (!done) throw AppError.notFound(`Contact method ${row.id}`);
    await this.audit(em, actor, action, done, { verifiedBy: by });
    return toContactMethodDto(done);
  }

  private mustBeUnverified(row: ContactMethodRow): void {
    this.mustNotBeStopped(row);
    if (row.status === 'invalid')
      throw AppError.conflict(
        `${label(row)} cannot receive ${row.type === 'sms' ? 'texts' : 'calls'}${row.status_reason ? ` (${row.status_reason})` : ''}; remove it and add a working number.`,
      );
  }

  private mustNotBeStopped(row: ContactMethodRow): void {
    if (row.status === 'disabled')
      throw AppError.conflict(
        `${label(row)} is disabled: its owner texted STOP to OpsWatch's number. Texting START to it enables it again.`,
      );
  }

  private async load(
    em: Em,
    tenantId: string,
    userId: string,
    id: string,
    lock = false,
  ): Promise<ContactMethodRow> {
    const row = isUuid(id) && isUuid(userId) ? await store.byId(em, tenantId, userId, id, lock) : undefined;
    if (!row) throw AppError.notFound(`Contact method ${id}`);
    return row;
  }

  private async mustExist(em: Em, tenantId: string, userId: string): Promise<void> {
    if (!(await existingUserIds(em, tenantId, [userId])).has(userId))
      throw AppError.notFound(`User ${userId}`);
  }

  private audit(
    em: Em,
    actor: Actor,
    action: string,
    row: ContactMethodRow,
    extra: Record<string, unknown> = {},
  ): Promise<void> {
    return recordAudit(
      em,
      actor,
      {
        action,
        targetType: 'contact_method',
        targetId: row.id,
        data: { userId: row.user_id, type: row.type, phoneNumber: row.phone_number, ...extra },
      },
      this.clock.now(),
    );
  }
}

const seconds = (ms: number) => {
  const n = Math.ceil(ms / 1000);
  return `${n} second${n === 1 ? '' : 's'}`;
};

/** `admin:<user id or API key id>` (the operator at the command line has no id: its name). */
const adminMark = (actor: Actor): string => `admin:${actor.id ?? actor.name}`;

/** Whether `actor` may mark methods verified (Slack shows the button only to them). */
export const mayMarkVerified = (actor: Actor): boolean => allowed(actor, 'contact_method:verify');
