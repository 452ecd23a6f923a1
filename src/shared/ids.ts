import { randomBytes, randomUUID } from 'node:crypto';

export function newId(): string {
  return randomUUID();
}

/** A short random reference shown to people next to unexpected errors. */
export function errorRef(): string {
  return randomBytes(4).toString('hex');
}
