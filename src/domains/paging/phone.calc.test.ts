import { describe, expect, it } from '@jest/globals';
import { AppError } from '../../shared/errors.js';
import { checkPhone, formatPhone, toE164 } from './phone.calc.js';

describe('phone numbers', () => {
  it.each([
    ['+14155550100', '+14155550100'],
    ['+1 415 555 0100', '+14155550100'],
    ['+1 (415) 555-0100', '+14155550100'],
    ['  +1415-555-0100 ', '+14155550100'],
    ['tel:+14155550100', '+14155550100'],
    ['+44 7911 123456', '+447911123456'],
    ['+33 6 12 34 56 78', '+33612345678'],
    ['+49 151 12345678', '+4915112345678'],
  ])('%s is %s', (typed, e164) => {
    expect(checkPhone(typed)).toEqual({ ok: true, e164 });
    expect(toE164(typed)).toBe(e164);
  });

  const invalid = 'is not a valid phone number; use the international format, e.g. +14155550100.';
  it.each([
    ['+1 555 0100', invalid],
    ['+1415555010', invalid], // a digit short
    ['+141555501000', invalid], // a digit too many
    ['+15555550100', invalid], // area code 555 is not in use
    ['+999123456', invalid], // no such country code
    ['+1 415 555 010O', 'is not a valid phone number (write the digits, not letters); e.g. +14155550100.'],
    ['4155550100', 'is not a valid phone number; start with + and the country code, e.g. +14155550100.'],
    ['00447911123456', 'is not a valid phone number; start with + instead of 00, e.g. +14155550100.'],
    ['+1 800 FLOWERS', 'is not a valid phone number (write the digits, not letters); e.g. +14155550100.'],
    [
      '+1 415 555 0100 ext 12',
      'is not a valid phone number (extensions cannot be texted or called); give a direct line, e.g. +14155550100.',
    ],
    [
      '+1 900 555 0100',
      'is not a valid phone number (premium-rate numbers are not accepted); give a mobile or landline number, e.g. +14155550100.',
    ],
  ])('%s is refused', (typed, why) => {
    expect(checkPhone(typed)).toEqual({ ok: false, message: `${typed} ${why}` });
  });

  it('an empty number asks for one', () => {
    expect(checkPhone('  ')).toEqual({
      ok: false,
      message: 'A phone number is required, e.g. +14155550100.',
    });
  });

  it('a bad number is a validation error naming the field', () => {
    let err: unknown;
    try {
      toE164('+1 555 0100');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({
      code: 'validation',
      fields: [
        {
          field: 'phoneNumber',
          message:
            '+1 555 0100 is not a valid phone number; use the international format, e.g. +14155550100.',
        },
      ],
    });
  });

  it('is shown in the international format', () => {
    expect(formatPhone('+14155550100')).toBe('+1 415 555 0100');
    expect(formatPhone('+447911123456')).toBe('+44 7911 123456');
  });
});
