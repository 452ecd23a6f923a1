/**
 * The REST side of the fake Twilio: form bodies as the SDK encodes them, SIDs, dates, segments, Twilio's error
 * bodies, and the checks Twilio makes on Messages.json and Calls.json creates.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Form parameters; a repeated key (`StatusCallbackEvent=a&StatusCallbackEvent=b`) is an array. */
export type Params = Record<string, string | string[]>;

export const API_VERSION = '2010-04-01';

export const newSid = (prefix: 'AC' | 'SM' | 'CA' | 'MM' | 'PN'): string =>
  prefix + randomBytes(16).toString('hex');

/** `Tue, 01 Dec 2026 20:59:07 +0000`, as Twilio writes dates. */
export function rfc2822(d: Date): string {
  return d.toUTCString().replace(/GMT$/, '+0000');
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 1024 * 1024) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Decodes a form body: `+` and `%20` both stand for a space; repeated keys become arrays. */
export function parseForm(body: string): Params {
  const params: Params = {};
  for (const [k, v] of new URLSearchParams(body)) {
    const had = params[k];
    if (had === undefined) params[k] = v;
    else params[k] = Array.isArray(had) ? [...had, v] : [had, v];
  }
  return params;
}

/** The first value of a parameter (or undefined). */
export const one = (params: Params, key: string): string | undefined => {
  const v = params[key];
  return Array.isArray(v) ? v[0] : v;
};
/** Every value of a parameter (a repeated key, or a single one). */
export const all = (params: Params, key: string): string[] => {
  const v = params[key];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
};

export function toForm(params: Record<string, string>): string {
  return new URLSearchParams(params).toString();
}

export interface TwilioError {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

export function twilioError(status: number, code: number, message: string): TwilioError {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

/** Twilio's own message for the codes tests program (others get a generic one). */
export function defaultMessage(code: number, to: string): string {
  const known: Record<number, string> = {
    20003: 'Authenticate',
    20404: 'The requested resource was not found',
    20429: 'Too Many Requests',
    20500: 'Internal Server Error',
    20503: 'Service Unavailable',
    21211: `Invalid 'To' Phone Number: ${to}`,
    21610: 'Attempt to send to unsubscribed recipient',
    21614: `'To' number ${to} is not a valid mobile number`,
    30003: 'Unreachable destination handset',
  };
  return known[code] ?? `Error ${code}`;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

export const E164 = /^\+[1-9]\d{1,14}$/;

export function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

// GSM 03.38: the basic set, and the extension table (each of those takes two septets).
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENDED = '^{}\\[~]|€\f';

/** How many segments Twilio bills a body as: GSM-7 (160, or 153 per part) else UCS-2 (70, or 67 per part). */
export function smsSegments(body: string): { encoding: 'GSM-7' | 'UCS-2'; segments: number } {
  let septets = 0;
  let gsm = true;
  for (const ch of body) {
    if (GSM_BASIC.includes(ch)) septets += 1;
    else if (GSM_EXTENDED.includes(ch)) septets += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm) return { encoding: 'GSM-7', segments: septets <= 160 ? 1 : Math.ceil(septets / 153) };
  const units = body.length; // UTF-16 code units
  return { encoding: 'UCS-2', segments: units <= 70 ? 1 : Math.ceil(units / 67) };
}

export interface Refusal {
  status: number;
  code: number;
  message: string;
}

/**
 * Parameters OpsWatch has no reason to get wrong (Timeout, MachineDetection, methods, events, ValidityPeriod) are
 * refused with this one code (the fake's choice; the message names the parameter).
 */
const BAD_PARAM = 20001;

const refuse = (code: number, message: string, status = 400): Refusal => ({ status, code, message });

/** What Twilio answers to a Messages.json create that it refuses, or null. */
export function checkMessage(params: Params, fromNumber: string): Refusal | null {
  const to = one(params, 'To');
  const from = one(params, 'From');
  const body = one(params, 'Body');
  const callback = one(params, 'StatusCallback');
  if (!to) return refuse(21604, "A 'To' phone number is required.");
  if (!from && !one(params, 'MessagingServiceSid'))
    return refuse(21603, "A 'From' phone number is required.");
  if (from !== fromNumber) {
    return refuse(
      21606,
      `The From phone number ${from ?? ''} is not a valid, SMS-capable inbound phone number or short code for your account.`,
    );
  }
  if (!E164.test(to)) return refuse(21211, `Invalid 'To' Phone Number: ${to}`);
  if (to === from) return refuse(21266, "'To' and 'From' number cannot be the same");
  if (!body && !one(params, 'MediaUrl') && !one(params, 'ContentSid'))
    return refuse(21602, 'Message body is required.');
  if (body && body.length > 1600) {
    return refuse(21617, 'The concatenated message body exceeds the 1600 character limit.');
  }
  if (callback !== undefined && !isHttpUrl(callback))
    return refuse(21609, `Invalid StatusCallback: ${callback}`);
  const validity = one(params, 'ValidityPeriod');
  if (validity !== undefined && !(Number(validity) >= 1 && Number(validity) <= 36000)) {
    return refuse(BAD_PARAM, `Invalid ValidityPeriod: ${validity}`);
  }
  return null;
}

export const CALL_EVENTS = ['initiated', 'ringing', 'answered', 'completed'] as const;
export type CallEvent = (typeof CALL_EVENTS)[number];

/** What Twilio answers to a Calls.json create that it refuses, or null. */
export function checkCall(params: Params, fromNumber: string): Refusal | null {
  const to = one(params, 'To');
  const from = one(params, 'From');
  const url = one(params, 'Url');
  const callback = one(params, 'StatusCallback');
  if (!to) return refuse(21201, "No 'To' number is specified");
  if (!from) return refuse(21213, "No 'From' number is specified");
  if (from !== fromNumber) {
    return refuse(21210, `Source phone number provided, ${from}, is not yet verified for your account.`);
  }
  if (!E164.test(to)) return refuse(21211, `Invalid 'To' Phone Number: ${to}`);
  if (url === undefined && !one(params, 'Twiml')) {
    return refuse(
      21205,
      one(params, 'ApplicationSid')
        ? 'ApplicationSid is not supported by the fake'
        : 'Url parameter is required.',
    );
  }
  if (url !== undefined && !isHttpUrl(url)) return refuse(21205, `Url is not a valid URL: ${url}`);
  if (callback !== undefined && !isHttpUrl(callback))
    return refuse(21609, `Invalid StatusCallback: ${callback}`);
  for (const e of all(params, 'StatusCallbackEvent')) {
    // The SDK sends each event as its own repeated key; a space-separated list is accepted by Twilio too.
    for (const name of e.split(/\s+/)) {
      if (!(CALL_EVENTS as readonly string[]).includes(name))
        return refuse(BAD_PARAM, `Invalid StatusCallbackEvent: ${name}`);
    }
  }
  const timeout = one(params, 'Timeout');
  if (
    timeout !== undefined &&
    !(Number.isInteger(Number(timeout)) && Number(timeout) >= 1 && Number(timeout) <= 600)
  ) {
    return refuse(BAD_PARAM, `Invalid Timeout: ${timeout}`);
  }
  const amd = one(params, 'MachineDetection');
  if (amd !== undefined && amd !== 'Enable' && amd !== 'DetectMessageEnd') {
    return refuse(BAD_PARAM, `Invalid MachineDetection: ${amd}`);
  }
  for (const m of ['Method', 'StatusCallbackMethod']) {
    const v = one(params, m);
    if (v !== undefined && v.toUpperCase() !== 'GET' && v.toUpperCase() !== 'POST')
      return refuse(BAD_PARAM, `Invalid ${m}: ${v}`);
  }
  return null;
}

/** The Basic credentials of a request, or null. */
export function basicAuth(req: IncomingMessage): { user: string; password: string } | null {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(String(req.headers.authorization ?? ''));
  if (!m) return null;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = text.indexOf(':');
  return i < 0 ? null : { user: text.slice(0, i), password: text.slice(i + 1) };
}
