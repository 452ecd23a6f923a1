import { connect } from 'node:net';
import { type HttpTarget, jsonStringEscape, renderTemplate } from '../action.schemas.js';
import { type ActionAdapter, type ActionContext, ActionFailure, withTimeout } from './action-adapter.js';

const SECRET = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Header values with `${env:NAME}` read from the process's environment now (secrets are never stored). */
export function resolveHeaders(
  headers: Record<string, string>,
  env: ActionContext['env'],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = value.replace(SECRET, (_m, key: string) => {
      const v = env[key];
      if (v === undefined || v === '')
        throw new ActionFailure(
          `header ${name} names the environment variable ${key}, which is not set`,
          true,
        );
      return v;
    });
  }
  return out;
}

/** The request the action sends: URL and body rendered with the incident's fields, secrets resolved. */
function requestOf(t: HttpTarget, ctx: ActionContext) {
  const url = urlOf(t.url, ctx);
  const headers = resolveHeaders(t.headers, ctx.env);
  // A JSON body's values are escaped for inside its strings.
  const json = Object.entries(headers).some(
    ([k, v]) => k.toLowerCase() === 'content-type' && /json/i.test(v),
  );
  const body = t.body === undefined ? undefined : render(t.body, ctx, json ? jsonStringEscape : undefined);
  return { url, headers, body };
}

function render(template: string, ctx: ActionContext, encode?: (v: string) => string): string {
  try {
    return renderTemplate(template, ctx.fields, encode);
  } catch (err) {
    throw new ActionFailure((err as Error).message, true);
  }
}

function urlOf(template: string, ctx: ActionContext): URL {
  const text = render(template, ctx, encodeURIComponent);
  if (!URL.canParse(text)) throw new ActionFailure(`the URL ${text} is not valid`, true);
  const url = new URL(text);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ActionFailure(`the URL must be http(s), not ${url.protocol}`, true);
  return url;
}

/** A TCP connection to the URL's host and port opens within `ms` (the reachability check of preflight). */
function reachable(url: URL, ms: number): Promise<void> {
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ActionFailure(`${url.host} did not accept a connection within ${ms / 1000} s`, true));
    }, ms);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.end();
      resolve();
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(new ActionFailure(`${url.host} is unreachable: ${err.message}`, true));
    });
  });
}

async function send(
  method: string,
  url: URL,
  headers: Record<string, string>,
  body: string | undefined,
  timeoutMs: number,
) {
  try {
    return await fetch(url, {
      method,
      headers,
      ...(body !== undefined && method !== 'GET' && method !== 'HEAD' ? { body } : {}),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
  } catch (err) {
    const e = err as Error;
    if (e.name === 'TimeoutError' || e.name === 'AbortError')
      throw new ActionFailure(`${method} ${url.host}${url.pathname} timed out after ${timeoutMs / 1000} s`);
    throw new ActionFailure(`${method} ${url.host}${url.pathname} failed: ${e.message}`);
  }
}

/**
 * `http`: a request to a CI pipeline, Rundeck, a cloud automation API… Preflight renders the URL, headers and
 * body (a missing secret or a bad URL fails it) and opens a TCP connection to the host (no request is sent, so
 * nothing is triggered). Execute sends it once; success is a 2xx. `check` (verify) passes on `expectStatus`, else
 * any 2xx.
 */
export const httpAdapter: ActionAdapter<'http'> = {
  kind: 'http',

  async preflight(t, ctx) {
    const { url, body } = requestOf(t, ctx);
    await reachable(url, 5_000);
    return `${t.method} ${url.host}${url.pathname} reachable${body !== undefined ? `; body ${body.length} bytes` : ''}`;
  },

  async execute(t, ctx, { timeoutMs }) {
    const { url, headers, body } = requestOf(t, ctx);
    const res = await withTimeout(send(t.method, url, headers, body, timeoutMs), timeoutMs + 1_000, t.method);
    const text = (await res.text().catch(() => '')).slice(0, 200);
    if (res.status < 200 || res.status > 299)
      throw new ActionFailure(
        `${t.method} ${url.host}${url.pathname} answered ${res.status}${text ? `: ${text}` : ''}`,
      );
    return `${t.method} ${url.host}${url.pathname} answered ${res.status}`;
  },

  async check(t, ctx, { timeoutMs }) {
    if (!t.check) return undefined;
    const url = urlOf(t.check.url, ctx);
    try {
      const res = await send(t.check.method, url, resolveHeaders(t.headers, ctx.env), undefined, timeoutMs);
      await res.body?.cancel();
      return t.check.expectStatus
        ? res.status === t.check.expectStatus
        : res.status >= 200 && res.status < 300;
    } catch {
      return false;
    }
  },
};
