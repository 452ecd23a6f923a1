import { describe, expect, it } from '@jest/globals';
import { parseSlaCommand } from './sla-command.calc.js';

describe('/sla parsing', () => {
  it('lists every SLA by default, one service’s when named, help on help', () => {
    expect(parseSlaCommand('')).toEqual({ sub: 'list', service: null });
    expect(parseSlaCommand(' list ')).toEqual({ sub: 'list', service: null });
    expect(parseSlaCommand('checkout')).toEqual({ sub: 'list', service: 'checkout' });
    expect(parseSlaCommand('Help')).toEqual({ sub: 'help' });
  });
});
