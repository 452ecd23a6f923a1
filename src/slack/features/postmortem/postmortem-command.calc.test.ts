import { describe, expect, it } from '@jest/globals';
import { parsePostmortemCommand } from './postmortem-command.calc.js';

describe('/postmortem', () => {
  it.each([
    ['', { sub: 'help' }],
    ['help', { sub: 'help' }],
    ['INC-42', { sub: 'open', ref: 'INC-42' }],
    ['inc-7', { sub: 'open', ref: 'inc-7' }],
    ['#12', { sub: 'open', ref: '12' }],
    ['actions', { sub: 'actions', mine: false }],
    ['actions mine', { sub: 'actions', mine: true }],
    ['Actions MINE', { sub: 'actions', mine: true }],
    ['actions everyone', { sub: 'unknown', text: 'actions everyone' }],
    ['INC-42 now', { sub: 'unknown', text: 'INC-42 now' }],
    ['publish', { sub: 'unknown', text: 'publish' }],
  ] as const)('%j', (text, want) => {
    expect(parsePostmortemCommand(text)).toEqual(want);
  });
});
