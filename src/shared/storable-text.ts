/**
 * PostgreSQL's text and jsonb cannot hold U+0000: a statement carrying one fails, and with it everything stored in
 * the same transaction. Text that arrives with NULs (a log line, a tag value, an alert title) is stored with each
 * NUL replaced by U+FFFD, the Unicode replacement character, rather than refused.
 */
const NUL = '\u0000';
const REPLACEMENT = '\uFFFD';

/** `s` with every NUL replaced (the same string when it has none). */
export function storableText(s: string): string {
  return s.includes(NUL) ? s.replaceAll(NUL, REPLACEMENT) : s;
}

/** A JSON value with every NUL in its strings and keys replaced. */
export function storableValue(v: unknown): unknown {
  if (typeof v === 'string') return storableText(v);
  if (Array.isArray(v)) return v.map(storableValue);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [storableText(k), storableValue(x)]));
  return v;
}

/**
 * `value` as JSON jsonb takes: `json` (its JSON.stringify, when the caller has it) unless that holds an escaped NUL,
 * in which case the value's strings and keys are cleaned first. The check is on the text, so values without NULs
 * (nearly all) cost one scan.
 */
export function storableJson(value: unknown, json: string = JSON.stringify(value)): string {
  return json.includes('\\u0000') ? JSON.stringify(storableValue(value)) : json;
}
