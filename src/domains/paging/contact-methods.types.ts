import { z } from 'zod';
import type { Actor } from '../../shared/actor.js';
import { checkPhone } from './phone.calc.js';

export const CONTACT_METHOD_TYPES = ['sms', 'voice'] as const;
export type ContactMethodType = (typeof CONTACT_METHOD_TYPES)[number];

/**
 * A contact method's state: `unverified` until its code is entered (or an admin marks it verified), `active`
 * (verified: it is paged), `disabled` (the person texted STOP to the number; START enables it again), `invalid`
 * (Twilio said the number cannot receive). Only `active` methods are paged.
 */
export const CONTACT_METHOD_STATUSES = ['unverified', 'active', 'disabled', 'invalid'] as const;
export type ContactMethodStatus = (typeof CONTACT_METHOD_STATUSES)[number];

export interface ContactMethodDto {
  id: string;
  userId: string;
  type: ContactMethodType;
  /** E.164, e.g. +14155550100. */
  phoneNumber: string;
  status: ContactMethodStatus;
  verified: boolean;
  /** Why it is disabled or invalid. */
  statusReason: string | null;
  verifiedAt: string | null;
  /** `code`, or `admin:<user id or key id>` when an admin marked it. */
  verifiedBy: string | null;
  /** When the last verification code was sent, and until when it can be entered. */
  codeSentAt: string | null;
  codeExpiresAt: string | null;
  createdAt: string;
}

/** Verification codes: 6 digits, 5 tries, 10 minutes. */
export const CODE_TRIES = 5;
export const CODE_TTL_MINUTES = 10;

/** A new contact method: the number as people type it, turned into E.164 (a bad one names `phoneNumber`). */
export const contactMethodInputSchema = z.object({
  type: z.enum(CONTACT_METHOD_TYPES, { error: 'type must be sms or voice.' }),
  phoneNumber: z
    .string({ error: 'phoneNumber must be a phone number, e.g. +14155550100.' })
    .transform((v, ctx) => {
      const r = checkPhone(v);
      if (r.ok) return r.e164;
      ctx.addIssue({ code: 'custom', message: r.message });
      return z.NEVER;
    }),
  /** Admins only (audited): active at once, no code sent. */
  verified: z.boolean({ error: 'verified must be true or false.' }).optional(),
});
export type ContactMethodInput = z.input<typeof contactMethodInputSchema>;

/** A code as entered: 6 digits (spaces and dashes between them are ignored). */
export const verifyInputSchema = z.object({
  code: z
    .string({ error: 'code must be the 6 digits sent to the phone.' })
    .transform((v) => v.replace(/[\s-]/g, ''))
    .pipe(z.string().regex(/^\d{6}$/, 'code must be the 6 digits sent to the phone.')),
});

/** What `ensure` (`opswatch apply`) did: nothing, added the method (a code sent unless verified), or verified it. */
export type EnsureOutcome = 'created' | 'verified' | 'unchanged';

/**
 * Contact methods, as the REST API, Slack and `opswatch apply` use them. Every method validates its input with
 * zod and throws AppError (validation → 400 naming the field, not_found → 404, forbidden → 403).
 */
export interface ContactMethodsApi {
  list(actor: Actor, userId: string): Promise<ContactMethodDto[]>;
  /**
   * Adds a method (unverified) and sends its code (SMS: a text; voice: a call that says it), through the outbox
   * in the same transaction. The same (type, number) again answers the existing method (a new code is sent when
   * it is still unverified and the last one was sent over a minute ago). `verified: true` is for admins only
   * (audited), and sends no code.
   */
  create(actor: Actor, userId: string, input: ContactMethodInput | unknown): Promise<ContactMethodDto>;
  /** `create`, saying whether the method is new (REST answers 201, else 200). */
  add(
    actor: Actor,
    userId: string,
    input: ContactMethodInput | unknown,
  ): Promise<{ created: boolean; method: ContactMethodDto }>;
  /**
   * Declarative (`opswatch apply`): makes sure the method exists — a new one gets a code (unless `verified`) — and,
   * with `verified: true`, that it is verified. An existing method gets no new code, so applying twice sends one.
   */
  ensure(
    actor: Actor,
    userId: string,
    input: ContactMethodInput | unknown,
  ): Promise<{ outcome: EnsureOutcome; method: ContactMethodDto }>;
  /** Enters a code: verified on a match; a wrong code uses a try (5), an expired one says to ask for a new one. */
  verify(
    actor: Actor,
    userId: string,
    id: string,
    input: { code: string } | unknown,
  ): Promise<ContactMethodDto>;
  /** Sends a new code (and resets the tries): not more than once a minute. */
  resendCode(actor: Actor, userId: string, id: string): Promise<ContactMethodDto>;
  /** An admin marks it verified (audited). */
  markVerified(actor: Actor, userId: string, id: string): Promise<ContactMethodDto>;
  /** Removes it; notification rules that used it are removed with it (audited). */
  remove(actor: Actor, userId: string, id: string): Promise<void>;
}
