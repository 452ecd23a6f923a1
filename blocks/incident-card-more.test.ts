import { describe, expect, it } from '@jest/globals';
import { INCIDENT_ACTIONS } from './ids.js';
import { CARD_MORE_MAX, CardMoreValue, cardMoreMenu } from './incident-card-more.blocks.js';
import { decodeMetadata } from './metadata.js';

describe('cardMoreMenu', () => {
  it('is nothing when no option applies', () => {
    expect(cardMoreMenu('inc-1', [])).toBeNull();
  });

  it('carries the handler name and the incident id in each option', () => {
    const menu = cardMoreMenu('inc-1', [
      { a: 'follow', label: 'Follow' },
      { a: 'silence', label: 'Silence 1h' },
    ]);
    expect(menu?.action_id).toBe(INCIDENT_ACTIONS.more);
    if (menu?.type !== 'overflow') throw new Error('an overflow menu was expected');
    expect(menu.options.map((o) => o.text.text)).toEqual(['Follow', 'Silence 1h']);
    expect(menu.options.map((o) => decodeMetadata(CardMoreValue, o.value ?? ''))).toEqual([
      { a: 'follow', id: 'inc-1' },
      { a: 'silence', id: 'inc-1' },
    ]);
  });

  it("keeps to Slack's five options", () => {
    const options = Array.from({ length: 7 }, (_, i) => ({ a: `a${i}`, label: `Option ${i}` }));
    const menu = cardMoreMenu('inc-1', options);
    expect(menu?.type === 'overflow' && menu.options).toHaveLength(CARD_MORE_MAX);
  });

  it('is a button when one option applies (Slack wants two in an overflow menu)', () => {
    const one = cardMoreMenu('inc-1', [{ a: 'merge', label: 'Merge into…' }]);
    expect(one).toMatchObject({
      type: 'button',
      action_id: INCIDENT_ACTIONS.more,
      text: { text: 'Merge into…' },
    });
    expect(one?.type === 'button' && decodeMetadata(CardMoreValue, one.value ?? '')).toEqual({
      a: 'merge',
      id: 'inc-1',
    });
  });

  it('leaves out an option whose value would not fit', () => {
    expect(cardMoreMenu('x'.repeat(200), [{ a: 'follow', label: 'Follow' }])).toBeNull();
  });
});
