import { describe, expect, it } from '@jest/globals';
import { parseKbCommand } from './kb-command.calc.js';

describe('/kb', () => {
  it.each([
    ['', { sub: 'help' }],
    ['help', { sub: 'help' }],
    ['search restarted pgbouncer', { sub: 'search', q: 'restarted pgbouncer' }],
    ['search "connection pool" -redis', { sub: 'search', q: '"connection pool" -redis' }],
    ['show KB-3', { sub: 'show', ref: 'KB-3' }],
    ['KB-3', { sub: 'show', ref: 'KB-3' }],
    ['pgbouncer timeouts', { sub: 'search', q: 'pgbouncer timeouts' }],
    ['search', { sub: 'usage', message: 'Usage: `/kb search words`' }],
    ['show', { sub: 'usage', message: 'Usage: `/kb show KB-3`' }],
  ])('%j', (text, expected) => {
    expect(parseKbCommand(text)).toEqual(expected);
  });
});
