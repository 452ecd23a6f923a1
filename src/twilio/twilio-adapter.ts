import type twilio from 'twilio';
import {
  type DeliveryAdapter,
  DeliveryError,
  type DeliveryRegistry,
  deliveryRegistry,
  type OutboxRow,
  PAYLOADS,
} from '../domains/notify/index.js';
import type { PhonePagingService, Prepared } from '../domains/paging/index.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { type TwilioSettings, twilioClient } from './twilio-client.js';

/** Network errors that mean the request never reached Twilio (nothing was sent). */
const NOT_REACHED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** How long a call rings before it counts as not answered. */
const RING_SECONDS = 30;

export interface TwilioAdapterDeps {
  settings: TwilioSettings;
  paging: PhonePagingService;
  clock: Clock;
  log: Logger;
  /** A client to use instead of one built from the settings. */
  client?: twilio.Twilio;
}

/** What Twilio's answer to a create request means for the send. */
type Answer =
  | { kind: 'accepted'; sid: string; status: string }
  | { kind: 'refused'; code: number | null; message: string }
  | { kind: 'not_made'; code: number | null; retryAfter: number | null; reason: string }
  | { kind: 'unknown'; reason: string };

/** Classifies what the SDK threw: its RestException carries Twilio's HTTP status and error code. */
export function classify(err: unknown): Answer {
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    status?: unknown;
    code?: unknown;
    message?: unknown;
  };
  const message = typeof e.message === 'string' ? e.message : String(err);
  if (typeof e.status === 'number') {
    const code = typeof e.code === 'number' ? e.code : null;
    // Twilio answered and created nothing: 429 (20429, too many concurrent requests) and 5xx are tried again.
    if (e.status === 429)
      return { kind: 'not_made', code: code ?? 20429, retryAfter: 2, reason: 'twilio_429' };
    if (e.status >= 500) return { kind: 'not_made', code, retryAfter: null, reason: `twilio_${e.status}` };
    return { kind: 'refused', code, message };
  }
  if (typeof e.code === 'string' && NOT_REACHED.has(e.code))
    return { kind: 'not_made', code: null, retryAfter: null, reason: e.code.toLowerCase() };
  // No answer (a timeout, a connection dropped mid-request): Twilio may have sent it.
  return { kind: 'unknown', reason: message.slice(0, 120) };
}

/**
 * SMS and calls through the official `twilio` SDK, as the outbox's `sms` and `voice` destinations (the row's lane
 * is the phone number, so holds — throttling — apply per number). Each row is prepared by the paging domain
 * (claimed at most once, bundled, throttled), sent, and Twilio's answer written back.
 */
export function twilioDeliveryRegistry(deps: TwilioAdapterDeps): DeliveryRegistry {
  const client = deps.client ?? twilioClient(deps.settings);
  const { publicBaseUrl, fromNumber } = deps.settings;
  const base = publicBaseUrl.replace(/\/+$/, '');

  const create = async (kind: 'sms' | 'voice', p: Extract<Prepared, { kind: 'send' }>): Promise<Answer> => {
    const statusCallback = `${base}/twilio/status?send=${p.sendId}`;
    try {
      if (kind === 'sms') {
        const m = await client.messages.create({ to: p.to, from: fromNumber, body: p.text, statusCallback });
        return { kind: 'accepted', sid: m.sid, status: m.status };
      }
      const c = await client.calls.create({
        to: p.to,
        from: fromNumber,
        url: `${base}/twilio/voice/${p.sendId}`,
        statusCallback,
        // `initiated` is left out: ringing says as much, and each event is a request and a transaction.
        statusCallbackEvent: ['ringing', 'answered', 'completed'],
        machineDetection: 'Enable',
        timeout: RING_SECONDS,
      });
      return { kind: 'accepted', sid: c.sid, status: c.status };
    } catch (err) {
      return classify(err);
    }
  };

  const adapter = (kind: 'sms' | 'voice'): DeliveryAdapter => ({
    async send(unit) {
      const [row] = unit.rows;
      const prepared = await prepare(kind, row);
      if (prepared.kind === 'done') return null;
      if (prepared.kind === 'busy') throw new DeliveryError('transient', 'page_being_sent', undefined, true);
      if (prepared.kind === 'hold') {
        const seconds = Math.max(
          1,
          Math.ceil((prepared.until.getTime() - deps.clock.now().getTime()) / 1000),
        );
        throw new DeliveryError('rate_limited', 'throttled', seconds, true);
      }
      const handedAt = deps.clock.now();
      const answer = await create(kind, prepared);
      switch (answer.kind) {
        case 'accepted':
          await deps.paging.accepted(prepared.sendId, answer.sid, answer.status, handedAt);
          return null;
        case 'refused':
          deps.log.warn({ code: answer.code, send: prepared.sendId }, `Twilio refused: ${answer.message}`);
          await deps.paging.refused(prepared.sendId, answer.code, answer.message);
          return null;
        case 'not_made':
          await deps.paging.notMade(prepared.sendId, answer.code);
          if (answer.retryAfter !== null)
            throw new DeliveryError('rate_limited', answer.reason, answer.retryAfter, true);
          throw new DeliveryError('transient', answer.reason, undefined, true);
        case 'unknown':
          deps.log.warn({ send: prepared.sendId, reason: answer.reason }, 'Twilio gave no answer');
          await deps.paging.unknown(prepared.sendId);
          return null;
      }
    },
  });

  const prepare = (kind: 'sms' | 'voice', row: OutboxRow): Promise<Prepared> => {
    const parsed = PAYLOADS[kind].safeParse(row.payload);
    if (!parsed.success) throw new DeliveryError('permanent', 'unreadable_payload');
    const p = parsed.data;
    return p.type === 'page'
      ? deps.paging.preparePage(row.tenantId, p.pageId, kind)
      : deps.paging.prepareVerification(row.tenantId, p.contactMethodId, p.code, kind);
  };

  return deliveryRegistry({ sms: adapter('sms'), voice: adapter('voice') });
}
