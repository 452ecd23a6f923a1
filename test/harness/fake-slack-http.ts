/** Request parsing and answering for the fake Slack, and its check of each call against Slack's spec. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkLimits, describeViolation, type Surface } from '../../blocks/limits.js';
import type { Args } from './fake-slack-methods.js';
import type { MethodSpec } from './fake-slack-openapi.js';

export type ViolationKind =
  | 'unknown_method'
  | 'missing_argument'
  | 'not_authed'
  | 'wrong_token_type'
  | 'invalid_blocks';

/** Arguments WebClient JSON-encodes inside a form body. */
const JSON_ARGS = new Set(['blocks', 'attachments', 'view', 'metadata', 'files', 'unfurls', 'profile']);
const BLOCK_SURFACES: Record<string, Surface | undefined> = {
  'chat.postMessage': 'message',
  'chat.postEphemeral': 'message',
  'chat.update': 'message',
  'chat.scheduleMessage': 'message',
  'views.open': 'modal',
  'views.push': 'modal',
  'views.update': 'modal',
  'views.publish': 'home',
};
const MAX_BODY = 20 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<string> {
  return (await readBytes(req)).toString('utf8');
}

/** A request's body as bytes (file uploads), at most MAX_BODY. */
export async function readBytes(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Query string and body (form-encoded or JSON) merged; JSON-encoded form values decoded. */
export function parseArgs(url: URL, body: string, contentType: string): Args {
  const args: Args = {};
  const put = (key: string, value: string): void => {
    if (JSON_ARGS.has(key) && /^\s*[[{]/.test(value)) {
      try {
        args[key] = JSON.parse(value);
        return;
      } catch {
        // leave it as text: Slack would reject it, and the test can see what was sent
      }
    }
    args[key] = value;
  };
  for (const [k, v] of url.searchParams) put(k, v);
  if (contentType.includes('application/json') && body.trim()) {
    Object.assign(args, JSON.parse(body) as Args);
  } else if (body) {
    for (const [k, v] of new URLSearchParams(body)) put(k, v);
  }
  return args;
}

export function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

export interface Refusal {
  kind: ViolationKind;
  messages: string[];
  answer: Record<string, unknown> & { ok: false; error: string };
}

/** Checks a call against the spec (and Block Kit limits); the refusal Slack would answer, or null. */
export function validateCall(
  method: string,
  m: MethodSpec | undefined,
  args: Args,
  token: string | null,
): Refusal | null {
  if (!m) {
    return {
      kind: 'unknown_method',
      messages: [`unknown method ${method}`],
      answer: { ok: false, error: 'unknown_method' },
    };
  }
  if (m.auth && !token) {
    const messages = ['no token in the Authorization header or the token argument'];
    return { kind: 'not_authed', messages, answer: { ok: false, error: 'not_authed' } };
  }
  if (token && m.auth && Boolean(m.appLevel) !== token.startsWith('xapp-')) {
    const messages = [`${method} does not accept this kind of token`];
    return { kind: 'wrong_token_type', messages, answer: { ok: false, error: 'not_allowed_token_type' } };
  }
  const missing = m.required.filter((name) => args[name] === undefined || args[name] === '');
  if (missing.length) {
    const messages = missing.map((name) => `[ERROR] missing required field: ${name}`);
    return {
      kind: 'missing_argument',
      messages,
      answer: { ok: false, error: 'invalid_arguments', response_metadata: { messages } },
    };
  }
  const surface = BLOCK_SURFACES[method];
  const payload = surface === 'message' ? args : args.view;
  if (surface && typeof payload === 'object' && payload !== null) {
    const messages = checkLimits(surface, payload).map((v) => `[ERROR] ${describeViolation(v)}`);
    if (messages.length) {
      const error = surface === 'message' ? 'invalid_blocks' : 'invalid_arguments';
      return {
        kind: 'invalid_blocks',
        messages,
        answer: { ok: false, error, response_metadata: { messages } },
      };
    }
  }
  return null;
}
