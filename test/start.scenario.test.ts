/**
 * OpsWatch started by the very function `opswatch start` runs (startOpsWatch, src/main.ts → src/app), every role,
 * against a fake Slack: Alertmanager fires → the worker posts the card → Acknowledge is clicked → the card shows
 * it and the thread says who did it. Nothing is assembled by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INCIDENT_ACTIONS } from '../blocks/ids.js';
import { loadConfig } from '../src/config.js';
import { ALL_ROLES, type Running, startOpsWatch } from '../src/main.js';
import { createLogger } from '../src/shared/logger.js';
import { fixture } from './harness/app.js';
import { createTestDatabase, type TestDatabase } from './harness/db.js';
import { type FakeSlack, startFakeSlack } from './harness/fake-slack.js';
import { type SlackDriver, slackDriver } from './harness/slack-signing.js';

const API_KEY = 'start-test-key-0123456789abcdef';
const SIGNING_SECRET = 'start-test-signing-secret-0123';
const TEAM = 'T0START';

let db: TestDatabase;
let fake: FakeSlack;
let ow: Running;
let slack: SlackDriver;
beforeAll(async () => {
  db = await createTestDatabase();
  fake = await startFakeSlack({ teamId: TEAM });
  fake.addUser({ id: 'U0ALICE', real_name: 'Alice Smith', email: 'alice@example.com' });
  const config = loadConfig({
    DATABASE_URL: db.url,
    PORT: '0',
    HOST: '127.0.0.1',
    OPSWATCH_API_KEY: API_KEY,
    SLACK_BOT_TOKEN: 'xoxb-start-test',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    SLACK_DEFAULT_CHANNEL: 'C0INCIDENTS',
    ENGINE_TICK_SECONDS: '1',
    LOG_LEVEL: 'silent',
  });
  ow = await startOpsWatch(
    config,
    ALL_ROLES,
    createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    undefined,
    {
      worker: { tickSeconds: 1, sweepSeconds: 1, processEverySeconds: 1, lockLifetimeMs: 2_000 },
    },
  );
  slack = slackDriver({
    baseUrl: ow.url,
    signingSecret: SIGNING_SECRET,
    teamId: TEAM,
    userId: 'U0ALICE',
    responseUrlBase: fake.url,
  });
});
afterAll(async () => {
  await ow?.stop();
  await fake?.close();
  await db?.close();
});

describe('opswatch start, every role, with Slack', () => {
  it('posts the card of an Alertmanager alert, and shows who acknowledged it', async () => {
    const res = await fetch(`${ow.url}/api/v1/webhooks/alertmanager`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: fixture('prometheus-rule-firing.json'),
    });
    expect(res.status).toBe(200);
    const post = await fake.waitFor(
      'chat.postMessage',
      (c) => c.ok && c.args.channel === 'C0INCIDENTS',
      10_000,
    );
    expect(String(post.args.text)).toContain('INC-1');
    const card = fake.messages.find((m) => m.channel === 'C0INCIDENTS' && !m.thread_ts);
    const [inc] = (await db.orm.em.fork().getConnection().execute('select id from incidents')) as {
      id: string;
    }[];

    const click = await slack.blockAction(INCIDENT_ACTIONS.acknowledge, inc?.id ?? '', {
      message: { ts: card?.ts ?? '', channel: 'C0INCIDENTS' },
    });
    expect(click.status).toBe(200);
    const update = await fake.waitFor('chat.update', (c) => c.ok && c.args.ts === card?.ts, 10_000);
    expect(String(update.args.text)).toMatch(/Acknowledged/);
    const reply = await fake.waitFor(
      'chat.postMessage',
      (c) => c.ok && c.args.thread_ts === card?.ts,
      10_000,
    );
    expect(reply.args.text).toBe('Alice Smith acknowledged INC-1');
    expect(fake.violations).toEqual([]);
  });
});
