import { describe, expect, it } from '@jest/globals';
import {
  BUILTIN_RULES,
  compileRedactor,
  extraRuleProblem,
  extraRules,
  hashUserId,
  isCardNumber,
  luhnValid,
} from './redaction.calc.js';

const r = compileRedactor(BUILTIN_RULES);

/** [input, expected]: what must be redacted, and near-misses that must come out unchanged. */
const TABLE: [string, string][] = [
  // e-mail
  ['payment failed for alice@example.com', 'payment failed for <email>'],
  ['to: first.last+tag@mail.example.co.uk.', 'to: <email>.'],
  ['user@ logged in', 'user@ logged in'],
  ['@channel ping', '@channel ping'],
  ['npm i @scope/pkg@1.2.3', 'npm i @scope/pkg@1.2.3'],
  // phone
  ['call +4915112345678 now', 'call <phone> now'],
  ['call +1 415-555-0132', 'call <phone>'],
  ['(415) 555-0132 is the desk', '<phone> is the desk'],
  ['US 415.555.0132', 'US <phone>'],
  ['on 2026-12-02 at 03:04:05', 'on 2026-12-02 at 03:04:05'],
  ['version 1.2.3.4.5', 'version 1.2.3.4.5'],
  ['took 1234 ms', 'took 1234 ms'],
  // card (Luhn + network prefix)
  ['card 4111 1111 1111 1111 declined', 'card <card> declined'],
  ['card 4111-1111-1111-1111', 'card <card>'],
  ['amex 378282246310005', 'amex <card>'],
  ['order 4111111111111112', 'order 4111111111111112'],
  ['epoch ms 1733112000000', 'epoch ms 1733112000000'],
  ['id 1234567812345670', 'id 1234567812345670'],
  // IPv4
  ['from 192.168.1.20 via 10.0.0.1:8080', 'from <ipv4> via <ipv4>:8080'],
  ['v1.2.3.4 released', 'v1.2.3.4 released'],
  ['999.1.1.1 is no address', '999.1.1.1 is no address'],
  ['1.2.3.4.5 nor this', '1.2.3.4.5 nor this'],
  // IPv6
  ['peer 2001:db8::ff00:42:8329 closed', 'peer <ipv6> closed'],
  ['peer fe80:0:0:0:200:f8ff:fe21:67cf', 'peer <ipv6>'],
  ['at 12:30:45 sharp', 'at 12:30:45 sharp'],
  ['mac aa:bb:cc:dd:ee:ff', 'mac aa:bb:cc:dd:ee:ff'],
  ['std::vector grew', 'std::vector grew'],
  // tokens, keys, JWTs
  ['Authorization: Bearer abcDEF123456789xyz', 'Authorization: Bearer <token>'],
  [
    'jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    'jwt <jwt>',
  ],
  ['Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXNpZw', 'Bearer <jwt>'],
  ['key sk_live_51HxYzABCDEFGHIJklmnop', 'key <api-key>'],
  ['token ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'token <api-key>'],
  ['aws AKIAIOSFODNN7EXAMPLE', 'aws <api-key>'],
  ['api_key=9f8e7d6c5b4a3210', 'api_key=<api-key>'],
  ['password: "hunter2hunter2"', 'password: "<api-key>"'],
  ['Bearer abc', 'Bearer abc'],
  // left alone on purpose
  [
    'request 550e8400-e29b-41d4-a716-446655440000 failed',
    'request 550e8400-e29b-41d4-a716-446655440000 failed',
  ],
  ['commit deadbeef and 0xff12', 'commit deadbeef and 0xff12'],
  ['2026-12-02T03:04:05.123Z ERROR boom', '2026-12-02T03:04:05.123Z ERROR boom'],
  ['nothing to see here', 'nothing to see here'],
];

describe('the built-in redaction rules', () => {
  it.each(TABLE)('%s', (input, expected) => {
    expect(r.redact(input)).toBe(expected);
  });

  it('checks cards with Luhn and a network prefix', () => {
    expect(luhnValid('79927398713')).toBe(true);
    expect(luhnValid('79927398710')).toBe(false);
    expect(isCardNumber('5555555555554444')).toBe(true);
    expect(isCardNumber('9999999999999995')).toBe(false); // Luhn-valid, no network
  });

  it('takes extra rules as data, and refuses a bad or empty-matching regex', () => {
    const extra = [{ name: 'order', pattern: 'ORD-\\d{6}', placeholder: '<order>' }];
    const mine = compileRedactor([...BUILTIN_RULES, ...extraRules(extra)]);
    expect(mine.redact('ORD-123456 for bob@example.org')).toBe('<order> for <email>');
    expect(extraRuleProblem({ name: 'bad', pattern: '([a-z', placeholder: '<x>' })).toMatch(
      /not a valid regular expression/,
    );
    expect(extraRuleProblem({ name: 'empty', pattern: 'a*', placeholder: '<x>' })).toBe(
      'matches the empty string',
    );
    expect(extraRuleProblem(extra[0] as (typeof extra)[0])).toBeNull();
  });

  it('hashes user ids with a key: same id same hash, another key another hash', () => {
    expect(hashUserId('k1', 'u-42')).toBe(hashUserId('k1', 'u-42'));
    expect(hashUserId('k1', 'u-42')).not.toBe(hashUserId('k2', 'u-42'));
    expect(hashUserId('k1', 'u-42')).toMatch(/^[0-9a-f]{64}$/);
  });
});
