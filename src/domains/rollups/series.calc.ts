import { createHash } from 'node:crypto';

export type Step = 'minute' | 'hour';
export const STEP_MS: Record<Step, number> = { minute: 60_000, hour: 3_600_000 };

/** The start of the step's bucket `at` falls in (UTC). */
export const bucketOf = (at: Date | number, step: Step): number => {
  const ms = typeof at === 'number' ? at : at.getTime();
  return ms - (((ms % STEP_MS[step]) + STEP_MS[step]) % STEP_MS[step]);
};

/** A tag set's canonical text: its entries sorted by key, as JSON (what a series is told apart by). */
export const canonicalTags = (tags: Readonly<Record<string, string>>): string =>
  JSON.stringify(Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** The series hash stored in `metric_series.series_hash`: md5 of the canonical tags; `*` for the aggregate series. */
export const seriesHash = (tags: Readonly<Record<string, string>>): string =>
  createHash('md5').update(canonicalTags(tags)).digest('hex');
export const ALL_TAGS_HASH = '*';

/**
 * A condition on a series' tags:
 * - `eq`: the tag equals the value; `prefix`: it starts with it;
 * - `gte`: the tag and the value are numbers and the tag is at least the value (`status` ≥ 500);
 * - a function: anything else (`(t) => t.error === 'true' || Number(t.status) >= 500`).
 * A list of conditions: any of them (an error is a 5xx *or* `error=true`).
 */
export type TagCondition = { key: string; op: 'eq' | 'gte' | 'prefix'; value: string | number };
export type TagFilter =
  | TagCondition
  | readonly TagCondition[]
  | ((tags: Readonly<Record<string, string>>) => boolean);

function holds(c: TagCondition, tags: Readonly<Record<string, string>>): boolean {
  const v = tags[c.key];
  if (v === undefined) return false;
  if (c.op === 'eq') return v === String(c.value);
  if (c.op === 'prefix') return v.startsWith(String(c.value));
  const n = Number(v);
  const min = Number(c.value);
  return v.trim() !== '' && Number.isFinite(n) && Number.isFinite(min) && n >= min;
}

/** Whether a tag set passes a filter. */
export function matches(filter: TagFilter, tags: Readonly<Record<string, string>>): boolean {
  if (typeof filter === 'function') return filter(tags);
  if (Array.isArray(filter)) return (filter as readonly TagCondition[]).some((c) => holds(c, tags));
  return holds(filter as TagCondition, tags);
}

/** Whether `tags` holds every pair of `subset`. */
export const hasSubset = (tags: Readonly<Record<string, string>>, subset: Readonly<Record<string, string>>) =>
  Object.entries(subset).every(([k, v]) => tags[k] === v);
