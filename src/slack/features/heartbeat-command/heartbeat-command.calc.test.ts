import { describe, expect, it } from '@jest/globals';
import { parseHeartbeatCommand } from './heartbeat-command.calc.js';

describe('/heartbeat parsing', () => {
  it('lists by default, and with list, ls or status', () => {
    for (const text of ['', '  ', 'list', 'LIST', 'ls', 'status'])
      expect(parseHeartbeatCommand(text)).toEqual({ sub: 'list' });
  });
  it('reads help, and keeps anything else to say it was not understood', () => {
    expect(parseHeartbeatCommand('help')).toEqual({ sub: 'help' });
    expect(parseHeartbeatCommand(' Help me ')).toEqual({ sub: 'help' });
    expect(parseHeartbeatCommand('frobnicate now')).toEqual({ sub: 'unknown', text: 'frobnicate now' });
  });
});
