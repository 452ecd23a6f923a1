import { describe, expect, it } from '@jest/globals';
import { capList, checkLimits, describeViolation, joinWithin, truncate } from './limits.js';

describe('truncate', () => {
  it('leaves short text alone', () => {
    expect(truncate('hello', 5)).toBe('hello');
  });

  it('cuts with a visible marker and never exceeds max', () => {
    expect(truncate('hello world', 8)).toBe('hello w…');
    expect(truncate('hello world', 8).length).toBeLessThanOrEqual(8);
    expect(truncate('hello world', 1)).toBe('…');
    expect(truncate('hello world', 0)).toBe('');
  });

  it('never splits a surrogate pair or a grapheme', () => {
    const text = '😀😀😀😀'; // 8 UTF-16 units
    const out = truncate(text, 6);
    expect(out).toBe('😀😀…');
    expect(out.length).toBeLessThanOrEqual(6);
    const family = '👩‍👩‍👧‍👦'.repeat(3);
    expect(truncate(family, 15)).toBe('👩‍👩‍👧‍👦…');
  });

  it('keeps entities and <…> tokens whole', () => {
    expect(truncate('a &amp; b', 4)).toBe('a…');
    expect(truncate('see <https://example.com|link> now', 10)).toBe('see…');
  });
});

describe('joinWithin', () => {
  it('adds "+n more" for parts that do not fit', () => {
    const out = joinWithin(['aaaa', 'bbbb', 'cccc'], ', ', 16, (n) => `+${n} more`);
    expect(out).toBe('aaaa, +2 more');
    expect(joinWithin(['a', 'b'], ', ', 100, (n) => `+${n}`)).toBe('a, b');
  });
});

describe('capList', () => {
  it('returns shown and hidden', () => {
    expect(capList([1, 2, 3], 2)).toEqual({ shown: [1, 2], hidden: 1 });
  });
});

describe('checkLimits', () => {
  it('finds no problem in a small message', () => {
    expect(checkLimits('message', { text: 'x', blocks: [{ type: 'divider' }] })).toEqual([]);
  });

  it('reports each broken limit with its path', () => {
    const blocks = [
      { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } },
      {
        type: 'actions',
        elements: [{ type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'b'.repeat(76) } }],
      },
      { type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) },
      ...Array.from({ length: 48 }, () => ({ type: 'divider', block_id: 'same' })),
    ];
    const rules = checkLimits('message', { text: 'x', blocks }).map((v) => `${v.path} ${v.rule}`);
    expect(rules).toEqual(
      expect.arrayContaining([
        'blocks message blocks',
        'blocks[0].text header text',
        'blocks[1].elements[0].text button text',
        'blocks[2].fields section fields',
        'blocks[4].block_id duplicate block_id',
      ]),
    );
  });

  it('checks modal title, metadata and select options', () => {
    const view = {
      type: 'modal',
      title: { type: 'plain_text', text: 'A title that is far too long' },
      private_metadata: 'm'.repeat(3001),
      blocks: [
        {
          type: 'input',
          label: { type: 'plain_text', text: 'L' },
          element: {
            type: 'static_select',
            action_id: 'x',
            options: Array.from({ length: 101 }, (_, i) => ({
              text: { type: 'plain_text', text: `o${i}` },
              value: `${i}`,
            })),
          },
        },
      ],
    };
    const found = checkLimits('modal', view);
    expect(found.map((v) => v.rule).sort()).toEqual([
      'a modal with inputs needs submit',
      'modal title',
      'private_metadata',
      'select options',
    ]);
    expect(describeViolation(found[0]!)).toMatch(/limit \d+, got \d+/);
  });
});
