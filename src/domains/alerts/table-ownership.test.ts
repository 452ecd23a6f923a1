import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';

/**
 * The alerts ↔ incidents boundary in SQL: each domain's store names only its own tables. The alerts domain owns
 * `alerts` (with each alert's `incident_id`, written from what the incidents' port answered); the incidents domain
 * owns `incidents` and `timeline_entries`. What one needs of the other goes through a port.
 */
const OWN = {
  alerts: ['alerts'],
  incidents: ['incidents', 'timeline_entries'],
  silences: ['silences', 'maintenance_windows', 'maintenance_announcements'],
} as const;

const storeOf = (domain: keyof typeof OWN) =>
  readFileSync(new URL(`../${domain}/${domain}.store.ts`, import.meta.url), 'utf8');

/**
 * Table names a store reads or writes: in SQL text (after from, join, into, update) and in queries built with
 * Kysely's `db` (`selectFrom('incidents as i')`, `updateTable(…)`, `insertInto(…)`, `leftJoin(…)`…).
 */
function tablesIn(source: string): Set<string> {
  const found = new Set<string>();
  for (const m of source.matchAll(/\b(?:from|join|into|update)\s+([a-z_][a-z0-9_]*)/gi)) {
    found.add(m[1]!.toLowerCase());
  }
  const built =
    /\b(?:selectFrom|updateTable|insertInto|deleteFrom|mergeInto|(?:inner|left|right|full)Join)\(\s*'([a-z_][a-z0-9_]*)/g;
  for (const m of source.matchAll(built)) found.add(m[1]!);
  return found;
}

describe('table ownership of alerts and incidents', () => {
  it.each([
    ['alerts', 'incidents'],
    ['incidents', 'alerts'],
    ['alerts', 'silences'],
    ['silences', 'alerts'],
    ['silences', 'incidents'],
  ] as const)('%s.store.ts touches none of the %s tables', (domain, other) => {
    const tables = tablesIn(storeOf(domain));
    for (const t of OWN[other]) expect([t, tables.has(t)]).toEqual([t, false]);
    // The check sees the store's own tables, so it would see the other's.
    for (const t of OWN[domain].slice(0, 1)) expect(tables.has(t)).toBe(true);
  });
});
