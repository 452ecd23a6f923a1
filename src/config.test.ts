import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './config.js';

describe('configuration', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      PORT: 3000,
      HOST: '0.0.0.0',
      OPSWATCH_DATA_DIR: './data',
      ENGINE_TICK_SECONDS: 5,
      LOG_LEVEL: 'info',
    });
    expect(c.publicBaseUrl).toBe('http://localhost:3000');
    expect(c.slackEnabled).toBe(false);
  });

  it('lists every bad value with the variable, the value and what was expected', () => {
    let err: unknown;
    try {
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'not a url', OPSWATCH_API_KEY: 'short' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    expect(problems).toHaveLength(4);
    expect(problems.find((p) => p.startsWith('PORT="eighty"'))).toBeDefined();
    expect(problems.find((p) => p.startsWith('LOG_LEVEL="loud"'))).toBeDefined();
    expect(problems.find((p) => p.startsWith('DATABASE_URL="not a url"'))).toMatch(/PostgreSQL URL/);
    expect(problems.find((p) => p.startsWith('OPSWATCH_API_KEY="short"'))).toMatch(/16 characters/);
  });

  it('turns Slack on with a bot token and a signing secret, and asks for the pair', () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' }).slackEnabled).toBe(true);
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }).slackEnabled).toBe(true);
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(ConfigError);
  });
});
