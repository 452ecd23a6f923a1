import { describe, expect, it } from '@jest/globals';
import { parseSilenceCommand } from './silence-command.calc.js';

describe('/silence', () => {
  it('reads matchers, a duration and a reason', () => {
    expect(parseSilenceCommand('service=checkout 2h deploy of v42')).toEqual({
      sub: 'create',
      matchers: [{ name: 'service', op: '=', value: 'checkout' }],
      durationMs: 7_200_000,
      reason: 'deploy of v42',
    });
    expect(parseSilenceCommand('service="checkout" alertname=~"High .*" 30m load test')).toMatchObject({
      matchers: [
        { name: 'service', op: '=', value: 'checkout' },
        { name: 'alertname', op: '=~', value: 'High .*' },
      ],
      durationMs: 1_800_000,
    });
    expect(parseSilenceCommand('env!=prod,service=~"api|web" 1d quiet')).toMatchObject({ sub: 'create' });
  });

  it('knows list, expire and help', () => {
    expect(parseSilenceCommand('')).toEqual({ sub: 'help' });
    expect(parseSilenceCommand('help')).toEqual({ sub: 'help' });
    expect(parseSilenceCommand('list')).toEqual({ sub: 'list' });
    expect(parseSilenceCommand('expire abc')).toEqual({ sub: 'expire', id: 'abc' });
  });

  it('says how to use it when something is missing', () => {
    expect(parseSilenceCommand('service=checkout deploy')).toMatchObject({ sub: 'usage' });
    expect(parseSilenceCommand('service=checkout 2h')).toMatchObject({ sub: 'usage' });
    expect(parseSilenceCommand('2h deploy')).toMatchObject({ sub: 'usage' });
    expect(parseSilenceCommand('service="checkout 2h deploy')).toMatchObject({ sub: 'usage' });
  });
});
