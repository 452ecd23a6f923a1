import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { verifySlackRequest } from '@slack/bolt';
import { ErrorCode, WebClient } from '@slack/web-api';
import { incidentCard } from '../../blocks/incident-card.blocks.js';
import { incidentView, TEST_OPTIONS } from '../../blocks/view-fixtures.js';
import { type FakeSlack, silentSlackLogger, startFakeSlack } from './fake-slack.js';
import { signSlackRequest, slackDriver, stateValue } from './slack-signing.js';

let fake: FakeSlack;
let client: WebClient;

beforeAll(async () => {
  fake = await startFakeSlack();
  client = new WebClient('xoxb-test', {
    slackApiUrl: `${fake.url}/api/`,
    retryConfig: { retries: 0 },
    logger: silentSlackLogger,
  });
});

afterEach(() => {
  fake.reset();
});

afterAll(async () => {
  await fake.close();
});

function platformError(err: unknown): { error?: string; response_metadata?: { messages?: string[] } } {
  return (err as { data?: { error?: string; response_metadata?: { messages?: string[] } } }).data ?? {};
}

describe('fake Slack Web API', () => {
  it('answers chat.postMessage with an increasing ts and records the decoded call', async () => {
    const card = incidentCard(incidentView(), TEST_OPTIONS);
    const first = await client.chat.postMessage({ channel: 'C1', ...card });
    const second = await client.chat.postMessage({ channel: 'C1', text: 'reply', thread_ts: first.ts ?? '' });
    expect(first.ok).toBe(true);
    expect(first.ts).toMatch(/^\d+\.\d{6}$/);
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));
    const [call] = fake.callsTo('chat.postMessage');
    expect(call?.token).toBe('xoxb-test');
    expect(call?.args.channel).toBe('C1');
    expect(call?.args.blocks).toEqual(card.blocks);
    expect(fake.messages.at(-1)).toMatchObject({ channel: 'C1', text: 'reply', thread_ts: first.ts });
    expect(fake.violations).toEqual([]);
  });

  it('keeps messages up to date through chat.update', async () => {
    const posted = await client.chat.postMessage({ channel: 'C2', text: 'v1' });
    const updated = await client.chat.update({ channel: 'C2', ts: posted.ts ?? '', text: 'v2' });
    expect(updated).toMatchObject({ ok: true, channel: 'C2', ts: posted.ts, text: 'v2' });
    expect(fake.messages.find((m) => m.ts === posted.ts)?.history.map((h) => h.text)).toEqual(['v1', 'v2']);
    await expect(client.chat.update({ channel: 'C2', ts: '1.000100', text: 'x' })).rejects.toMatchObject({
      data: { error: 'message_not_found' },
    });
  });

  it('refuses a call without a required argument and records a violation', async () => {
    const err = await client.apiCall('chat.postMessage', { text: 'no channel' }).catch((e: unknown) => e);
    expect(platformError(err).error).toBe('invalid_arguments');
    expect(platformError(err).response_metadata?.messages).toEqual([
      '[ERROR] missing required field: channel',
    ]);
    expect(fake.violations).toMatchObject([{ method: 'chat.postMessage', kind: 'missing_argument' }]);
  });

  it('answers unknown methods with unknown_method', async () => {
    const err = await client.apiCall('chat.postMessages', { channel: 'C1' }).catch((e: unknown) => e);
    expect(platformError(err).error).toBe('unknown_method');
    expect(fake.violations[0]?.kind).toBe('unknown_method');
  });

  it('accepts the methods newer than the spec', async () => {
    const res = await client.apiCall('files.getUploadURLExternal', { filename: 'a.txt', length: 3 });
    expect(res).toMatchObject({ ok: true, file_id: expect.any(String) });
    const app = new WebClient('xapp-1-test', {
      slackApiUrl: fake.apiUrl,
      retryConfig: { retries: 0 },
      logger: silentSlackLogger,
    });
    fake.setConnectionsUrl('ws://127.0.0.1:1234/link');
    await expect(app.apps.connections.open()).resolves.toMatchObject({
      ok: true,
      url: 'ws://127.0.0.1:1234/link',
    });
    expect(fake.violations).toEqual([]);
  });

  it('refuses blocks Slack would refuse', async () => {
    const blocks = [
      { type: 'header' as const, text: { type: 'plain_text' as const, text: 'x'.repeat(151) } },
    ];
    const err = await client.chat.postMessage({ channel: 'C1', text: 't', blocks }).catch((e: unknown) => e);
    expect(platformError(err).error).toBe('invalid_blocks');
    expect(fake.violations[0]).toMatchObject({ kind: 'invalid_blocks' });
  });

  it('answers 429 with Retry-After as programmed', async () => {
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 1, times: 2 });
    const raw = await fetch(`${fake.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: 'Bearer xoxb-test', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'channel=C1&text=hi',
    });
    expect(raw.status).toBe(429);
    expect(raw.headers.get('retry-after')).toBe('1');
    expect(await raw.json()).toEqual({ ok: false, error: 'ratelimited' });

    const strict = new WebClient('xoxb-test', {
      slackApiUrl: fake.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      logger: silentSlackLogger,
    });
    await expect(strict.chat.postMessage({ channel: 'C1', text: 'hi' })).rejects.toMatchObject({
      code: ErrorCode.RateLimitedError,
      retryAfter: 1,
    });
    await expect(strict.chat.postMessage({ channel: 'C1', text: 'hi' })).resolves.toMatchObject({ ok: true });
    expect(fake.callsTo('chat.postMessage').map((c) => c.status)).toEqual([429, 429, 200]);
  });

  it('lets a retrying client honour Retry-After', async () => {
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const patient = new WebClient('xoxb-test', {
      slackApiUrl: fake.apiUrl,
      retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 },
      logger: silentSlackLogger,
    });
    const started = Date.now();
    await expect(patient.chat.postMessage({ channel: 'C1', text: 'hi' })).resolves.toMatchObject({
      ok: true,
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(fake.callsTo('chat.postMessage').map((c) => c.status)).toEqual([429, 200]);
  });

  it('answers programmed Slack errors', async () => {
    fake.failNext('chat.postMessage', { error: 'channel_not_found' });
    await expect(client.chat.postMessage({ channel: 'C404', text: 'x' })).rejects.toMatchObject({
      data: { error: 'channel_not_found' },
    });
    await expect(client.chat.postMessage({ channel: 'C404', text: 'x' })).resolves.toMatchObject({
      ok: true,
    });
  });

  it('cuts the connection before or after carrying a call out, as programmed', async () => {
    fake.failNext('chat.postMessage', { drop: 'after' });
    await expect(client.chat.postMessage({ channel: 'C9', text: 'lost answer' })).rejects.toMatchObject({
      code: ErrorCode.RequestError,
    });
    fake.failNext('chat.postMessage', { drop: 'before' });
    await expect(client.chat.postMessage({ channel: 'C9', text: 'never sent' })).rejects.toMatchObject({
      code: ErrorCode.RequestError,
    });
    expect(fake.messages.filter((m) => m.channel === 'C9').map((m) => m.text)).toEqual(['lost answer']);
    expect(fake.callsTo('chat.postMessage').map((c) => [c.dropped, c.ok])).toEqual([
      ['after', true],
      ['before', false],
    ]);
    await expect(client.chat.postMessage({ channel: 'C9', text: 'fine' })).resolves.toMatchObject({
      ok: true,
    });
  });

  it('fails calls as a plan decides, until the plan is withdrawn', async () => {
    fake.failWith((method, args) =>
      method === 'chat.postMessage' && args.channel === 'C10' ? { status: 500 } : null,
    );
    await expect(client.chat.postMessage({ channel: 'C10', text: 'x' })).rejects.toMatchObject({
      code: ErrorCode.HTTPError,
      statusCode: 500,
    });
    await expect(client.chat.postMessage({ channel: 'C11', text: 'x' })).resolves.toMatchObject({ ok: true });
    fake.failWith(null);
    await expect(client.chat.postMessage({ channel: 'C10', text: 'x' })).resolves.toMatchObject({ ok: true });
  });

  it('goes down with 503s or refused connections, and comes back', async () => {
    await fake.down();
    await expect(client.auth.test()).rejects.toMatchObject({ code: ErrorCode.HTTPError, statusCode: 503 });
    await fake.down('refuse');
    await expect(client.auth.test()).rejects.toMatchObject({ code: ErrorCode.RequestError });
    await fake.up();
    await expect(client.auth.test()).resolves.toMatchObject({
      ok: true,
      user_id: 'U0BOT',
      bot_id: 'B0BOT',
      team_id: 'T0FAKE',
    });
  });

  it('answers users.info, conversations.open and views like Slack', async () => {
    fake.addUser({ id: 'U0ALICE', real_name: 'Alice Doe', email: 'alice@example.com', tz: 'Europe/Berlin' });
    const info = await client.users.info({ user: 'U0ALICE' });
    expect(info.user).toMatchObject({ id: 'U0ALICE', real_name: 'Alice Doe', tz: 'Europe/Berlin' });
    expect(info.user?.profile).toMatchObject({ email: 'alice@example.com', real_name: 'Alice Doe' });
    await expect(client.users.info({ user: 'U0NOBODY' })).rejects.toMatchObject({
      data: { error: 'user_not_found' },
    });
    const dm = await client.conversations.open({ users: 'U0ALICE' });
    expect(dm.channel?.id).toMatch(/^D/);
    const home = await client.views.publish({ user_id: 'U0ALICE', view: { type: 'home', blocks: [] } });
    const again = await client.views.publish({ user_id: 'U0ALICE', view: { type: 'home', blocks: [] } });
    expect(again.view?.id).toBe(home.view?.id);
    const group = await client.usergroups.users.update({ usergroup: 'S1', users: 'U1,U2' });
    expect(group.usergroup?.users).toEqual(['U1', 'U2']);
  });

  it('knows which scopes the recorded calls need', async () => {
    fake.addUser({ id: 'U0BOB' });
    await client.chat.postMessage({ channel: 'C1', text: 'x' });
    await client.users.info({ user: 'U0BOB' });
    await client.views.open({
      trigger_id: 't',
      view: { type: 'modal', title: { type: 'plain_text', text: 'T' }, blocks: [] },
    });
    expect([...fake.requiredScopes()].sort()).toEqual(['chat:write', 'users:read']);
  });

  it('waits for a call', async () => {
    const waiting = fake.waitFor('chat.postMessage', (c) => c.args.channel === 'C9', 2000);
    await client.chat.postMessage({ channel: 'C8', text: 'no' });
    await client.chat.postMessage({ channel: 'C9', text: 'yes' });
    await expect(waiting).resolves.toMatchObject({ args: { text: 'yes' } });
    await expect(fake.waitFor('chat.delete', undefined, 50)).rejects.toThrow(/no matching chat.delete/);
  });
});

describe('signed Slack requests', () => {
  it('signs exactly as Slack does', () => {
    const body = 'token=x&command=%2Fincident';
    const headers = signSlackRequest('secret', body, 1_531_420_618);
    expect(headers['x-slack-request-timestamp']).toBe('1531420618');
    expect(() =>
      verifySlackRequest({
        signingSecret: 'secret',
        body,
        headers: {
          'x-slack-signature': headers['x-slack-signature'],
          'x-slack-request-timestamp': 1_531_420_618,
        },
        nowMilliseconds: 1_531_420_618_000,
      }),
    ).not.toThrow();
  });

  it('drives an app: commands, actions, submissions and events, signed or not', async () => {
    const seen: { headers: IncomingMessage['headers']; body: string }[] = [];
    const server = createServer(async (req, res) => {
      let body = '';
      for await (const chunk of req) body += String(chunk);
      seen.push({ headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const driver = slackDriver({
      baseUrl,
      signingSecret: 's3cret',
      teamId: 'T0FAKE',
      userId: 'U0ALICE',
      responseUrlBase: fake.url,
    });
    try {
      const res = await driver.slashCommand('/incident', 'list');
      expect(res).toMatchObject({ status: 200, body: { ok: true } });
      await driver.blockAction('incident.acknowledge', 'inc-1', {
        message: { ts: '1700000001.000100', channel: 'C1' },
      });
      await driver.blockAction('incident.assign', 'U0BOB', {
        elementType: 'users_select',
        blockId: 'incident.actions:inc-1',
      });
      await driver.viewSubmission(
        'incident.declare_modal',
        { 'declare.title': { v: stateValue.text('Down') } },
        '{}',
      );
      await driver.appHomeOpened();
      await driver.urlVerification('abc', { signature: 'bad' });
      await driver.slashCommand('/incident', 'help', { stale: true });

      const verify = (i: number): void => {
        const s = seen[i];
        if (!s) throw new Error(`request ${i} missing`);
        verifySlackRequest({
          signingSecret: 's3cret',
          body: s.body,
          headers: {
            'x-slack-signature': String(s.headers['x-slack-signature']),
            'x-slack-request-timestamp': Number(s.headers['x-slack-request-timestamp']),
          },
        });
      };
      for (const i of [0, 1, 2, 3, 4]) verify(i);
      expect(() => verify(5)).toThrow();
      expect(() => verify(6)).toThrow();

      const command = new URLSearchParams(seen[0]?.body);
      expect(command.get('command')).toBe('/incident');
      expect(command.get('response_url')).toMatch(new RegExp(`^${fake.url}/response/`));
      const action = JSON.parse(new URLSearchParams(seen[1]?.body).get('payload') ?? '{}');
      expect(action).toMatchObject({
        type: 'block_actions',
        container: { type: 'message', message_ts: '1700000001.000100', channel_id: 'C1' },
        actions: [{ action_id: 'incident.acknowledge', value: 'inc-1', type: 'button' }],
      });
      const select = JSON.parse(new URLSearchParams(seen[2]?.body).get('payload') ?? '{}');
      expect(select.actions[0]).toMatchObject({
        type: 'users_select',
        selected_user: 'U0BOB',
        block_id: 'incident.actions:inc-1',
      });
      const submission = JSON.parse(new URLSearchParams(seen[3]?.body).get('payload') ?? '{}');
      expect(submission.view.state.values['declare.title'].v.value).toBe('Down');
      expect(JSON.parse(seen[4]?.body ?? '{}').event).toMatchObject({
        type: 'app_home_opened',
        tab: 'home',
        user: 'U0ALICE',
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
