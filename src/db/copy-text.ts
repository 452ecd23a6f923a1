/**
 * PostgreSQL's COPY text format (the default of `COPY … FROM STDIN`): one line a row, columns separated by tabs,
 * NULL as `\N`, and backslash, tab, newline and carriage return escaped with a backslash.
 */

/** A column value: text as is, numbers in decimal, null as NULL. */
export type CopyValue = string | number | null;

const SPECIAL = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const escapeChar = (c: string) => ESCAPES[c] ?? c;

/** One value as COPY text. */
export function copyField(v: CopyValue): string {
  if (v === null) return '\\N';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
    return String(v);
  }
  return SPECIAL.test(v) ? v.replace(/[\\\t\n\r]/g, escapeChar) : v;
}

/** One row as a COPY text line (ending in a newline). */
export function copyLine(values: readonly CopyValue[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) line += (i === 0 ? '' : '\t') + copyField(values[i] ?? null);
  return `${line}\n`;
}
