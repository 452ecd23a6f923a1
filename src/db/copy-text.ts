/**
 * PostgreSQL's COPY text format (the default of `COPY … FROM STDIN`): one line a row, columns separated by tabs,
 * NULL as `\N`, and backslash, tab, newline and carriage return escaped with a backslash.
 */

import { storableText } from '../shared/storable-text.js';

/** A column value: text as is, numbers in decimal, null as NULL. */
export type CopyValue = string | number | null;

const SPECIAL = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const escapeChar = (c: string) => ESCAPES[c] ?? c;

/** One value as COPY text (a NUL in text, which PostgreSQL cannot store, as U+FFFD). */
export function copyField(v: CopyValue): string {
  if (v === null) return '\\N';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
    return String(v);
  }
  const text = storableText(v);
  return SPECIAL.test(text) ? text.replace(/[\\\t\n\r]/g, escapeChar) : text;
}

/** One row as a COPY text line (ending in a newline). */
export function copyLine(values: readonly CopyValue[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) line += (i === 0 ? '' : '\t') + copyField(values[i] ?? null);
  return `${line}\n`;
}

/**
 * Rows as COPY text in one Buffer, each line written into it as it comes: several times cheaper than building one
 * long string and converting it, and the Buffer lives outside the JavaScript heap (nothing for the collector to copy
 * while it waits for its transaction).
 */
export class CopyBuffer {
  private buf: Buffer;
  private length = 0;
  rows = 0;

  constructor(sizeHint = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(sizeHint);
  }

  add(values: readonly CopyValue[]): void {
    const line = copyLine(values);
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    if (this.buf.length - this.length < line.length * 3) {
      const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + line.length * 3));
      this.buf.copy(bigger, 0, 0, this.length);
      this.buf = bigger;
    }
    this.length += this.buf.write(line, this.length);
    this.rows++;
  }

  /** What was written (a view of the buffer: add nothing more afterwards). */
  data(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}
