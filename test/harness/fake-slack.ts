/**
 * A fake Slack Web API over real HTTP, for the real `@slack/web-api` client (and Bolt) to talk to:
 * `new WebClient(token, { slackApiUrl: fake.url + '/api/' })`. Every call is checked against Slack's published
 * OpenAPI description, recorded, and answered the way Slack answers.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Logger, LogLevel } from '@slack/web-api';
import type { FakeChannels } from './fake-slack-channels.js';
import { type FailurePlan, type FailureSpec, FakeSlackFailures } from './fake-slack-failures.js';
import { parseArgs, readBody, readBytes, send, type ViolationKind, validateCall } from './fake-slack-http.js';
import {
  type Args,
  type FakeMessage,
  FakeSlackState,
  type FakeUser,
  type FakeViewRecord,
} from './fake-slack-methods.js';
import { loadSlackSpec } from './fake-slack-openapi.js';

export type { FakeChannel } from './fake-slack-channels.js';
export type { FailurePlan, FailureSpec } from './fake-slack-failures.js';
export type { FakeMessage, FakeUser, FakeViewRecord } from './fake-slack-methods.js';

/** A logger for `WebClient`/Bolt in tests that expect Slack errors (keeps jest output clean). */
export const silentSlackLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

/**
 * Slack's 2020 description names some "granular" scopes that are not bot scopes an app manifest can declare; these
 * are the bot scopes that grant the same method for the channels OpsWatch posts to.
 */
const BOT_SCOPES: Record<string, string[]> = {
  'conversations:write': ['im:write'],
  'conversations:history': ['channels:history', 'groups:history'],
  'conversations:read': ['channels:read', 'groups:read'],
};

/** The manifest bot scopes that cover the scopes the spec names. */
export function asBotScopes(scopes: Iterable<string>): string[] {
  return [...new Set([...scopes].flatMap((s) => BOT_SCOPES[s] ?? [s]))].sort();
}

export interface FakeCall {
  method: string;
  /** Arguments from the query string and the body; JSON-encoded ones (`blocks`, `view`, …) decoded. No token. */
  args: Args;
  token: string | null;
  at: Date;
  /** What the fake answered (0: nothing, the connection was cut). */
  status: number;
  /** Whether the call was carried out (a dropped answer may hide an accepted call). */
  ok: boolean;
  error?: string;
  /** The connection was cut instead of answering (`FailureSpec.drop`). */
  dropped?: 'before' | 'after';
}

export type { ViolationKind } from './fake-slack-http.js';

export interface FakeViolation {
  method: string;
  kind: ViolationKind;
  messages: string[];
  args: Args;
  at: Date;
}

export interface FakeSlackOptions {
  specPath?: string;
  teamId?: string;
  teamName?: string;
  botUserId?: string;
  botId?: string;
}

export interface FakeSlack {
  /** `http://127.0.0.1:PORT`; the Web API is at `${url}/api/`. */
  readonly url: string;
  readonly apiUrl: string;
  readonly calls: FakeCall[];
  readonly violations: FakeViolation[];
  /** Messages posted (and their updates); `channel` is the DM id when posted to a user id. */
  readonly messages: FakeMessage[];
  readonly ephemerals: FakeSlackState['ephemerals'];
  readonly views: Map<string, FakeViewRecord>;
  /** Files uploaded (files.getUploadURLExternal → upload POST → files.completeUploadExternal). */
  readonly files: FakeSlackState['files'];
  /** Channels made with conversations.create (and `channels.add(name)` for one someone else made). */
  readonly channels: FakeChannels;
  /** Bodies POSTed to `${url}/response/<id>` (use it as response_url in signed requests). */
  readonly responseUrlPosts: { path: string; body: unknown; at: Date }[];
  callsTo(method: string): FakeCall[];
  waitFor(method: string, predicate?: (call: FakeCall) => boolean, timeoutMs?: number): Promise<FakeCall>;
  addUser(user: FakeUser): void;
  failNext(method: string, failure: FailureSpec): void;
  /** Every later call without a `failNext` failure is put to `plan` (null: answer normally again). */
  failWith(plan: FailurePlan | null): void;
  /** `'503'` (default): every request answers 503. `'refuse'`: the port stops listening (ECONNREFUSED). */
  down(mode?: '503' | 'refuse'): Promise<void>;
  up(): Promise<void>;
  /** Bot scopes the recorded calls need, from the spec's token descriptions. */
  requiredScopes(opts?: { includeAppLevel?: boolean }): Set<string>;
  /** What `apps.connections.open` answers as `url` (a Socket Mode WebSocket). */
  setConnectionsUrl(url: string): void;
  /** Forgets calls, violations and programmed failures (users, messages and views stay). */
  reset(): void;
  close(): Promise<void>;
}

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const spec = loadSlackSpec(options.specPath);
  const calls: FakeCall[] = [];
  const violations: FakeViolation[] = [];
  const responseUrlPosts: FakeSlack['responseUrlPosts'] = [];
  const failures = new FakeSlackFailures();
  const waiters = new Map<(call: FakeCall) => void, NodeJS.Timeout>();
  let mode: 'up' | '503' | 'refuse' = 'up';
  let port = 0;
  const state = new FakeSlackState(
    {
      teamId: options.teamId ?? 'T0FAKE',
      teamName: options.teamName ?? 'OpsWatch Test',
      botUserId: options.botUserId ?? 'U0BOT',
      botId: options.botId ?? 'B0BOT',
    },
    () => `http://127.0.0.1:${port}`,
  );

  const record = (call: FakeCall): void => {
    calls.push(call);
    for (const w of [...waiters.keys()]) w(call);
  };
  const violate = (method: string, kind: ViolationKind, messages: string[], args: Args): void => {
    violations.push({ method, kind, messages, args, at: new Date() });
  };
  const handleApi = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const method = decodeURIComponent(url.pathname.slice('/api/'.length));
    const args = parseArgs(url, await readBody(req), String(req.headers['content-type'] ?? ''));
    const bearer = /^Bearer\s+(.+)$/i.exec(String(req.headers.authorization ?? ''))?.[1] ?? null;
    const token = bearer ?? (typeof args.token === 'string' ? args.token : null);
    delete args.token;
    const at = new Date();
    const m = spec.get(method);
    const scopeHeader = { 'x-accepted-oauth-scopes': (m?.scopes ?? []).join(',') };
    if (mode === '503') {
      record({ method, args, token, at, status: 503, ok: false, error: 'service_unavailable' });
      send(res, 503, { ok: false, error: 'service_unavailable' });
      return;
    }
    const refused = validateCall(method, m, args, token);
    if (refused) {
      violate(method, refused.kind, refused.messages, args);
      record({ method, args, token, at, status: 200, ok: false, error: refused.answer.error });
      send(res, 200, refused.answer, scopeHeader);
      return;
    }
    const failure = failures.take(method, args);
    if (failure?.drop === 'before') {
      record({
        method,
        args,
        token,
        at,
        status: 0,
        ok: false,
        error: 'connection_dropped',
        dropped: 'before',
      });
      req.socket.destroy();
      return;
    }
    if (failure?.status === 429) {
      const retryAfter = String(failure.retryAfter ?? 1);
      record({ method, args, token, at, status: 429, ok: false, error: 'ratelimited' });
      send(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': retryAfter, ...scopeHeader });
      return;
    }
    if (failure && !failure.drop) {
      const status = failure.status ?? 200;
      const error = failure.error ?? 'internal_error';
      record({ method, args, token, at, status, ok: false, error });
      send(res, status, { ok: false, error }, scopeHeader);
      return;
    }
    const answer = state.answer(method, args);
    const call: FakeCall = { method, args, token, at, status: 200, ok: answer.ok };
    if (typeof answer.error === 'string') call.error = answer.error;
    if (failure?.drop === 'after') {
      record({ ...call, status: 0, dropped: 'after' });
      req.socket.destroy();
      return;
    }
    record(call);
    send(res, 200, answer, scopeHeader);
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = async (): Promise<void> => {
      if (url.pathname.startsWith('/api/')) return handleApi(req, res, url);
      if (mode === '503') return send(res, 503, { ok: false, error: 'service_unavailable' });
      if (url.pathname.startsWith('/upload/') && req.method === 'POST') {
        // The upload URL getUploadURLExternal gave: the file's bytes, as Slack takes them (raw or multipart).
        const file = state.files.get(url.pathname.slice('/upload/'.length));
        if (!file) return send(res, 404, { ok: false, error: 'file_not_found' });
        file.bytes = await readBytes(req);
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`OK - ${file.bytes.length}`);
        return;
      }
      const body = await readBody(req);
      if (url.pathname.startsWith('/response/')) {
        let parsed: unknown = body;
        try {
          parsed = JSON.parse(body);
        } catch {
          // keep the text
        }
        responseUrlPosts.push({ path: url.pathname, body: parsed, at: new Date() });
        return send(res, 200, { ok: true });
      }
      if (url.pathname.startsWith('/upload/')) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`OK - ${Buffer.byteLength(body)}`);
        return;
      }
      send(res, 404, { ok: false, error: 'not_found' });
    };
    route().catch((err: unknown) => {
      if (!res.headersSent) send(res, 400, { ok: false, error: 'invalid_request', detail: String(err) });
    });
  });

  const listen = (p: number): Promise<void> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(p, '127.0.0.1', () => {
        server.off('error', reject);
        port = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    });

  await listen(0);
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    apiUrl: `${url}/api/`,
    calls,
    violations,
    messages: state.messages,
    ephemerals: state.ephemerals,
    views: state.views,
    files: state.files,
    channels: state.channels,
    responseUrlPosts,
    callsTo: (method) => calls.filter((c) => c.method === method),
    waitFor(method, predicate = () => true, timeoutMs = 5000) {
      const matches = (c: FakeCall): boolean => c.method === method && predicate(c);
      const found = calls.find(matches);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = (c: FakeCall): void => {
          if (!matches(c)) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(c);
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const seen = calls.filter((c) => c.method === method).length;
          reject(
            new Error(`fake Slack: no matching ${method} call within ${timeoutMs} ms (${seen} calls to it)`),
          );
        }, timeoutMs);
        waiters.set(waiter, timer);
      });
    },
    addUser: (user) => {
      state.users.set(user.id, user);
    },
    failNext: (method, failure) => failures.failNext(method, failure),
    failWith: (plan) => failures.failWith(plan),
    async down(how = '503') {
      mode = how;
      if (how === 'refuse') await stop();
    },
    async up() {
      if (!server.listening) await listen(port);
      mode = 'up';
    },
    requiredScopes(opts = {}) {
      const scopes = new Set<string>();
      for (const c of calls) {
        const m = spec.get(c.method);
        if (!m || (m.appLevel && !opts.includeAppLevel)) continue;
        for (const s of m.scopes) scopes.add(s);
      }
      return scopes;
    },
    setConnectionsUrl: (u) => {
      state.connectionsUrl = u;
    },
    reset: () => {
      calls.length = 0;
      violations.length = 0;
      responseUrlPosts.length = 0;
      failures.clear();
    },
    close: async () => {
      for (const timer of waiters.values()) clearTimeout(timer);
      waiters.clear();
      await stop();
    },
  };
}
