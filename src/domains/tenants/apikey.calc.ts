import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new API key: `ow_` + 32 random bytes in base64url. Only its hash is stored. */
export function generateApiKey(): string {
  return `ow_${randomBytes(32).toString('base64url')}`;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The non-secret index a stored key is found by: the first 16 hex digits of its hash. */
export function lookupOf(hash: string): string {
  return hash.slice(0, 16);
}

/** Constant-time comparison of two hex digests. */
export function sameHash(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'hex');
  const bb = Buffer.from(b, 'hex');
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
