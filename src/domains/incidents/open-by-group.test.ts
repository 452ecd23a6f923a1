import { describe, expect, it } from '@jest/globals';
import { openByGroup } from './incident-ingest.js';
import type { IncidentRow } from './incidents.store.js';

const row = (id: string, group_key: string | null, merged_group_keys: string[] = []) =>
  ({ id, group_key, merged_group_keys }) as unknown as IncidentRow;

describe('openByGroup', () => {
  it('finds a group’s open incident by its own key, or the incident its group was merged into', () => {
    const target = row('i41', 'labels|alertname=A', ['labels|alertname=B', 'labels|alertname=C']);
    const other = row('i50', 'labels|alertname=D');
    const found = openByGroup(
      ['labels|alertname=B', 'labels|alertname=D', 'labels|alertname=E'],
      [target, other],
    );
    expect([...found].map(([k, r]) => [k, r.id])).toEqual([
      ['labels|alertname=B', 'i41'],
      ['labels|alertname=D', 'i50'],
    ]);
  });

  it('prefers the incident whose own group it is', () => {
    const own = row('i60', 'labels|alertname=B');
    const merged = row('i41', null, ['labels|alertname=B']);
    expect(openByGroup(['labels|alertname=B'], [merged, own]).get('labels|alertname=B')?.id).toBe('i60');
  });
});
