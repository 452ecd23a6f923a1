import * as crypto from 'node:crypto';

/**
 * A version 7 UUID from a Unix time in milliseconds and 10 random bytes (RFC 9562): the time in the first
 * 48 bits, so ids made later sort later.
 */
export function uuidV7From(ms: number, random: Uint8Array): string {
  const b = new Uint8Array(16);
  let t = ms;
  for (let i = 5; i >= 0; i--) {
    b[i] = t % 256;
    t = Math.floor(t / 256);
  }
  b.set(random.subarray(0, 10), 6);
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Buffer.from(b).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const nativeV7 = (crypto as { randomUUIDv7?: () => string }).randomUUIDv7;

/**
 * A new row id: a time-ordered UUID (v7), so rows inserted together land next to each other in primary-key
 * indexes instead of on random pages (Node ≥ 24.16 makes them natively; older Nodes use `uuidV7From`).
 * The time in an id is only for ordering; domain code takes time from its Clock.
 */
export function newId(): string {
  return nativeV7 ? nativeV7() : uuidV7From(Date.now(), crypto.randomBytes(10));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `s` is written as a UUID (any version): ids are checked before they reach a `uuid` column. */
export function isUuid(s: string): boolean {
  return UUID.test(s);
}

/** A short random reference shown to people next to unexpected errors. */
export function errorRef(): string {
  return crypto.randomBytes(4).toString('hex');
}
