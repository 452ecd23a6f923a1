import { describe, expect, it } from '@jest/globals';
import { parseReply } from './reply.calc.js';

describe('SMS replies', () => {
  it.each([
    ['42a', { kind: 'act', action: 'acknowledge', number: 42 }],
    ['42 a', { kind: 'act', action: 'acknowledge', number: 42 }],
    [' 42A ', { kind: 'act', action: 'acknowledge', number: 42 }],
    ["'42c'", { kind: 'act', action: 'resolve', number: 42 }],
    ['#42e', { kind: 'act', action: 'escalate', number: 42 }],
    ['ack 42', { kind: 'act', action: 'acknowledge', number: 42 }],
    ['close 42', { kind: 'act', action: 'resolve', number: 42 }],
    ['escalate INC-42', { kind: 'act', action: 'escalate', number: 42 }],
    ['a', { kind: 'act_only', action: 'acknowledge' }],
    ['E', { kind: 'act_only', action: 'escalate' }],
    ['ack', { kind: 'act_only', action: 'acknowledge' }],
    ['aa', { kind: 'act_all', action: 'acknowledge' }],
    ['cc', { kind: 'act_all', action: 'resolve' }],
    ['STOP', { kind: 'stop' }],
    ['unsubscribe', { kind: 'stop' }],
    ['Start', { kind: 'start' }],
    ['help', { kind: 'help' }],
  ] as const)('%s', (body, expected) => {
    expect(parseReply(body)).toEqual(expected);
  });

  it.each(['42', '42x', 'ack 42 now', 'a42b', 'stop it', 'please ack', '42aa', ''])(
    'near-miss %p is not understood',
    (body) => {
      expect(parseReply(body)).toEqual({ kind: 'unknown' });
    },
  );
});
