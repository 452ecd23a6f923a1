import { describe, expect, it } from '@jest/globals';
import type { KnownBlock } from '@slack/types';
import { checkLimits } from './limits.js';
import {
  cardRunbookBlocks,
  type RunbookView,
  runbookList,
  runbookMessage,
  runbookModal,
} from './runbook.blocks.js';
import { markdownBlocks, splitText } from './runbook-markdown.js';

const texts = (blocks: KnownBlock[]) =>
  blocks.map((b) =>
    b.type === 'section' ? (b.text?.text ?? '') : b.type === 'header' ? `# ${b.text.text}` : `[${b.type}]`,
  );

const view = (markdown: string): RunbookView => ({
  id: 'r1',
  slug: 'high-error-rate',
  name: 'High error rate',
  owner: 'payments',
  service: 'checkout',
  matchers: 'alertname="HighErrorRate"',
  version: 3,
  markdown,
  actions: [{ name: 'restart', title: 'Restart checkout', kind: 'kubernetes', approval: 'one' }],
});

describe('runbook Markdown → Slack', () => {
  it('converts headings, lists, bold, italics, code, links and quotes to mrkdwn', () => {
    const md = [
      '# High error rate',
      '## Symptoms',
      '- 5xx **above 5%** and _rising_',
      '  - on `checkout` <pods>',
      '1. First & foremost',
      '2. [Dashboard](https://grafana.example.com/d/x?a=1&b=2)',
      '> Do not panic',
      '---',
      '```sh\nkubectl get pods | grep -v Running\n```',
      '| a | b |\n|---|---|\n| 1 | 2 |',
      '[bad link](javascript:alert(1))',
    ].join('\n\n');
    expect(texts(markdownBlocks(md))).toEqual([
      '# High error rate',
      [
        '*Symptoms*',
        '• 5xx *above 5%* and _rising_\n    • on `checkout` &lt;pods&gt;',
        '1. First &amp; foremost\n2. <https://grafana.example.com/d/x?a=1&amp;b=2|Dashboard>',
        '> Do not panic',
      ].join('\n\n'),
      '[divider]',
      '```\nkubectl get pods | grep -v Running\n```\n\n```\na | b\n1 | 2\n```\n\nbad link',
    ]);
  });

  it('packs text into sections of at most 3,000 characters and splits long code blocks', () => {
    const md = Array.from({ length: 40 }, (_, i) => `Paragraph ${i} ${'word '.repeat(100)}`).join('\n\n');
    const blocks = markdownBlocks(
      `${md}\n\n\`\`\`\n${'x'.repeat(80)}\n${'line of code\n'.repeat(600)}\`\`\``,
    );
    for (const t of texts(blocks)) expect(t.length).toBeLessThanOrEqual(3000);
    const code = texts(blocks).filter((t) => t.startsWith('```'));
    expect(code.length).toBeGreaterThan(1);
    for (const c of code) expect(c.endsWith('```')).toBe(true);
    expect(blocks.length).toBeLessThan(20);
  });

  it('splits text at line ends when it can', () => {
    expect(splitText('aaaa\nbbbb\ncc', 9)).toEqual(['aaaa\nbbbb', 'cc']);
    expect(splitText('x'.repeat(10), 4)).toEqual(['xxxx', 'xxxx', 'xx']);
  });

  it('a 100 KB runbook fits a modal: at most 100 blocks, every limit kept, the rest pointed to', () => {
    const md = Array.from({ length: 400 }, (_, i) => `## Step ${i}\n\n---\n\nCheck ${'a'.repeat(200)}`).join(
      '\n\n',
    );
    const modal = runbookModal(view(md));
    expect(modal.blocks.length).toBeLessThanOrEqual(100);
    expect(checkLimits('modal', modal)).toEqual([]);
    expect(JSON.stringify(modal.blocks.at(-1))).toContain('GET /api/v1/runbooks/high-error-rate');
  });

  it('a short runbook as a message keeps the limits', () => {
    const msg = runbookMessage(view('# Title\n\n## Symptoms\n\n- one'));
    expect(checkLimits('message', msg)).toEqual([]);
    expect(JSON.stringify(msg.blocks)).toContain('Restart checkout');
  });
});

describe('runbooks on the card and in lists', () => {
  it('one line naming the runbooks, with Show and Run… each (three at most)', () => {
    const rbs = Array.from({ length: 5 }, (_, i) => ({
      runbookId: `r${i}`,
      slug: `s${i}`,
      name: `Runbook ${i}`,
      version: 1,
    }));
    const blocks = cardRunbookBlocks('inc-1', rbs)!;
    expect(blocks).toHaveLength(4);
    expect(texts(blocks)[0]).toBe(':book: Runbooks: *Runbook 0* · *Runbook 1* · *Runbook 2* (+2 more)');
    const rows = blocks.slice(1) as unknown as { elements: { action_id: string; value: string }[] }[];
    for (const row of rows)
      expect(row.elements.map((e) => e.action_id)).toEqual(['runbook_show', 'runbook_run_open']);
    expect(rows.map((r) => r.elements[0]!.value)).toEqual(['r0', 'r1', 'r2']);
    expect(JSON.parse(rows[0]!.elements[1]!.value)).toEqual({ i: 'inc-1', r: 'r0', v: 1 });
    expect(checkLimits('message', { blocks })).toEqual([]);
    expect(cardRunbookBlocks('inc-1', [])).toBeNull();
    expect(texts(cardRunbookBlocks('inc-1', [rbs[0]!])!)[0]).toBe(':book: Runbook: *Runbook 0*');
  });

  it('/runbook list stays within a message', () => {
    const items = Array.from({ length: 200 }, (_, i) => ({
      id: `r${i}`,
      slug: `s-${i}`,
      name: 'N'.repeat(400),
      service: null,
      actions: 2,
    }));
    const msg = runbookList(items, null);
    expect(msg.blocks!.length).toBeLessThanOrEqual(50);
    expect(checkLimits('message', msg)).toEqual([]);
  });
});
