/**
 * A fake Twilio over real HTTP, for the real `twilio` SDK to talk to: `twilio(fake.accountSid, fake.authToken)`
 * then `client.api.baseUrl = fake.url` (OpsWatch: `TWILIO_API_URL`; leave TWILIO_REGION/TWILIO_EDGE unset).
 *
 * - REST: `POST /2010-04-01/Accounts/{AccountSid}/Messages.json` and `Calls.json` (form-encoded, Basic auth),
 *   `GET …/Messages/{sid}.json`, `GET|POST …/Calls/{sid}.json` (Status=canceled|completed), answered as Twilio
 *   answers (201 and the resource in snake_case; errors `{code, message, more_info, status}`).
 * - Back to OpsWatch, signed with `X-Twilio-Signature` over the public URL: SMS and call status callbacks, the
 *   TwiML fetch when a call is answered, gathered digits, inbound SMS (`sendSms`).
 * - Programmable per destination number (`phone(n)`): refusals (21610, 21211), 429/5xx, a request that hangs or
 *   whose connection drops, undelivered SMS, how calls end when nobody drives them.
 * - Expectations like GoAlert's smoke harness: `expectSms(to, ...keywords)` / `expectCall(to, ...keywords)` consume
 *   what they match; `close()` (and `assertNothingUnexpected()`) fails on any SMS or call that no expectation
 *   consumed and no `ignore` covers, so a test that caused a page it did not expect fails.
 *
 * Deterministic by default: an SMS is delivered (sent, delivered callbacks) right after its 201; a call is dialled
 * (initiated, ringing) and then waits for the test (`nextCall(to)`, then `answer()`, `press('4')`, …), unless
 * `autoCalls` or `phone(n).callOutcome(…)` says how it goes.
 *
 * With OpsWatch (the app's local port is only known once it runs):
 *   const tw = await startFakeTwilio({ publicBaseUrl: 'https://opswatch.example.test', now: () => clock.now() });
 *   buildOpsWatch({ …, config: { …tw.env, publicBaseUrl: 'https://opswatch.example.test', … } });
 *   tw.configure({ deliverTo: `http://127.0.0.1:${started.port}` });   // after start
 *   …; await tw.close();   // in afterAll: fails the file on any SMS or call no expectation consumed
 * (or `afterEach(() => tw.assertNothingUnexpected())` to fail the very test).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeCall, FakeSms } from './fake-twilio-records.js';
import {
  basicAuth,
  checkCall,
  checkMessage,
  defaultMessage,
  newSid,
  one,
  type Params,
  parseForm,
  readBody,
  sendJson,
  smsSegments,
  twilioError,
} from './fake-twilio-rest.js';
import { messagesOf } from './fake-twilio-twiml.js';
import { type SignatureMode, type WebhookRecord, Webhooks } from './fake-twilio-webhooks.js';

export type { CallStatus, SmsStatus, StatusChange, VoiceTurn } from './fake-twilio-records.js';
export { FakeCall, FakeSms } from './fake-twilio-records.js';
export type { Params } from './fake-twilio-rest.js';
export { smsSegments } from './fake-twilio-rest.js';
export type { SignatureMode, WebhookKind, WebhookRecord } from './fake-twilio-webhooks.js';

export type Kind = 'sms' | 'call';
/** How a call goes when the fake drives it: `manual` leaves it ringing for the test. */
export type CallOutcome = 'human' | 'machine' | 'no-answer' | 'busy' | 'failed' | 'manual';

export interface FakeTwilioOptions {
  /** Default: `AC` + 32 random hex. */
  accountSid?: string;
  /** Default: 32 random hex. */
  authToken?: string;
  /** The account's number, the only `From` accepted (default +15005550006). */
  fromNumber?: string;
  /** OpsWatch's PUBLIC_BASE_URL: the inbound SMS URL is `${publicBaseUrl}/twilio/sms` unless `smsUrl` says. */
  publicBaseUrl?: string;
  /** The number's inbound SMS webhook (as configured at Twilio). */
  smsUrl?: string;
  /**
   * Where requests for public URLs really go (OpsWatch's local address, e.g. `http://127.0.0.1:PORT`): a URL under
   * `publicBaseUrl` has that prefix replaced (with no publicBaseUrl, its origin). Signatures stay over the
   * public URL, as behind a proxy. A function maps each URL itself.
   */
  deliverTo?: string | ((publicUrl: string) => string);
  /** SMS go sent → delivered on their own right after the 201 (default true). */
  autoDeliver?: boolean;
  /** Calls go this way on their own after initiated/ringing (true: `human`; default: `manual`). */
  autoCalls?: boolean | CallOutcome;
  /** The time written in dates and callbacks (e.g. a manual clock's); default the wall clock. */
  now?: () => Date;
  /** How long the fake waits for OpsWatch to answer one of its requests (Twilio: 15 s). */
  webhookTimeoutMs?: number;
  /** Default wall-time limit of `expectSms`/`expectCall`/`nextCall` (default 5000 ms). */
  waitMs?: number;
  /** `close()` fails on unexpected SMS/calls (default true). */
  checkOnClose?: boolean;
  /** `close()` also fails when OpsWatch did not answer a callback or a TwiML request with 2xx (default false). */
  strictWebhooks?: boolean;
}

/** Every request the REST API got, and what it answered. */
export interface FakeRestRequest {
  method: string;
  path: string;
  resource: 'Messages' | 'Calls' | null;
  params: Params;
  to: string | null;
  auth: 'ok' | 'missing' | 'wrong';
  /** 0: never answered (`hang`) or cut (`dropConnection`). */
  status: number;
  code: number | null;
  outcome: 'created' | 'refused' | 'failed' | 'hung' | 'dropped' | 'fetched' | 'updated';
  /** The message or call created (also when the answer was then lost). */
  sid: string | null;
  at: Date;
}

export interface Problem {
  what: string;
  sid: string | null;
  at: Date;
}

export interface PhoneControl {
  readonly number: string;
  /**
   * Every later create to this number is refused with `code` (HTTP 400 unless `status`), until `reset()`.
   * 21610 (the person texted STOP) refuses SMS only, like Twilio; other codes refuse SMS and calls unless `kind`.
   */
  rejectWith(code: number, opts?: { status?: number; message?: string; kind?: Kind | 'any' }): PhoneControl;
  /** The next create(s) fail with this HTTP status (429 → code 20429, 5xx → 20500/20503 unless `code`). */
  failNext(failure: {
    status: number;
    code?: number;
    message?: string;
    times?: number;
    kind?: Kind;
  }): PhoneControl;
  /**
   * The next create(s) are never answered (the caller's timeout ends them). `after`: the message or call is
   * created first (Twilio accepted it; the caller never hears so), and its callbacks follow once the caller has
   * given up (the connection closed).
   */
  hang(opts?: { after?: boolean; times?: number; kind?: Kind }): PhoneControl;
  /** The next create(s) have their connection cut instead of an answer; `after` as for `hang`. */
  dropConnection(opts?: { after?: boolean; times?: number; kind?: Kind }): PhoneControl;
  /**
   * SMS to this number end `undelivered` with `code` (default 30003) instead of delivered (`failed: true`: `failed`
   * without being sent); `times` limits it to the next ones.
   */
  undeliver(code?: number, opts?: { times?: number; failed?: boolean }): PhoneControl;
  /** How calls to this number go on their own (null: as the fake's `autoCalls`). */
  callOutcome(outcome: CallOutcome | null): PhoneControl;
  /** Forgets everything programmed for this number. */
  reset(): PhoneControl;
}

export interface InboundSms {
  from: string;
  body: string;
  /** Default the fake's number. */
  to?: string;
  /** Default the configured inbound SMS URL. */
  url?: string;
  signature?: SignatureMode;
  /** Extra parameters (e.g. `NumMedia`, `MediaUrl0`). */
  extra?: Record<string, string>;
}

export interface InboundResult {
  status: number;
  text: string;
  contentType: string;
  /** The MessageSid of the inbound SMS. */
  sid: string;
  /** SMS that OpsWatch's TwiML answer sends back (`<Message>`); they must be expected like any other. */
  replies: FakeSms[];
  webhook: WebhookRecord;
}

type Keyword = string | RegExp;
export interface WaitOptions {
  timeoutMs?: number;
}
type ExpectArgs = (Keyword | WaitOptions)[];

export interface FakeTwilio {
  /** `http://127.0.0.1:PORT`: the SDK's `api.baseUrl`, OpsWatch's TWILIO_API_URL. */
  readonly url: string;
  readonly accountSid: string;
  readonly authToken: string;
  readonly fromNumber: string;
  /** Every REST request, in order. */
  readonly requests: FakeRestRequest[];
  /** Every SMS accepted (and every TwiML `<Message>` reply), in order. */
  readonly messages: FakeSms[];
  /** Every call accepted, in order. */
  readonly calls: FakeCall[];
  /** Every request the fake made to OpsWatch. */
  readonly webhooks: WebhookRecord[];
  /** Requests OpsWatch did not answer with 2xx, TwiML it sent that Twilio would not understand. */
  readonly problems: Problem[];
  /** The config keys OpsWatch reads. */
  readonly env: {
    TWILIO_ACCOUNT_SID: string;
    TWILIO_AUTH_TOKEN: string;
    TWILIO_FROM_NUMBER: string;
    TWILIO_API_URL: string;
  };
  /** Sets what is only known once OpsWatch runs (its local address). */
  configure(opts: Pick<FakeTwilioOptions, 'publicBaseUrl' | 'smsUrl' | 'deliverTo'>): void;
  /** Programs the behaviour for one destination number. */
  phone(number: string): PhoneControl;
  /** The next create(s), to any number, fail this way. */
  failNext(failure: { status: number; code?: number; message?: string; times?: number; kind?: Kind }): void;

  /** Waits for an unconsumed SMS to `to` whose body has every keyword (case-insensitive), and consumes it. */
  expectSms(to: string, ...args: ExpectArgs): Promise<FakeSms>;
  /** The next unconsumed SMS to `to`, whatever it says (consumed). */
  nextSms(to: string, opts?: WaitOptions): Promise<FakeSms>;
  /**
   * Waits for an unconsumed call to `to` and consumes it. With keywords, a ringing call is answered (by a person)
   * and what it said must have every keyword.
   */
  expectCall(to: string, ...args: ExpectArgs): Promise<FakeCall>;
  /** The next unconsumed call to `to`, left as it is (ringing, in manual mode) for the test to drive; consumed. */
  nextCall(to: string, opts?: WaitOptions): Promise<FakeCall>;
  /** Leaves SMS and/or calls (to one number, or any) out of the "nothing unexpected" check. */
  ignore(to?: string, kind?: Kind): void;
  /** SMS and calls no expectation consumed and no `ignore` covers. */
  unexpected(): (FakeSms | FakeCall)[];
  assertNothingUnexpected(): void;
  /** Resolves once every callback and TwiML exchange started so far has finished. */
  idle(): Promise<void>;

  /** An inbound SMS from a person, POSTed (signed) to the inbound SMS URL; OpsWatch's answer. */
  sendSms(sms: InboundSms): Promise<InboundResult>;
  /** POSTs any parameters to a URL (or a path under publicBaseUrl), signed as `signature` says (default valid). */
  post(
    urlOrPath: string,
    params: Record<string, string>,
    opts?: { signature?: SignatureMode; method?: 'GET' | 'POST' },
  ): Promise<WebhookRecord>;
  /** The same with a bad signature (or `missing`, or `local-url`). */
  forge(
    urlOrPath: string,
    params: Record<string, string>,
    how?: Exclude<SignatureMode, 'valid'>,
  ): Promise<WebhookRecord>;
  /** Sends a request the fake made again, as it was (Twilio may deliver a callback twice). */
  resend(record: WebhookRecord): Promise<WebhookRecord>;

  /** Forgets requests, SMS, calls, webhooks, problems, ignores and what the phones were programmed with. */
  reset(): void;
  /** Stops; fails (after stopping) when SMS or calls were unexpected, unless `check: false`. */
  close(opts?: { check?: boolean }): Promise<void>;
}

interface OneShot {
  kind: Kind | null;
  times: number;
  action:
    | { type: 'fail'; status: number; code: number; message: string | null }
    | { type: 'hang' | 'drop'; after: boolean };
}

interface Program {
  reject: Partial<Record<Kind, { status: number; code: number; message: string | null }>>;
  undeliver: { code: number; failed: boolean; times: number | null } | null;
  callOutcome: CallOutcome | null;
  queue: OneShot[];
}

const newProgram = (): Program => ({ reject: {}, undeliver: null, callOutcome: null, queue: [] });

const codeForStatus = (status: number): number =>
  status === 429 ? 20429 : status === 503 ? 20503 : status === 401 ? 20003 : status === 404 ? 20404 : 20500;

const REST_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/(Messages|Calls)(?:\/([^/]+))?\.json$/;

const describe = (r: FakeSms | FakeCall): string =>
  r.kind === 'sms'
    ? `SMS ${r.sid} to ${r.to}: ${JSON.stringify(r.body)}`
    : `call ${r.sid} to ${r.to} (${r.status})${r.said.length ? `: ${JSON.stringify(r.text)}` : ''}`;

function splitArgs(args: ExpectArgs): { keywords: Keyword[]; opts: WaitOptions } {
  const keywords: Keyword[] = [];
  let opts: WaitOptions = {};
  for (const a of args) {
    if (typeof a === 'string' || a instanceof RegExp) keywords.push(a);
    else opts = a;
  }
  return { keywords, opts };
}

const hasAll = (text: string, keywords: Keyword[]): boolean =>
  keywords.every((k) =>
    typeof k === 'string' ? text.toLowerCase().includes(k.toLowerCase()) : k.test(text),
  );

export async function startFakeTwilio(options: FakeTwilioOptions = {}): Promise<FakeTwilio> {
  const accountSid = options.accountSid ?? newSid('AC');
  const authToken = options.authToken ?? newSid('AC').slice(2);
  const fromNumber = options.fromNumber ?? '+15005550006';
  const now = options.now ?? (() => new Date());
  const waitMs = options.waitMs ?? 5000;
  let publicBaseUrl = options.publicBaseUrl?.replace(/\/+$/, '') ?? null;
  let smsUrl = options.smsUrl ?? null;
  let deliverTo = options.deliverTo ?? null;
  const aborter = new AbortController();
  let closed = false;

  const requests: FakeRestRequest[] = [];
  const messages: FakeSms[] = [];
  const calls: FakeCall[] = [];
  const problems: Problem[] = [];
  const programs = new Map<string, Program>();
  const ignores: { to: string | null; kind: Kind | null }[] = [];
  const listeners = new Set<() => void>();
  const notify = (): void => {
    for (const l of [...listeners]) l();
  };

  const route = (publicUrl: string): string => {
    if (!deliverTo) return publicUrl;
    if (typeof deliverTo === 'function') return deliverTo(publicUrl);
    const target = deliverTo.replace(/\/+$/, '');
    if (publicBaseUrl) {
      return publicUrl.startsWith(publicBaseUrl) ? target + publicUrl.slice(publicBaseUrl.length) : publicUrl;
    }
    const u = new URL(publicUrl);
    return target + u.pathname + u.search;
  };
  const webhooks = new Webhooks({
    authToken,
    route,
    timeoutMs: options.webhookTimeoutMs ?? 15_000,
    signal: aborter.signal,
    now,
  });
  const problem = (what: string, sid: string | null): void => {
    problems.push({ what, sid, at: now() });
  };
  const ctx = { accountSid, webhooks, now, problem };

  const program = (n: string): Program => {
    let p = programs.get(n);
    if (!p) {
      p = newProgram();
      programs.set(n, p);
    }
    return p;
  };
  /** The one-shot failure for this create: the number's first, then any number's. */
  const takeOneShot = (to: string | null, kind: Kind): OneShot['action'] | null => {
    for (const key of [to ?? '', '*']) {
      const queue = programs.get(key)?.queue ?? [];
      const i = queue.findIndex((q) => q.kind === null || q.kind === kind);
      if (i < 0) continue;
      const q = queue[i]!;
      if (--q.times <= 0) queue.splice(i, 1);
      return q.action;
    }
    return null;
  };
  const queueFailure = (
    key: string,
    f: { status: number; code?: number; message?: string; times?: number; kind?: Kind },
  ): void => {
    program(key).queue.push({
      kind: f.kind ?? null,
      times: f.times ?? 1,
      action: {
        type: 'fail',
        status: f.status,
        code: f.code ?? codeForStatus(f.status),
        message: f.message ?? null,
      },
    });
  };

  // ---- REST ----------------------------------------------------------------------------------------------

  const afterAnswer = (res: ServerResponse): Promise<void> =>
    new Promise((resolve) => {
      if (res.writableFinished || res.destroyed) return resolve();
      res.once('finish', resolve);
      res.once('close', resolve);
    });

  const create = (kind: Kind, params: Params, answered: Promise<void>): FakeSms | FakeCall => {
    const at = now();
    const to = one(params, 'To') ?? '';
    if (kind === 'sms') {
      const sms = new FakeSms(ctx, newSid('SM'), params, at, 'rest');
      messages.push(sms);
      sms.hold(answered);
      const p = programs.get(to);
      const undeliver = p?.undeliver ?? null;
      if (undeliver) {
        if (undeliver.times !== null && --undeliver.times <= 0) p!.undeliver = null;
        const done = undeliver.failed ? sms.fail(undeliver.code) : sms.undeliver(undeliver.code);
        done.catch((err: unknown) => problem(String(err), sms.sid));
      } else if (options.autoDeliver ?? true) {
        sms.deliver().catch((err: unknown) => problem(String(err), sms.sid));
      }
      notify();
      return sms;
    }
    const call = new FakeCall(ctx, newSid('CA'), params, at);
    calls.push(call);
    call.hold(answered);
    call.dial().catch((err: unknown) => problem(String(err), call.sid));
    const auto = options.autoCalls === true ? 'human' : options.autoCalls || 'manual';
    const outcome = programs.get(to)?.callOutcome ?? programs.get('*')?.callOutcome ?? auto;
    const drive: Record<CallOutcome, (() => Promise<unknown>) | null> = {
      human: () => call.answer(),
      machine: () => call.answerByMachine(),
      'no-answer': () => call.noAnswer(),
      busy: () => call.busy(),
      failed: () => call.fail(),
      manual: null,
    };
    drive[outcome]?.().catch((err: unknown) => problem(String(err), call.sid));
    notify();
    return call;
  };

  const handleRest = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const at = now();
    const body = await readBody(req);
    const form = String(req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded');
    const params = req.method === 'POST' && form ? parseForm(body) : {};
    const m = REST_PATH.exec(url.pathname);
    const resource = (m?.[2] as 'Messages' | 'Calls' | undefined) ?? null;
    const to = one(params, 'To') ?? null;
    const creds = basicAuth(req);
    const auth = !creds
      ? 'missing'
      : creds.user === accountSid && creds.password === authToken
        ? 'ok'
        : 'wrong';
    const entry: FakeRestRequest = {
      method: req.method ?? '',
      path: url.pathname,
      resource,
      params,
      to,
      auth,
      status: 0,
      code: null,
      outcome: 'refused',
      sid: null,
      at,
    };
    requests.push(entry);
    const answerError = (status: number, code: number, message: string): void => {
      entry.status = status;
      entry.code = code;
      const headers: Record<string, string> =
        status === 401 ? { 'www-authenticate': 'Basic realm="Twilio API"' } : {};
      sendJson(res, status, twilioError(status, code, message), headers);
    };
    if (auth !== 'ok') return answerError(401, 20003, 'Authenticate');
    if (!m || m[1] !== accountSid) {
      return answerError(404, 20404, `The requested resource ${url.pathname} was not found`);
    }
    const kind: Kind = resource === 'Messages' ? 'sms' : 'call';
    const sid = m[3];
    if (sid) {
      const found = (kind === 'sms' ? messages : calls).find((r) => r.sid === sid);
      if (!found) return answerError(404, 20404, `The requested resource ${url.pathname} was not found`);
      entry.sid = sid;
      if (req.method === 'GET') {
        entry.outcome = 'fetched';
        entry.status = 200;
        return sendJson(res, 200, found.toJSON());
      }
      if (req.method === 'POST' && found.kind === 'call') {
        const status = one(params, 'Status');
        if (status !== 'canceled' && status !== 'completed') {
          return answerError(400, 20001, 'Only Status=canceled|completed updates are supported by the fake');
        }
        await found.cancel(status);
        entry.outcome = 'updated';
        entry.status = 200;
        return sendJson(res, 200, found.toJSON());
      }
      return answerError(405, 20004, 'Method not allowed');
    }
    if (req.method !== 'POST') return answerError(405, 20004, 'Method not allowed');

    const shot = takeOneShot(to, kind);
    if (shot?.type === 'fail') {
      entry.outcome = 'failed';
      const headers: Record<string, string> =
        shot.status === 429 ? { 'twilio-concurrent-requests': '2' } : {};
      entry.status = shot.status;
      entry.code = shot.code;
      sendJson(
        res,
        shot.status,
        twilioError(shot.status, shot.code, shot.message ?? defaultMessage(shot.code, to ?? '')),
        headers,
      );
      return;
    }
    if (shot && !shot.after) {
      entry.outcome = shot.type === 'hang' ? 'hung' : 'dropped';
      if (shot.type === 'drop') req.socket.destroy();
      return; // a hung request is left open; close() cuts it
    }
    const refusal = kind === 'sms' ? checkMessage(params, fromNumber) : checkCall(params, fromNumber);
    if (refusal) return answerError(refusal.status, refusal.code, refusal.message);
    const rejected = to ? programs.get(to)?.reject[kind] : undefined;
    if (rejected) {
      return answerError(
        rejected.status,
        rejected.code,
        rejected.message ?? defaultMessage(rejected.code, to ?? ''),
      );
    }
    const record = create(kind, params, afterAnswer(res));
    entry.sid = record.sid;
    if (shot) {
      entry.outcome = shot.type === 'hang' ? 'hung' : 'dropped';
      if (shot.type === 'drop') req.socket.destroy();
      return;
    }
    entry.outcome = 'created';
    entry.status = 201;
    sendJson(res, 201, record.toJSON());
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    handleRest(req, res, url).catch((err: unknown) => {
      problem(`REST ${req.method} ${url.pathname}: ${String(err)}`, null);
      if (!res.headersSent) sendJson(res, 500, twilioError(500, 20500, 'Internal Server Error'));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  // ---- expectations --------------------------------------------------------------------------------------

  const waitFor = async <T>(
    what: () => string,
    probe: () => Promise<T | null>,
    timeoutMs: number,
  ): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (closed) throw new Error(`fake Twilio closed while waiting for ${what()}`);
      const got = await probe();
      if (got !== null) return got;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`fake Twilio: timed out after ${timeoutMs} ms waiting for ${what()}`);
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          listeners.delete(done);
          resolve();
        };
        const timer = setTimeout(done, left);
        listeners.add(done);
      });
    }
  };
  const open = <R extends FakeSms | FakeCall>(list: R[], to: string): R[] =>
    list.filter((r) => r.to === to && !r.consumed);
  const pending = (to: string): string => {
    const left = [...open(messages, to), ...open(calls, to)].map(describe);
    return left.length ? ` (unconsumed to ${to}: ${left.join('; ')})` : ` (nothing unconsumed to ${to})`;
  };

  const expectSms = (to: string, ...args: ExpectArgs): Promise<FakeSms> => {
    const { keywords, opts } = splitArgs(args);
    const what = (): string =>
      `an SMS to ${to} with ${keywords.map(String).join(', ') || 'anything'}${pending(to)}`;
    return waitFor(
      what,
      async () => {
        const found = open(messages, to).find((s) => hasAll(s.body, keywords));
        if (!found) return null;
        found.consumed = true;
        return found;
      },
      opts.timeoutMs ?? waitMs,
    );
  };
  const expectCall = (to: string, ...args: ExpectArgs): Promise<FakeCall> => {
    const { keywords, opts } = splitArgs(args);
    const what = (): string =>
      `a call to ${to}${keywords.length ? ` saying ${keywords.map(String).join(', ')}` : ''}${pending(to)}`;
    return waitFor(
      what,
      async () => {
        for (const call of open(calls, to)) {
          if (keywords.length) {
            await call.settled();
            if (call.status === 'initiated' || call.status === 'ringing') await call.answer();
            if (!hasAll(call.text, keywords)) continue;
          }
          if (call.consumed) continue; // another expectation took it while this one waited
          call.consumed = true;
          return call;
        }
        return null;
      },
      opts.timeoutMs ?? waitMs,
    );
  };

  const isIgnored = (r: FakeSms | FakeCall): boolean =>
    r.ignored ||
    ignores.some((i) => (i.to === null || i.to === r.to) && (i.kind === null || i.kind === r.kind));
  const unexpected = (): (FakeSms | FakeCall)[] =>
    [...messages, ...calls]
      .filter((r) => !r.consumed && !isIgnored(r))
      .sort((a, b) => a.at.getTime() - b.at.getTime());
  const failures = (): string[] => {
    const out = unexpected().map((r) => `unexpected ${describe(r)}`);
    if (options.strictWebhooks)
      out.push(...problems.map((p) => `problem: ${p.what}${p.sid ? ` (${p.sid})` : ''}`));
    return out;
  };

  const idle = async (): Promise<void> => {
    for (;;) {
      const records = [...messages, ...calls];
      await Promise.all(records.map((r) => r.settled()));
      if (records.length === messages.length + calls.length) return;
    }
  };

  const sendSms = async (sms: InboundSms): Promise<InboundResult> => {
    const target = sms.url ?? smsUrl ?? (publicBaseUrl ? `${publicBaseUrl}/twilio/sms` : null);
    if (!target) throw new Error('fake Twilio: no inbound SMS URL (set publicBaseUrl or smsUrl)');
    const sid = newSid('SM');
    const to = sms.to ?? fromNumber;
    const params: Record<string, string> = {
      ToCountry: 'US',
      ToState: '',
      SmsMessageSid: sid,
      NumMedia: '0',
      ToCity: '',
      FromZip: '',
      SmsSid: sid,
      FromState: '',
      SmsStatus: 'received',
      FromCity: '',
      Body: sms.body,
      FromCountry: 'US',
      To: to,
      ToZip: '',
      NumSegments: String(smsSegments(sms.body).segments),
      MessageSid: sid,
      AccountSid: accountSid,
      From: sms.from,
      ApiVersion: '2010-04-01',
      ...sms.extra,
    };
    const webhook = await webhooks.send('inbound-sms', target, params, {
      signature: sms.signature ?? 'valid',
      sid,
    });
    const replies: FakeSms[] = [];
    if (webhook.status >= 200 && webhook.status < 300 && webhook.text.trim().startsWith('<')) {
      for (const m of messagesOf(webhook.text)) {
        const reply = new FakeSms(
          ctx,
          newSid('SM'),
          { To: m.to ?? sms.from, From: to, Body: m.body },
          now(),
          'twiml',
        );
        messages.push(reply);
        replies.push(reply);
      }
      if (replies.length) notify();
    }
    return {
      status: webhook.status,
      text: webhook.text,
      contentType: webhook.contentType,
      sid,
      replies,
      webhook,
    };
  };

  const absolute = (urlOrPath: string): string => {
    if (/^https?:\/\//.test(urlOrPath)) return urlOrPath;
    if (!publicBaseUrl) throw new Error(`fake Twilio: ${urlOrPath} is a path and there is no publicBaseUrl`);
    return publicBaseUrl + (urlOrPath.startsWith('/') ? '' : '/') + urlOrPath;
  };

  const phone = (n: string): PhoneControl => {
    const control: PhoneControl = {
      number: n,
      rejectWith(code, o = {}) {
        const kinds: Kind[] =
          o.kind === 'sms' || o.kind === 'call'
            ? [o.kind]
            : o.kind === 'any' || code !== 21610
              ? ['sms', 'call']
              : ['sms'];
        for (const k of kinds)
          program(n).reject[k] = { status: o.status ?? 400, code, message: o.message ?? null };
        return control;
      },
      failNext(f) {
        queueFailure(n, f);
        return control;
      },
      hang(o = {}) {
        program(n).queue.push({
          kind: o.kind ?? null,
          times: o.times ?? 1,
          action: { type: 'hang', after: o.after ?? false },
        });
        return control;
      },
      dropConnection(o = {}) {
        program(n).queue.push({
          kind: o.kind ?? null,
          times: o.times ?? 1,
          action: { type: 'drop', after: o.after ?? false },
        });
        return control;
      },
      undeliver(code = 30003, o = {}) {
        program(n).undeliver = { code, failed: o.failed ?? false, times: o.times ?? null };
        return control;
      },
      callOutcome(outcome) {
        program(n).callOutcome = outcome;
        return control;
      },
      reset() {
        programs.delete(n);
        return control;
      },
    };
    return control;
  };

  return {
    url,
    accountSid,
    authToken,
    fromNumber,
    requests,
    messages,
    calls,
    webhooks: webhooks.records,
    problems,
    env: {
      TWILIO_ACCOUNT_SID: accountSid,
      TWILIO_AUTH_TOKEN: authToken,
      TWILIO_FROM_NUMBER: fromNumber,
      TWILIO_API_URL: url,
    },
    configure(o) {
      if (o.publicBaseUrl !== undefined) publicBaseUrl = o.publicBaseUrl.replace(/\/+$/, '');
      if (o.smsUrl !== undefined) smsUrl = o.smsUrl;
      if (o.deliverTo !== undefined) deliverTo = o.deliverTo;
    },
    phone,
    failNext: (f) => queueFailure('*', f),

    expectSms,
    nextSms: (to, opts = {}) => expectSms(to, opts),
    expectCall,
    nextCall: (to, opts = {}) => expectCall(to, opts),
    ignore(to, kind) {
      ignores.push({ to: to ?? null, kind: kind ?? null });
      for (const r of [...messages, ...calls]) if (isIgnored(r)) r.ignored = true;
    },
    unexpected,
    assertNothingUnexpected() {
      const f = failures();
      if (f.length) throw new Error(`fake Twilio: ${f.length} unexpected:\n  ${f.join('\n  ')}`);
    },
    idle,

    sendSms,
    post: (urlOrPath, params, o = {}) =>
      webhooks.send('post', absolute(urlOrPath), params, {
        signature: o.signature ?? 'valid',
        method: o.method ?? 'POST',
      }),
    forge: (urlOrPath, params, how = 'bad') =>
      webhooks.send('forged', absolute(urlOrPath), params, { signature: how }),
    resend(record) {
      return webhooks.send(record.kind, record.publicUrl, record.params, {
        method: record.method,
        signature: record.signatureMode,
        sid: record.sid,
      });
    },

    reset() {
      requests.length = 0;
      messages.length = 0;
      calls.length = 0;
      webhooks.records.length = 0;
      problems.length = 0;
      ignores.length = 0;
      programs.clear();
    },
    async close(opts = {}) {
      const check = opts.check ?? options.checkOnClose ?? true;
      const found = check ? failures() : [];
      closed = true;
      aborter.abort();
      notify();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      if (found.length) {
        throw new Error(
          `fake Twilio: the test caused ${found.length} it did not expect:\n  ${found.join('\n  ')}`,
        );
      }
    },
  };
}
