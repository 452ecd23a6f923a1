/**
 * The fake Twilio driven by the real `twilio` SDK (`client.api.baseUrl = fake.url`), with a small local receiver in
 * OpsWatch's place behind a "proxy": the fake signs over the public URL (https://opswatch.example.test/…) and
 * sends to the receiver's local address; the receiver checks every signature with `twilio.validateRequest`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import twilio from 'twilio';
import { type FakeTwilio, startFakeTwilio } from './fake-twilio.js';
import { parseForm, readBody, smsSegments } from './fake-twilio-rest.js';
import { parseVoiceDocument, parseXml, runVoiceVerbs, textOf } from './fake-twilio-twiml.js';

const PUBLIC = 'https://opswatch.example.test';
const ALICE = '+15550001001';
const BOB = '+15550001002';

interface Received {
  method: string;
  path: string;
  params: Record<string, string>;
  signature: string | null;
  /** The signature checks out against the public URL (what OpsWatch must check). */
  validPublic: boolean;
  /** … and against the local URL the request really came to (must not, behind a proxy). */
  validLocal: boolean;
}

let fake: FakeTwilio;
let client: twilio.Twilio;
let receiver: Server;
let localUrl = '';
const received: Received[] = [];
/** What the TwiML endpoint answers next, when set (e.g. a 500). */
let voiceOverride: { status: number; body: string } | null = null;

function voiceMenu(id: string): string {
  const r = new twilio.twiml.VoiceResponse();
  const g = r.gather({ numDigits: 1, timeout: 10, action: `${PUBLIC}/twilio/voice/${id}/gather` });
  g.say('INC-42 P1 checkout: card payments fail.');
  g.say('INC-42 P1 checkout: card payments fail.');
  g.say('Press 4 to acknowledge, 5 to escalate, 6 to resolve, star to repeat.');
  r.say('Goodbye.');
  r.hangup();
  return r.toString();
}

function gatherAnswer(id: string, digits: string): string {
  const r = new twilio.twiml.VoiceResponse();
  if (digits === '4') {
    r.say('Acknowledged. Goodbye.');
    r.hangup();
  } else r.redirect(`/twilio/voice/${id}`); // relative: resolved against the public URL
  return r.toString();
}

async function startReceiver(): Promise<void> {
  receiver = createServer((req, res) => {
    void (async () => {
      const u = new URL(req.url ?? '/', 'http://127.0.0.1');
      const params = Object.fromEntries(
        Object.entries(parseForm(await readBody(req))).map(([k, v]) => [k, String(v)]),
      );
      const signature = (req.headers['x-twilio-signature'] as string | undefined) ?? null;
      const signed = req.method === 'GET' ? {} : params;
      const check = (base: string): boolean =>
        signature !== null &&
        twilio.validateRequest(fake.authToken, signature, base + u.pathname + u.search, signed);
      const r: Received = {
        method: req.method ?? '',
        path: u.pathname,
        params: req.method === 'GET' ? Object.fromEntries(u.searchParams) : params,
        signature,
        validPublic: check(PUBLIC),
        validLocal: check(localUrl),
      };
      received.push(r);
      if (!r.validPublic) {
        res.writeHead(403).end();
        return;
      }
      const xml = (body: string, status = 200): void => {
        res.writeHead(status, { 'content-type': 'text/xml' }).end(body);
      };
      const voice = /^\/twilio\/voice\/(\w+)(\/gather)?$/.exec(u.pathname);
      if (voice && voiceOverride) return xml(voiceOverride.body, voiceOverride.status);
      if (voice?.[2]) return xml(gatherAnswer(voice[1]!, r.params.Digits ?? ''));
      if (voice) {
        if (r.params.AnsweredBy?.startsWith('machine')) return xml('<Response><Hangup/></Response>');
        return xml(voiceMenu(voice[1]!));
      }
      if (u.pathname === '/twilio/sms') {
        const m = new twilio.twiml.MessagingResponse();
        m.message(`Acknowledged INC-42 (${r.params.Body}).`);
        return xml(m.toString());
      }
      res.writeHead(204).end();
    })();
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  localUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
}

const cb = `${PUBLIC}/twilio/status`;
const receivedAt = (path: string) => received.filter((r) => r.path === path);
/** Options for a second fake on the same account (the receiver checks signatures with the shared auth token). */
const sameAccount = () => ({
  accountSid: fake.accountSid,
  authToken: fake.authToken,
  publicBaseUrl: PUBLIC,
  deliverTo: localUrl,
});

beforeAll(async () => {
  await startReceiver();
  fake = await startFakeTwilio({ publicBaseUrl: PUBLIC, deliverTo: localUrl });
  client = twilio(fake.accountSid, fake.authToken);
  client.api.baseUrl = fake.url;
});

afterEach(async () => {
  await fake.idle();
  fake.assertNothingUnexpected();
  fake.reset();
  received.length = 0;
  voiceOverride = null;
});

afterAll(async () => {
  await fake?.close();
  await new Promise((r) => receiver?.close(r));
});

/** What the SDK threw (RestException has status and code). */
async function thrown(
  p: Promise<unknown>,
): Promise<{ status?: number; code?: number | string; message: string }> {
  try {
    await p;
  } catch (err) {
    return err as { status?: number; code?: number | string; message: string };
  }
  throw new Error('expected a rejection');
}

describe('Messages.json', () => {
  it('creates an SMS: 201 with Twilio’s shape, then signed sent and delivered callbacks', async () => {
    const msg = await client.messages.create({
      to: ALICE,
      from: fake.fromNumber,
      body: 'INC-42 P1 checkout: card payments fail. Reply 42a to ack.',
      statusCallback: cb,
    });
    expect(msg.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(msg).toMatchObject({
      accountSid: fake.accountSid,
      to: ALICE,
      from: fake.fromNumber,
      status: 'queued',
      direction: 'outbound-api',
      numSegments: '1',
      errorCode: null,
    });
    expect(msg.dateCreated).toBeInstanceOf(Date);
    expect(Number.isNaN(msg.dateCreated.getTime())).toBe(false);

    const sms = await fake.expectSms(ALICE, 'inc-42', 'REPLY 42A');
    expect(sms.sid).toBe(msg.sid);
    expect(sms.statusCallback).toBe(cb);
    await fake.idle();
    expect(sms.statuses).toEqual(['queued', 'sent', 'delivered']);
    const callbacks = receivedAt('/twilio/status');
    expect(callbacks.map((c) => c.params.MessageStatus)).toEqual(['sent', 'delivered']);
    expect(callbacks[1]?.params).toMatchObject({
      MessageSid: msg.sid,
      SmsSid: msg.sid,
      SmsStatus: 'delivered',
      AccountSid: fake.accountSid,
      To: ALICE,
      From: fake.fromNumber,
    });
    expect(callbacks[1]?.params.ErrorCode).toBeUndefined();
    expect(callbacks.every((c) => c.validPublic && !c.validLocal)).toBe(true);
  });

  it('answers snake_case JSON and reads `+` as a space (a hand-made form body)', async () => {
    const res = await fetch(`${fake.url}/2010-04-01/Accounts/${fake.accountSid}/Messages.json`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${fake.accountSid}:${fake.authToken}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: `To=${encodeURIComponent(BOB)}&From=${encodeURIComponent(fake.fromNumber)}&Body=two+words%20here`,
    });
    expect(res.status).toBe(201);
    const json = (await res.json()) as Record<string, unknown>;
    expect(json).toMatchObject({
      account_sid: fake.accountSid,
      body: 'two words here',
      status: 'queued',
      direction: 'outbound-api',
      num_segments: '1',
      error_code: null,
      error_message: null,
      api_version: '2010-04-01',
    });
    expect(json.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(json.date_created).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
    expect(json.uri).toBe(`/2010-04-01/Accounts/${fake.accountSid}/Messages/${json.sid as string}.json`);
    expect((await fake.nextSms(BOB)).body).toBe('two words here');

    const fetched = await client.messages(json.sid as string).fetch();
    expect(fetched.status).toBe('delivered'); // no StatusCallback: the lifecycle still ran
  });

  it('checks Basic auth: a wrong token is a 401 RestException (20003), no auth is a 401 with Twilio’s body', async () => {
    const wrong = twilio(fake.accountSid, 'not-the-token');
    wrong.api.baseUrl = fake.url;
    const err = await thrown(wrong.messages.create({ to: ALICE, from: fake.fromNumber, body: 'x' }));
    expect(err).toBeInstanceOf(twilio.RestException);
    expect(err).toMatchObject({ status: 401, code: 20003 });

    const res = await fetch(`${fake.url}/2010-04-01/Accounts/${fake.accountSid}/Messages.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'To=%2B15550001001&From=%2B15005550006&Body=x',
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      code: 20003,
      message: 'Authenticate',
      more_info: 'https://www.twilio.com/docs/errors/20003',
      status: 401,
    });
    expect(fake.messages).toEqual([]);
    expect(fake.requests.map((r) => r.auth)).toEqual(['wrong', 'missing']);
  });

  it('refuses another account’s path, a From that is not the account’s, a bad To and a relative StatusCallback', async () => {
    const other = await fetch(`${fake.url}/2010-04-01/Accounts/AC${'0'.repeat(32)}/Messages.json`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${fake.accountSid}:${fake.authToken}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'To=%2B15550001001&From=%2B15005550006&Body=x',
    });
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ code: 20404, status: 404 });

    await expect(
      thrown(client.messages.create({ to: ALICE, from: '+15550009999', body: 'x' })),
    ).resolves.toMatchObject({
      status: 400,
      code: 21606,
    });
    await expect(
      thrown(client.messages.create({ to: '5550001', from: fake.fromNumber, body: 'x' })),
    ).resolves.toMatchObject({
      status: 400,
      code: 21211,
    });
    await expect(
      thrown(
        client.messages.create({
          to: ALICE,
          from: fake.fromNumber,
          body: 'x',
          statusCallback: '/twilio/status',
        }),
      ),
    ).resolves.toMatchObject({ status: 400, code: 21609 });
    await expect(
      thrown(client.messages.create({ to: ALICE, from: fake.fromNumber, body: '' })),
    ).resolves.toMatchObject({
      status: 400,
      code: 21602,
    });
    expect(fake.messages).toEqual([]);
  });

  it('rejects a number that texted STOP with 21610 (SMS only: calls still go), and an invalid one with 21211', async () => {
    fake.phone(ALICE).rejectWith(21610);
    fake.phone(BOB).rejectWith(21211);
    const stop = await thrown(
      client.messages.create({ to: ALICE, from: fake.fromNumber, body: 'x', statusCallback: cb }),
    );
    expect(stop).toBeInstanceOf(twilio.RestException);
    expect(stop).toMatchObject({
      status: 400,
      code: 21610,
      message: 'Attempt to send to unsubscribed recipient',
    });
    expect((stop as unknown as { moreInfo: string }).moreInfo).toBe(
      'https://www.twilio.com/docs/errors/21610',
    );
    const invalid = await thrown(client.messages.create({ to: BOB, from: fake.fromNumber, body: 'x' }));
    expect(invalid).toMatchObject({ status: 400, code: 21211 });
    const invalidCall = await thrown(
      client.calls.create({ to: BOB, from: fake.fromNumber, url: `${PUBLIC}/twilio/voice/1` }),
    );
    expect(invalidCall).toMatchObject({ status: 400, code: 21211 });
    expect(fake.messages).toEqual([]);

    const call = await client.calls.create({
      to: ALICE,
      from: fake.fromNumber,
      url: `${PUBLIC}/twilio/voice/1`,
    });
    expect((await fake.nextCall(ALICE)).sid).toBe(call.sid);
  });

  it('fails the next request with 429 (20429) or 500 once, then answers again', async () => {
    fake.phone(ALICE).failNext({ status: 429 });
    fake.failNext({ status: 500, kind: 'sms' });
    const busy = await thrown(client.messages.create({ to: ALICE, from: fake.fromNumber, body: 'one' }));
    expect(busy).toBeInstanceOf(twilio.RestException);
    expect(busy).toMatchObject({ status: 429, code: 20429 });
    const down = await thrown(client.messages.create({ to: ALICE, from: fake.fromNumber, body: 'two' }));
    expect(down).toMatchObject({ status: 500, code: 20500 });
    const ok = await client.messages.create({ to: ALICE, from: fake.fromNumber, body: 'three' });
    expect(ok.status).toBe('queued');
    expect((await fake.nextSms(ALICE)).body).toBe('three');
    expect(fake.requests.map((r) => [r.status, r.outcome])).toEqual([
      [429, 'failed'],
      [500, 'failed'],
      [201, 'created'],
    ]);
  });

  it('hangs (the SDK’s timeout ends it) and drops connections, before or after creating the message', async () => {
    const impatient = twilio(fake.accountSid, fake.authToken, { timeout: 300 });
    impatient.api.baseUrl = fake.url;
    fake.phone(ALICE).hang();
    const timedOut = await thrown(
      impatient.messages.create({ to: ALICE, from: fake.fromNumber, body: 'lost' }),
    );
    expect(timedOut.message).toMatch(/timeout/i);
    expect(fake.requests.at(-1)).toMatchObject({ outcome: 'hung', status: 0, sid: null });

    fake.phone(ALICE).dropConnection();
    const cut = await thrown(client.messages.create({ to: ALICE, from: fake.fromNumber, body: 'cut' }));
    expect(cut.status).toBeUndefined();
    expect(cut.message).toMatch(/socket hang up|ECONNRESET/i);
    expect(fake.messages).toEqual([]);

    fake.phone(ALICE).dropConnection({ after: true });
    const lost = await thrown(
      client.messages.create({
        to: ALICE,
        from: fake.fromNumber,
        body: 'accepted, answer lost',
        statusCallback: cb,
      }),
    );
    expect(lost.message).toMatch(/socket hang up|ECONNRESET/i);
    const sms = await fake.expectSms(ALICE, 'answer lost');
    expect(fake.requests.at(-1)).toMatchObject({ outcome: 'dropped', sid: sms.sid });
    await fake.idle();
    expect(receivedAt('/twilio/status').map((c) => [c.params.MessageSid, c.params.MessageStatus])).toEqual([
      [sms.sid, 'sent'],
      [sms.sid, 'delivered'],
    ]);
  });

  it('ends an SMS undelivered with 30003 (callback with ErrorCode), or by hand when autoDeliver is off', async () => {
    fake.phone(ALICE).undeliver(30003, { times: 1 });
    await client.messages.create({ to: ALICE, from: fake.fromNumber, body: 'first', statusCallback: cb });
    await client.messages.create({ to: ALICE, from: fake.fromNumber, body: 'second', statusCallback: cb });
    const first = await fake.expectSms(ALICE, 'first');
    const second = await fake.expectSms(ALICE, 'second');
    await fake.idle();
    expect(first.statuses).toEqual(['queued', 'sent', 'undelivered']);
    expect(first.errorCode).toBe(30003);
    expect(second.statuses).toEqual(['queued', 'sent', 'delivered']);
    const last = receivedAt('/twilio/status').find(
      (c) => c.params.MessageSid === first.sid && c.params.MessageStatus === 'undelivered',
    );
    expect(last?.params.ErrorCode).toBe('30003');

    const manual = await startFakeTwilio({ ...sameAccount(), autoDeliver: false });
    try {
      const c = twilio(manual.accountSid, manual.authToken);
      c.api.baseUrl = manual.url;
      await c.messages.create({ to: BOB, from: manual.fromNumber, body: 'held', statusCallback: cb });
      const held = await manual.expectSms(BOB, 'held');
      await manual.idle();
      expect(held.statuses).toEqual(['queued']);
      await held.fail(30007);
      expect(held.statuses).toEqual(['queued', 'failed']);
      expect(held.history.at(-1)?.callback?.status).toBe(204);
      expect(manual.webhooks.at(-1)?.params).toMatchObject({ MessageStatus: 'failed', ErrorCode: '30007' });
      await expect(held.deliver()).rejects.toThrow(/already failed/);
    } finally {
      await manual.close();
    }
  });
});

describe('Calls.json and the TwiML conversation', () => {
  const create = (to: string, extra: Record<string, unknown> = {}) =>
    client.calls.create({
      to,
      from: fake.fromNumber,
      url: `${PUBLIC}/twilio/voice/42`,
      statusCallback: cb,
      statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
      ...extra,
    });

  it('rings, is answered, says the incident twice, gathers, and acknowledges on 4', async () => {
    const created = await create(ALICE, { machineDetection: 'Enable' });
    expect(created.sid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(created).toMatchObject({
      status: 'queued',
      direction: 'outbound-api',
      to: ALICE,
      from: fake.fromNumber,
    });

    const call = await fake.nextCall(ALICE);
    expect([...call.events].sort()).toEqual(['answered', 'completed', 'initiated', 'ringing']);
    await call.settled();
    expect(call.status).toBe('ringing');

    const first = await call.answer();
    expect(first.gathering).toBe(true);
    expect(first.said.filter((s) => s.includes('card payments fail'))).toHaveLength(2);
    expect(call.gather).toMatchObject({
      numDigits: 1,
      action: `${PUBLIC}/twilio/voice/42/gather`,
      method: 'POST',
    });

    const ack = await call.press('4');
    expect(ack.text).toBe('Acknowledged. Goodbye.');
    expect(ack.ended).toBe(true);
    expect(call.status).toBe('completed');

    const voice = receivedAt('/twilio/voice/42')[0];
    expect(voice?.params).toMatchObject({
      CallSid: call.sid,
      CallStatus: 'in-progress',
      AnsweredBy: 'human',
      To: ALICE,
    });
    const gather = receivedAt('/twilio/voice/42/gather')[0];
    expect(gather?.params).toMatchObject({ CallSid: call.sid, Digits: '4' });
    const statuses = receivedAt('/twilio/status');
    expect(statuses.map((s) => [s.params.CallStatus, s.params.SequenceNumber])).toEqual([
      ['initiated', '0'],
      ['ringing', '1'],
      ['in-progress', '2'],
      ['completed', '3'],
    ]);
    expect(statuses[3]?.params).toMatchObject({
      Direction: 'outbound-api',
      AnsweredBy: 'human',
      From: fake.fromNumber,
    });
    expect(Number(statuses[3]?.params.CallDuration)).toBeGreaterThanOrEqual(1);
    expect(received.every((r) => r.validPublic && !r.validLocal)).toBe(true);
  });

  it('repeats on * (a relative <Redirect> resolved against the public URL), and expectCall answers to match', async () => {
    await create(BOB);
    const call = await fake.expectCall(BOB, 'INC-42', 'press 4 to acknowledge');
    expect(call.status).toBe('in-progress');
    const again = await call.press('*');
    expect(again.documents.map((d) => d.url)).toEqual([
      `${PUBLIC}/twilio/voice/42/gather`,
      `${PUBLIC}/twilio/voice/42`,
    ]);
    expect(again.gathering).toBe(true);
    expect(again.text).toContain('card payments fail');
    await call.hangUp();
    expect(call.statuses.at(-1)).toBe('completed');
    await expect(call.press('4')).rejects.toThrow(/not waiting for digits/);
  });

  it('sends only `completed` when no events are asked, and ends no-answer / busy with CallDuration 0', async () => {
    await client.calls.create({
      to: ALICE,
      from: fake.fromNumber,
      url: `${PUBLIC}/twilio/voice/7`,
      statusCallback: cb,
    });
    await (await fake.nextCall(ALICE)).noAnswer();
    fake.phone(BOB).callOutcome('busy');
    await create(BOB);
    const busy = await fake.nextCall(BOB);
    await busy.settled();
    expect(busy.status).toBe('busy');
    const statuses = receivedAt('/twilio/status').map((s) => [
      s.params.To,
      s.params.CallStatus,
      s.params.CallDuration,
    ]);
    expect(statuses).toEqual([
      [ALICE, 'no-answer', '0'],
      [BOB, 'initiated', undefined],
      [BOB, 'ringing', undefined],
      [BOB, 'busy', '0'],
    ]);
    expect(receivedAt('/twilio/voice/7')).toEqual([]);
  });

  it('tells voicemail apart with MachineDetection (AnsweredBy on the TwiML request), and completes the call', async () => {
    await create(ALICE, { machineDetection: 'DetectMessageEnd' });
    const call = await fake.nextCall(ALICE);
    const turn = await call.answerByMachine();
    expect(turn.verbs).toEqual(['Hangup']);
    expect(call.answeredBy).toBe('machine_end_beep');
    expect(receivedAt('/twilio/voice/42')[0]?.params.AnsweredBy).toBe('machine_end_beep');
    expect(receivedAt('/twilio/status').at(-1)?.params).toMatchObject({
      CallStatus: 'completed',
      AnsweredBy: 'machine_end_beep',
    });
  });

  it('runs calls on their own with autoCalls (a person answers and the call waits in the Gather)', async () => {
    const auto = await startFakeTwilio({ ...sameAccount(), autoCalls: true });
    try {
      const c = twilio(auto.accountSid, auto.authToken);
      c.api.baseUrl = auto.url;
      await c.calls.create({ to: ALICE, from: auto.fromNumber, url: `${PUBLIC}/twilio/voice/9` });
      const call = await auto.nextCall(ALICE);
      await call.settled();
      expect(call.status).toBe('in-progress');
      expect(call.text).toContain('INC-42 P1 checkout');
      expect((await call.press('4')).text).toContain('Acknowledged');
    } finally {
      await auto.close();
    }
  });

  it('treats a TwiML endpoint that fails as Twilio does (error 11200, the call ends) and records the problem', async () => {
    voiceOverride = { status: 500, body: 'boom' };
    await create(ALICE);
    const call = await fake.nextCall(ALICE);
    const turn = await call.answer();
    expect(turn.error?.code).toBe(11200);
    expect(turn.text).toMatch(/application error/);
    expect(call.status).toBe('completed');
    expect(fake.problems.map((p) => p.what)).toEqual([
      expect.stringMatching(/TwiML error 11200: voice .* HTTP 500/),
    ]);
  });
});

describe('inbound SMS and signatures', () => {
  it('POSTs a signed inbound SMS to the public URL’s local twin; a TwiML <Message> answer is an SMS to expect', async () => {
    const res = await fake.sendSms({ from: ALICE, body: '42a' });
    expect(res.status).toBe(200);
    const hit = receivedAt('/twilio/sms')[0];
    expect(hit?.validPublic).toBe(true);
    expect(hit?.validLocal).toBe(false);
    expect(hit?.params).toMatchObject({
      From: ALICE,
      To: fake.fromNumber,
      Body: '42a',
      AccountSid: fake.accountSid,
      MessageSid: res.sid,
      SmsSid: res.sid,
      NumMedia: '0',
    });
    expect(res.replies.map((r) => [r.to, r.body])).toEqual([[ALICE, 'Acknowledged INC-42 (42a).']]);
    await fake.expectSms(ALICE, 'acknowledged', '42');
  });

  it('forges: a bad, a missing, or a local-URL signature is refused by a receiver that checks the public URL', async () => {
    const params = { From: ALICE, To: fake.fromNumber, Body: '42a', AccountSid: fake.accountSid };
    expect((await fake.forge('/twilio/sms', params)).status).toBe(403);
    expect((await fake.forge('/twilio/sms', params, 'missing')).signature).toBeNull();
    expect(received.at(-1)?.signature).toBeNull();
    expect((await fake.forge('/twilio/sms', params, 'local-url')).status).toBe(403);
    expect(received.at(-1)?.validLocal).toBe(true);
    expect((await fake.sendSms({ from: ALICE, body: '42a', signature: 'bad' })).status).toBe(403);
    expect((await fake.post('/twilio/status', { MessageSid: 'SM1', MessageStatus: 'sent' })).status).toBe(
      204,
    );
    expect(received.map((r) => r.validPublic)).toEqual([false, false, false, false, true]);
  });

  it('signs exactly what getExpectedTwilioSignature gives for the public URL and the parameters', async () => {
    const sent = await fake.post(`${PUBLIC}/twilio/status?step=2`, { CallSid: 'CA1', CallStatus: 'ringing' });
    expect(sent.deliveredTo).toBe(`${localUrl}/twilio/status?step=2`);
    expect(sent.signature).toBe(
      twilio.getExpectedTwilioSignature(fake.authToken, `${PUBLIC}/twilio/status?step=2`, sent.params),
    );
    const again = await fake.resend(sent);
    expect(again.signature).toBe(sent.signature);
    expect(received.filter((r) => r.validPublic)).toHaveLength(2);
  });
});

describe('expectations', () => {
  it('fails on an SMS or call nothing expected, at assertNothingUnexpected and at close; ignore() excuses', async () => {
    const own = await startFakeTwilio(sameAccount());
    const c = twilio(own.accountSid, own.authToken);
    c.api.baseUrl = own.url;
    await c.messages.create({ to: ALICE, from: own.fromNumber, body: 'INC-7 P2 db: replica lag' });
    await c.messages.create({ to: BOB, from: own.fromNumber, body: 'INC-7 P2 db: replica lag' });
    await c.calls.create({ to: BOB, from: own.fromNumber, url: `${PUBLIC}/twilio/voice/7` });
    await own.expectSms(ALICE, 'inc-7');
    expect(() => own.assertNothingUnexpected()).toThrow(
      /2 unexpected:\n {2}unexpected SMS SM\w+ to \+15550001002/,
    );
    await expect(own.expectSms(ALICE, 'inc-7', { timeoutMs: 50 })).rejects.toThrow(
      /nothing unconsumed to \+15550001001/,
    );
    await expect(own.expectSms(BOB, 'inc-8', { timeoutMs: 50 })).rejects.toThrow(
      /unconsumed to \+15550001002: SMS/,
    );
    own.ignore(BOB, 'sms');
    expect(own.unexpected().map((r) => r.kind)).toEqual(['call']);
    await expect(own.close()).rejects.toThrow(
      /the test caused 1 it did not expect:\n {2}unexpected call CA\w+ to \+15550001002/,
    );
  });

  it('with strictWebhooks, close also fails on callbacks OpsWatch refused', async () => {
    const strict = await startFakeTwilio({
      ...sameAccount(),
      authToken: 'another-token',
      strictWebhooks: true,
    });
    const c = twilio(strict.accountSid, strict.authToken);
    c.api.baseUrl = strict.url;
    await c.messages.create({ to: ALICE, from: strict.fromNumber, body: 'x', statusCallback: cb });
    await strict.expectSms(ALICE, 'x');
    await strict.idle();
    expect(strict.webhooks.map((w) => w.status)).toEqual([403, 403]); // the receiver checks the other token
    await expect(strict.close()).rejects.toThrow(/problem: status callback sent → HTTP 403/);
  });

  it('keeps keywords apart: an SMS that matches stays for a later expectation, in arrival order', async () => {
    await client.messages.create({ to: ALICE, from: fake.fromNumber, body: 'INC-1 P1 api: down' });
    await client.messages.create({ to: ALICE, from: fake.fromNumber, body: 'INC-2 P3 web: slow' });
    expect((await fake.expectSms(ALICE, 'inc-2')).body).toBe('INC-2 P3 web: slow');
    expect((await fake.expectSms(ALICE, /INC-\d P1/)).body).toBe('INC-1 P1 api: down');
  });
});

describe('TwiML reading', () => {
  it('parses entities, CDATA and SSML inside <Say>, and refuses malformed XML', () => {
    const doc = parseXml(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Say><prosody rate="slow">P1 &amp; <![CDATA[<checkout>]]></prosody></Say></Response>',
    );
    expect(textOf(doc)).toBe('P1 & <checkout>');
    expect(() => parseXml('<Response><Say>x</Response>')).toThrow(/closes/);
    expect(() => parseXml('<Response>')).toThrow(/not closed/);
  });

  it('stops at a Gather, keeps the verbs after it, and resolves a relative action', () => {
    const step = runVoiceVerbs(
      parseVoiceDocument(
        '<Response><Say loop="2">hi</Say><Gather numDigits="1" action="g"><Say>press</Say></Gather><Hangup/></Response>',
      ),
      'https://x.test/twilio/voice/1',
    );
    expect(step.said).toEqual(['hi', 'hi', 'press']);
    expect(step.gather?.action).toBe('https://x.test/twilio/voice/g');
    expect(step.afterGather.map((v) => v.name)).toEqual(['Hangup']);
  });

  it('counts SMS segments the way Twilio bills them', () => {
    expect(smsSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', segments: 1 });
    expect(smsSegments('a'.repeat(161))).toEqual({ encoding: 'GSM-7', segments: 2 });
    expect(smsSegments(`${'a'.repeat(159)}€`)).toEqual({ encoding: 'GSM-7', segments: 2 });
    expect(smsSegments('ü'.repeat(10))).toEqual({ encoding: 'GSM-7', segments: 1 });
    expect(smsSegments('→'.repeat(70))).toEqual({ encoding: 'UCS-2', segments: 1 });
    expect(smsSegments('→'.repeat(71))).toEqual({ encoding: 'UCS-2', segments: 2 });
  });
});
