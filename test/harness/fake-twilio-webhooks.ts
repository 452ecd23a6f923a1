/**
 * The requests the fake Twilio makes to OpsWatch (status callbacks, TwiML fetches, gathered digits, inbound SMS),
 * signed as Twilio signs them: `X-Twilio-Signature` from the SDK's own `getExpectedTwilioSignature` over the
 * public URL (the one OpsWatch gave Twilio, or the one configured for inbound SMS), while the request itself may
 * be sent elsewhere (`route`: OpsWatch's local address behind a "proxy").
 */
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { toForm } from './fake-twilio-rest.js';

export type WebhookKind =
  | 'sms-status'
  | 'call-status'
  | 'voice'
  | 'gather'
  | 'redirect'
  | 'inbound-sms'
  | 'post'
  | 'forged';

/**
 * `valid`: signed with the auth token over the public URL; `bad`: signed with another token; `missing`: no header;
 * `local-url`: signed with the right token over the URL the request is really sent to (what an app that
 * validates against its local URL would accept, and OpsWatch must refuse when that differs from the public one).
 */
export type SignatureMode = 'valid' | 'bad' | 'missing' | 'local-url';

export interface WebhookRecord {
  kind: WebhookKind;
  method: 'GET' | 'POST';
  /** The public URL, as signed (for GET, with the parameters in its query string). */
  url: string;
  /** The public URL the request was for (without GET parameters). */
  publicUrl: string;
  /** Where the request was sent. */
  deliveredTo: string;
  params: Record<string, string>;
  signature: string | null;
  signatureMode: SignatureMode;
  /** The HTTP status answered; 0 when there was no answer (refused, reset, timed out). */
  status: number;
  contentType: string;
  text: string;
  /** Why there was no answer. */
  error: string | null;
  /** The message or call it was about. */
  sid: string | null;
  at: Date;
}

export interface WebhookContext {
  authToken: string;
  /** The URL a public one is sent to. */
  route(publicUrl: string): string;
  timeoutMs: number;
  /** Aborted when the fake closes. */
  signal: AbortSignal;
  now(): Date;
}

export class Webhooks {
  readonly records: WebhookRecord[] = [];

  constructor(private readonly ctx: WebhookContext) {}

  async send(
    kind: WebhookKind,
    publicUrl: string,
    params: Record<string, string>,
    opts: { method?: 'GET' | 'POST'; signature?: SignatureMode; sid?: string | null } = {},
  ): Promise<WebhookRecord> {
    const method = opts.method ?? 'POST';
    const mode = opts.signature ?? 'valid';
    let url = publicUrl;
    let signedParams: Record<string, string> = params;
    if (method === 'GET') {
      const qs = toForm(params);
      url = qs ? `${publicUrl}${publicUrl.includes('?') ? '&' : '?'}${qs}` : publicUrl;
      signedParams = {};
    }
    const deliveredTo = this.ctx.route(url);
    let signature: string | null = null;
    if (mode === 'valid')
      signature = twilio.getExpectedTwilioSignature(this.ctx.authToken, url, signedParams);
    else if (mode === 'bad') {
      signature = twilio.getExpectedTwilioSignature(`${this.ctx.authToken}-not-it`, url, signedParams);
    } else if (mode === 'local-url') {
      signature = twilio.getExpectedTwilioSignature(this.ctx.authToken, deliveredTo, signedParams);
    }
    const headers: Record<string, string> = {
      'user-agent': 'TwilioProxy/1.1',
      accept: '*/*',
      'i-twilio-idempotency-token': randomBytes(16).toString('hex'),
    };
    if (signature !== null) headers['x-twilio-signature'] = signature;
    if (method === 'POST') headers['content-type'] = 'application/x-www-form-urlencoded; charset=utf-8';
    const record: WebhookRecord = {
      kind,
      method,
      url,
      publicUrl,
      deliveredTo,
      params,
      signature,
      signatureMode: mode,
      status: 0,
      contentType: '',
      text: '',
      error: null,
      sid: opts.sid ?? null,
      at: this.ctx.now(),
    };
    try {
      const res = await fetch(deliveredTo, {
        method,
        headers,
        ...(method === 'POST' ? { body: toForm(params) } : {}),
        redirect: 'manual',
        signal: AbortSignal.any([this.ctx.signal, AbortSignal.timeout(this.ctx.timeoutMs)]),
      });
      record.status = res.status;
      record.contentType = res.headers.get('content-type') ?? '';
      record.text = await res.text();
    } catch (err) {
      record.error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    }
    this.records.push(record);
    return record;
  }
}

/** A request Twilio counts as failed (its error 11200): no answer, or not 2xx. */
export const webhookFailed = (r: WebhookRecord): boolean => r.status < 200 || r.status > 299;
