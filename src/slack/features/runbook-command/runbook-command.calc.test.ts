import { describe, expect, it } from '@jest/globals';
import { parseRunbookCommand } from './runbook-command.calc.js';

describe('/runbook text', () => {
  it.each([
    ['', { kind: 'help' }],
    ['help', { kind: 'help' }],
    ['list', { kind: 'list', service: null }],
    ['list checkout', { kind: 'list', service: 'checkout' }],
    ['show High-Error-Rate', { kind: 'show', slug: 'high-error-rate' }],
    ['disk-full', { kind: 'show', slug: 'disk-full' }],
    ['run disk-full', { kind: 'run', slug: 'disk-full', incidentRef: null }],
    ['run disk-full INC-42', { kind: 'run', slug: 'disk-full', incidentRef: 'INC-42' }],
  ])('%j → %j', (text, expected) => {
    expect(parseRunbookCommand(text)).toEqual(expected);
  });

  it.each(['show', 'show a b', 'run', 'run a b c', 'list a b', 'what is this'])('%j → usage', (text) => {
    expect(parseRunbookCommand(text)).toMatchObject({ kind: 'usage' });
  });
});
