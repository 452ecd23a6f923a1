/**
 * The delivery ledger's pure core: from a page and the SMS or call that carried it, the statuses it went through
 * (queued, sending, sent, then every status Twilio reported) and where it stands now.
 */

export interface DeliveryEvent {
  status: string;
  at: Date;
  errorCode: number | null;
}

/** An SMS or call (`twilio_sends`) as the ledger reads it. */
export interface SendFacts {
  kind: 'sms' | 'voice';
  /** Twilio's status: sending, queued, sent, delivered, undelivered, failed; initiated, ringing, in-progress… */
  status: string;
  errorCode: number | null;
  errorMessage: string | null;
  /** A call's `AnsweredBy` (human, machine_start, fax…). */
  answeredBy: string | null;
  providerSid: string | null;
  events: DeliveryEvent[];
}

/** A page with what its delivery went through. */
export interface LedgerPageFacts {
  pageId: string;
  generation: number;
  loop: number;
  step: number;
  userId: string | null;
  name: string | null;
  slackUserId: string | null;
  timeZone: string | null;
  targetType: string;
  targetId: string | null;
  targetLabel: string | null;
  method: string;
  /** The page's own status: pending, queued, sending, sent, failed, cancelled. */
  status: string;
  dueAt: Date;
  /** When the step that made it fired. */
  createdAt: Date;
  queuedAt: Date | null;
  sendingAt: Date | null;
  sentAt: Date | null;
  /** When the incident was acknowledged after this page was sent. */
  ackedAt: Date | null;
  /** When a failed or cancelled page ended, when known. */
  outcomeAt: Date | null;
  detail: string | null;
  /** The latest delivery status of its send for this page, and when (written with the send's callbacks). */
  delivery: string | null;
  deliveryAt: Date | null;
  contactMethodId: string | null;
  phoneNumber: string | null;
  send: SendFacts | null;
}

/** Where a page's delivery stands now. */
export interface DeliveryState {
  /** `pending` (not due yet), the page's status, or its send's latest Twilio status. */
  status: string;
  at: Date | null;
  errorCode: number | null;
  /** Why it failed or was not sent, in words (Twilio's message, or the page's detail). */
  reason: string | null;
  answeredBy: string | null;
}

/**
 * Every status the page went through, oldest first: queued (handed to the outbox), sending (claimed by a
 * sender), then the send's Twilio statuses (each with its error code), or `sent` for a Slack page; a failed or
 * cancelled page ends with that, when its time is known.
 */
export function deliveryHistory(p: LedgerPageFacts): DeliveryEvent[] {
  const out: DeliveryEvent[] = [];
  const add = (status: string, at: Date | null, errorCode: number | null = null) => {
    if (at) out.push({ status, at, errorCode });
  };
  add('queued', p.queuedAt);
  const sendEvents = p.send?.events ?? [];
  if (!sendEvents.some((e) => e.status === 'sending')) add('sending', p.sendingAt);
  if (p.send) out.push(...sendEvents);
  else add('sent', p.sentAt);
  const last = out.at(-1)?.status;
  if ((p.status === 'failed' || p.status === 'cancelled') && last !== p.status)
    add(p.status, p.outcomeAt, p.send?.errorCode ?? null);
  return out.sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** Where the page's delivery stands now. */
export function deliveryState(p: LedgerPageFacts): DeliveryState {
  const none = { errorCode: null, reason: null, answeredBy: null };
  if (p.status === 'pending') return { status: 'pending', at: p.dueAt, ...none };
  if (p.send) {
    const last = p.send.events.at(-1);
    const status = p.delivery ?? p.send.status;
    const failed = p.send.errorCode !== null || /failed|undelivered/.test(status);
    return {
      status,
      at: p.deliveryAt ?? last?.at ?? p.sentAt,
      errorCode: p.send.errorCode,
      reason: failed ? p.send.errorMessage : null,
      answeredBy: p.send.answeredBy,
    };
  }
  if (p.status === 'failed' || p.status === 'cancelled')
    return { status: p.status, at: p.outcomeAt, errorCode: null, reason: p.detail, answeredBy: null };
  if (p.status === 'sent') return { status: 'sent', at: p.sentAt, ...none };
  if (p.status === 'sending') return { status: 'sending', at: p.sendingAt, ...none };
  return { status: p.status, at: p.queuedAt, ...none };
}

/** A phone number shown to people who may read incidents: its last 4 digits only (`+*******1234`). */
export function maskPhone(e164: string | null): string | null {
  if (!e164) return null;
  const digits = e164.replace(/^\+/, '');
  if (digits.length <= 4) return `+${digits}`;
  return `+${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`;
}
