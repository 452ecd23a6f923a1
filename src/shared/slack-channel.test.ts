import { describe, expect, it } from '@jest/globals';
import { channelLabel, isChannelId, isChannelRef, withoutHash } from './slack-channel.js';

describe('Slack channels', () => {
  it('tells conversation ids from names', () => {
    for (const id of ['C0123ABCD', 'G0PRIVATE', 'D0DIRECT1', 'C0QUEUE']) expect(isChannelId(id)).toBe(true);
    for (const name of ['payments', '#payments', 'c0123abcd', 'C', 'X0123ABCD', 'C0123abc'])
      expect(isChannelId(name)).toBe(false);
  });

  it('accepts ids and lower-case names, with or without #', () => {
    for (const ok of ['C0123ABCD', 'payments', '#payments-oncall', 'ops.eu_1'])
      expect(isChannelRef(ok)).toBe(true);
    for (const bad of ['Payments', '#', '-x', 'two words', '##x']) expect(isChannelRef(bad)).toBe(false);
  });

  it('strips one leading # and the spaces around', () => {
    expect(withoutHash('#payments')).toBe('payments');
    expect(withoutHash(' #payments ')).toBe('payments');
    expect(withoutHash('C0123ABCD')).toBe('C0123ABCD');
  });

  it('labels an id as it is and a name with its #', () => {
    expect(channelLabel('C0123ABCD')).toBe('C0123ABCD');
    expect(channelLabel('payments')).toBe('#payments');
    expect(channelLabel('#payments')).toBe('#payments');
  });
});
