import { createTwoFilesPatch } from 'diff';
import { matchersText } from '../silences/index.js';
import type { RunbookContent, RunbookFieldChange } from './runbooks.types.js';

const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(
          Object.entries(x as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : x,
  );

/** Whether two versions hold the same content (what `opswatch apply` and PUT compare before writing a version). */
export const sameContent = (a: RunbookContent, b: RunbookContent): boolean => canonical(a) === canonical(b);

/** A unified diff of two versions' Markdown ("" when equal). */
export function markdownDiff(slug: string, from: number, to: number, a: string, b: string): string {
  if (a === b) return '';
  const end = (s: string) => (s.endsWith('\n') ? s : `${s}\n`);
  return createTwoFilesPatch(`${slug}.md`, `${slug}.md`, end(a), end(b), `version ${from}`, `version ${to}`);
}

/** The fields other than the Markdown that differ, actions one by one (`actions.<name>`: added, removed, changed). */
export function fieldChanges(a: RunbookContent, b: RunbookContent): RunbookFieldChange[] {
  const out: RunbookFieldChange[] = [];
  for (const f of ['name', 'slug', 'owner', 'service', 'url'] as const)
    if (a[f] !== b[f]) out.push({ field: f, from: a[f], to: b[f] });
  const ma = matchersText(a.matchers);
  const mb = matchersText(b.matchers);
  if (ma !== mb) out.push({ field: 'matchers', from: ma, to: mb });
  const before = new Map(a.actions.map((x) => [x.name, x]));
  const after = new Map(b.actions.map((x) => [x.name, x]));
  for (const name of new Set([...before.keys(), ...after.keys()])) {
    const x = before.get(name) ?? null;
    const y = after.get(name) ?? null;
    if (canonical(x) !== canonical(y)) out.push({ field: `actions.${name}`, from: x, to: y });
  }
  const order = (xs: RunbookContent['actions']) => xs.map((x) => x.name).join(',');
  if (
    order(a.actions) !== order(b.actions) &&
    before.size === after.size &&
    out.every((c) => !c.field.startsWith('actions.'))
  )
    out.push({ field: 'actions', from: a.actions.map((x) => x.name), to: b.actions.map((x) => x.name) });
  return out;
}
