import { describe, expect, it } from '@jest/globals';
import { parseMatchers } from '../silences/index.js';
import { runbookActionSchema } from './actions.types.js';
import { fieldChanges, markdownDiff, sameContent } from './diff.calc.js';
import type { RunbookContent } from './runbooks.types.js';

const action = (name: string, url = 'https://x.example/a') =>
  runbookActionSchema.parse({ name, title: name, target: { kind: 'http', url } });
const v1: RunbookContent = {
  name: 'Disk full',
  slug: 'disk-full',
  owner: 'ops',
  service: null,
  url: null,
  matchers: parseMatchers('alertname=DiskFull'),
  markdown: '# Disk full\n\n- one\n',
  actions: [action('clean'), action('grow')],
};

describe('runbook version diffs', () => {
  it('a unified diff of the Markdown, empty when equal', () => {
    const d = markdownDiff('disk-full', 1, 2, v1.markdown, '# Disk full\n\n- one\n- two');
    expect(d).toContain('--- disk-full.md\tversion 1\n+++ disk-full.md\tversion 2');
    expect(d).toContain('+- two');
    expect(markdownDiff('disk-full', 1, 2, 'a', 'a')).toBe('');
  });

  it('the other fields that changed, actions one by one', () => {
    const v2: RunbookContent = {
      ...v1,
      owner: 'storage',
      matchers: parseMatchers('alertname=~"Disk.*"'),
      actions: [action('clean', 'https://y.example/a'), action('page')],
    };
    expect(fieldChanges(v1, v2)).toEqual([
      { field: 'owner', from: 'ops', to: 'storage' },
      { field: 'matchers', from: 'alertname="DiskFull"', to: 'alertname=~"Disk.*"' },
      { field: 'actions.clean', from: v1.actions[0], to: v2.actions[0] },
      { field: 'actions.grow', from: v1.actions[1], to: null },
      { field: 'actions.page', from: null, to: v2.actions[1] },
    ]);
    expect(fieldChanges(v1, { ...v1, actions: [...v1.actions].reverse() })).toEqual([
      { field: 'actions', from: ['clean', 'grow'], to: ['grow', 'clean'] },
    ]);
  });

  it('the same content whatever the key order', () => {
    const { markdown, ...rest } = v1;
    const shuffled = JSON.parse(JSON.stringify({ markdown, ...rest })) as RunbookContent;
    expect(sameContent(v1, shuffled)).toBe(true);
    expect(sameContent(v1, { ...v1, markdown: `${v1.markdown} ` })).toBe(false);
  });
});
