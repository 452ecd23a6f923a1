import type { TagCondition } from '../rollups/index.js';

/**
 * An SLA's error filter (tag → condition) as Silver's tag conditions, any of which makes an event an error:
 * `>=500` (the tag is a number at least 500), `5*` (the tag starts with `5`), anything else (the tag equals it).
 */
export function errorConditions(filter: Readonly<Record<string, string>>): TagCondition[] {
  return Object.entries(filter).map(([key, cond]) => {
    const gte = /^>=\s*(-?\d+(?:\.\d+)?)$/.exec(cond);
    if (gte) return { key, op: 'gte' as const, value: Number(gte[1]) };
    if (cond.length > 1 && cond.endsWith('*'))
      return { key, op: 'prefix' as const, value: cond.slice(0, -1) };
    return { key, op: 'eq' as const, value: cond };
  });
}
