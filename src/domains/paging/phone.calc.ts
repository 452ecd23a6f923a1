import { parsePhoneNumberFromString as parseWith } from 'libphonenumber-js/core';
import metadata from 'libphonenumber-js/max/metadata';
import { AppError } from '../../shared/errors.js';

/**
 * Phone numbers as people type them → E.164. libphonenumber-js with its `max` metadata: a number must match its
 * country's real number patterns (not only its length), so a digit too many or too few, or a number in an unused
 * range, is refused at entry rather than failing at 03:00. Extensions cannot receive an SMS or a call from a
 * machine, and premium-rate numbers are where verification codes get abused (toll fraud): both are refused.
 */

const EXAMPLE = '+14155550100';

/** The `max` build's parser, with its metadata passed in (imported as a module, not as JSON). */
const parsePhoneNumberFromString = (text: string) => parseWith(text, metadata);

export type PhoneCheck = { ok: true; e164: string } | { ok: false; message: string };

/** Whether `input` is a phone number OpsWatch can text and call, and its E.164 form. */
export function checkPhone(input: string): PhoneCheck {
  const typed = input.trim();
  const shown = typed || '(empty)';
  const bad = (why = '', hint = `use the international format, e.g. ${EXAMPLE}`): PhoneCheck => ({
    ok: false,
    message: `${shown} is not a valid phone number${why}; ${hint}.`,
  });
  if (!typed) return { ok: false, message: `A phone number is required, e.g. ${EXAMPLE}.` };
  if (typed.length > 40) return bad(' (too long)');
  if (/^00/.test(typed)) return bad('', `start with + instead of 00, e.g. ${EXAMPLE}`);
  if (!/^(tel:)?\+/i.test(typed)) return bad('', `start with + and the country code, e.g. ${EXAMPLE}`);
  const digits = typed.replace(/^tel:/i, '').replace(/\s*(ext\.?|extension|x|#)\s*\d+$/i, '');
  if (/[a-z]/i.test(digits)) return bad(' (write the digits, not letters)', `e.g. ${EXAMPLE}`);
  const parsed = parsePhoneNumberFromString(typed);
  if (!parsed?.isValid()) return bad();
  if (parsed.ext)
    return bad(' (extensions cannot be texted or called)', `give a direct line, e.g. ${EXAMPLE}`);
  if (parsed.getType() === 'PREMIUM_RATE')
    return bad(
      ' (premium-rate numbers are not accepted)',
      `give a mobile or landline number, e.g. ${EXAMPLE}`,
    );
  return { ok: true, e164: parsed.number };
}

/** The E.164 form of `input`, or a validation AppError naming `field` with a message for the person. */
export function toE164(input: string, field = 'phoneNumber'): string {
  const r = checkPhone(input);
  if (!r.ok) throw AppError.validation(r.message, [{ field, message: r.message }]);
  return r.e164;
}

/** How a number is shown to people: international format (`+1 415 555 0100`); as given when it does not parse. */
export function formatPhone(e164: string): string {
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
}
