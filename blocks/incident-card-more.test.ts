import { describe, expect, it } from '@jest/globals';
import type { Overflow } from '@slack/types';
import { INCIDENT_ACTIONS } from './ids.js';
import { CARD_MORE_MAX, CardMoreValue, cardMoreMenu, cardMoreOptions } from './incident-card-more.blocks.js';
import { decodeMetadata } from './metadata.js';
import { incidentView } from './view-fixtures.js';

describe('cardMoreMenu', () => {
  it('is nothing when no option applies', () => {
    expect(cardMoreMenu('inc-1', [])).toBeNull();
  });

  it('carries the handler name and the incident id in each option', () => {
    const menu = cardMoreMenu('inc-1', [
      { a: 'follow', label: 'Follow' },
      { a: 'silence', label: 'Silence 1h' },
    ]) as Overflow;
    expect(menu?.action_id).toBe(INCIDENT_ACTIONS.more);
    if (menu?.type !== 'overflow') throw new Error('an overflow menu was expected');
    expect(menu.options.map((o) => o.text.text)).toEqual(['Follow', 'Silence 1h']);
    expect(menu.options.map((o) => decodeMetadata(CardMoreValue, o.value ?? ''))).toEqual([
      { a: 'follow', id: 'inc-1' },
      { a: 'silence', id: 'inc-1' },
    ]);
  });

  it('is a button when one option applies (an overflow menu needs two)', () => {
    const menu = cardMoreMenu('inc-1', [{ a: 'channel', label: 'Open channel' }]);
    expect(menu).toEqual({
      type: 'button',
      action_id: INCIDENT_ACTIONS.more,
      text: { type: 'plain_text', text: 'Open channel', emoji: true },
      value: JSON.stringify({ a: 'channel', id: 'inc-1' }),
    });
  });

  it('offers "Open channel" only while the incident has no channel and is not resolved', () => {
    const base = incidentView({ status: 'triggered' });
    expect(cardMoreOptions({ ...base, channel: null })).toContainEqual({
      a: 'channel',
      label: 'Open channel',
    });
    expect(cardMoreOptions({ ...base })).toContainEqual({ a: 'channel', label: 'Open channel' });
    const has = { id: 'C1', name: 'inc-1-x', archived: false };
    expect(cardMoreOptions({ ...base, channel: has }).map((o) => o.a)).not.toContain('channel');
    const opening = cardMoreOptions({ ...base, channel: { id: null, name: null, archived: false } });
    expect(opening.map((o) => o.a)).not.toContain('channel');
    expect(cardMoreOptions({ ...base, status: 'resolved', channel: null })).toEqual([]);
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
