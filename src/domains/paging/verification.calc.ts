import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { CODE_TRIES, CODE_TTL_MINUTES } from './contact-methods.types.js';

/**
 * Verification codes of contact methods: 6 digits, stored only as a hash bound to the tenant and the method (a
 * code leaked from one method proves nothing for another), `CODE_TRIES` wrong tries, `CODE_TTL_MINUTES` to live,
 * and not more than one code a minute per method. The judging is pure: time is a parameter.
 */

export const RESEND_AFTER_MS = 60_000;
export const CODE_TTL_MS = CODE_TTL_MINUTES * 60_000;

/** A fresh code, uniformly drawn from 000000–999999. */
export const newCode = (): string => String(randomInt(0, 1_000_000)).padStart(6, '0');

/** What `code_hash` holds: sha256 of tenant, method and code. */
export const codeHash = (tenantId: string, methodId: string, code: string): string =>
  createHash('sha256').update(`${tenantId}:${methodId}:${code}`).digest('hex');

export interface CodeState {
  codeHash: string | null;
  expiresAt: Date | null;
  /** Wrong tries so far. */
  tries: number;
}

export type CodeVerdict =
  | { kind: 'match' }
  /** No code is waiting: none was sent, or the last one was used up. */
  | { kind: 'none' }
  | { kind: 'expired' }
  /** Wrong; `triesLeft` 0: this was the last try and the code is now void. */
  | { kind: 'wrong'; triesLeft: number };

/** Judges an entered code (its hash) against the method's state at `now`. */
export function judgeCode(state: CodeState, givenHash: string, now: Date): CodeVerdict {
  if (!state.codeHash || state.tries >= CODE_TRIES) return { kind: 'none' };
  if (!state.expiresAt || now.getTime() >= state.expiresAt.getTime()) return { kind: 'expired' };
  const a = Buffer.from(state.codeHash, 'hex');
  const b = Buffer.from(givenHash, 'hex');
  if (a.length === b.length && timingSafeEqual(a, b)) return { kind: 'match' };
  return { kind: 'wrong', triesLeft: Math.max(0, CODE_TRIES - state.tries - 1) };
}

/** How long until another code may be sent (0: now). */
export function resendWaitMs(sentAt: Date | null, now: Date): number {
  if (!sentAt) return 0;
  return Math.max(0, sentAt.getTime() + RESEND_AFTER_MS - now.getTime());
}

/** What a verdict other than a match tells the person (for the `code` field). */
export function verdictMessage(v: Exclude<CodeVerdict, { kind: 'match' }>): string {
  switch (v.kind) {
    case 'none':
      return 'No code is waiting for this number: ask for a new code.';
    case 'expired':
      return `The code has expired (a code lasts ${CODE_TTL_MINUTES} minutes): ask for a new code.`;
    case 'wrong':
      return v.triesLeft > 0
        ? `That code is not right; ${v.triesLeft} ${v.triesLeft === 1 ? 'try' : 'tries'} left.`
        : `That code is not right, and that was the last of ${CODE_TRIES} tries: ask for a new code.`;
  }
}
