import { createHmac } from 'node:crypto';
import { isIPv6 } from 'node:net';
import type { ExtraRule, RedactionRule } from './telemetry.types.js';

/** Luhn's checksum over the digits of `s` (separators ignored). */
export function luhnValid(s: string): boolean {
  let sum = 0;
  let double = false;
  let digits = 0;
  for (let i = s.length - 1; i >= 0; i--) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) continue;
    digits++;
    let d = c;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits > 0 && sum % 10 === 0;
}

/** A payment card number: 13–19 digits, a card network's prefix (IIN), and a valid Luhn checksum. */
export function isCardNumber(match: string): boolean {
  const digits = match.replace(/[ -]/g, '');
  if (digits.length < 13 || digits.length > 19) return false;
  const iin = /^(?:4|5[1-5]|2[2-7]|3[47]|3[0689]|35|6011|64[4-9]|65|62)/;
  return iin.test(digits) && luhnValid(digits);
}

/**
 * The built-in rules, in priority order (where two could match at one place, the earlier wins). UUIDs, version
 * numbers, timestamps, short hex and digit runs that fail a rule's check are left alone on purpose: they are what
 * people debug with and carry no personal data on their own.
 */
export const BUILTIN_RULES: readonly RedactionRule[] = [
  {
    name: 'jwt',
    pattern: /\beyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}/,
    placeholder: '<jwt>',
  },
  {
    name: 'email',
    pattern:
      /(?<![\w.%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/,
    placeholder: '<email>',
  },
  { name: 'bearer', pattern: /(?<=\b[Bb]earer\s+)[A-Za-z0-9._~+/-]{8,}=*/, placeholder: '<token>' },
  {
    name: 'api-key',
    pattern:
      /\b(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{10,}|\bsk-[A-Za-z0-9_-]{20,}|\bgh[pousr]_[A-Za-z0-9]{20,}|\bgithub_pat_[A-Za-z0-9_]{20,}|\bxox[abposr]-[A-Za-z0-9-]{10,}|\bAKIA[0-9A-Z]{16}\b|\bAIza[0-9A-Za-z_-]{35}|\bglpat-[A-Za-z0-9_-]{20}|\bow_[A-Za-z0-9_-]{43}|(?<=\b(?:api[_-]?key|apikey|x-api-key|access[_-]?token|auth[_-]?token|secret|password|passwd)["']?\s*[:=]\s*["']?)[^\s"'&,;]{6,}/,
    placeholder: '<api-key>',
  },
  {
    name: 'card',
    pattern: /(?<![\w.-])\d(?:[ -]?\d){12,18}(?![\w.]|-\d)/,
    placeholder: '<card>',
    check: isCardNumber,
  },
  {
    name: 'ipv4',
    pattern:
      /(?<![\w.])(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}(?!\.?\w)/,
    placeholder: '<ipv4>',
  },
  {
    name: 'ipv6',
    pattern:
      /(?<![\w:.])(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){0,7}(?::[0-9A-Fa-f]{1,4}){0,7}:(?::|[0-9A-Fa-f]{1,4}))(?![\w:])/,
    placeholder: '<ipv6>',
    check: (m) => isIPv6(m) && m.length > 2,
  },
  {
    name: 'phone',
    pattern:
      /(?<![\w.+-])(?:\+[1-9]\d{7,14}|(?:\+[1-9]\d{0,2}[ .-]?)?(?:\(\d{1,4}\)[ .-]?|\d{2,4}[ .-])\d{3,4}[ .-]\d{3,4})(?![\w.-]?\d)/,
    placeholder: '<phone>',
  },
];

/** A set of rules compiled into one regular expression: one pass over each string whatever the number of rules. */
export interface Redactor {
  /** The text with every match replaced by its rule's placeholder. */
  redact(text: string): string;
  readonly rules: readonly RedactionRule[];
}

/** How many capturing groups a pattern has. */
const groupsOf = (source: string) => (new RegExp(`${source}|`).exec('')?.length ?? 1) - 1;

/** Compiles rules (built-in first, then extra ones) into one redactor. */
export function compileRedactor(rules: readonly RedactionRule[]): Redactor {
  const starts: number[] = [];
  let group = 1;
  const parts = rules.map((r) => {
    starts.push(group);
    group += 1 + groupsOf(r.pattern.source);
    return `(${r.pattern.source})`;
  });
  const combined = new RegExp(parts.join('|'), 'g');
  // Every built-in rule needs one of these in the text: a string without any is skipped unread (most are).
  const builtinOnly = rules.every((r) => BUILTIN_RULES.includes(r));
  const quick = builtinOnly
    ? /[0-9@:=]|earer|eyJ|_live_|_test_|sk-|gh[pousr]_|github_pat_|xox|glpat-|ow_/
    : null;
  const replace = (match: string, ...groups: unknown[]) => {
    for (let i = 0; i < rules.length; i++) {
      if (groups[starts[i]! - 1] !== undefined) {
        const rule = rules[i]!;
        return rule.check && !rule.check(match) ? match : rule.placeholder;
      }
    }
    return match;
  };
  return {
    rules,
    redact(text: string): string {
      if (text.length === 0 || (quick && !quick.test(text))) return text;
      return text.replace(combined, replace);
    },
  };
}

/** Why a tenant's extra rule cannot be used (bad regex, or one that matches the empty string), or null. */
export function extraRuleProblem(rule: ExtraRule): string | null {
  let re: RegExp;
  try {
    re = new RegExp(rule.pattern);
  } catch (err) {
    return `is not a valid regular expression (${err instanceof Error ? err.message : String(err)})`;
  }
  if (re.test('')) return 'matches the empty string';
  return null;
}

/** A tenant's extra rules as rules (callers have checked them with `extraRuleProblem`). */
export const extraRules = (extra: readonly ExtraRule[]): RedactionRule[] =>
  extra.map((r) => ({ name: r.name, pattern: new RegExp(r.pattern), placeholder: r.placeholder }));

/** The attributes naming the end user: stored only as a keyed hash. */
export const USER_ID_ATTRIBUTES: readonly string[] = ['enduser.id', 'user.id', 'userId'];

/** HMAC-SHA256 of a user id under the install's secret, hex. */
export const hashUserId = (secret: string, userId: string): string =>
  createHmac('sha256', secret).update(userId).digest('hex');

/** A JSON-like attribute value with every string in it redacted. */
export function redactValue(r: Redactor, value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return r.redact(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(r, v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactValue(r, v, depth + 1);
  return out;
}
