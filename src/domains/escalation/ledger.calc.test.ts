import { describe, expect, it } from '@jest/globals';
import { deliveryHistory, deliveryState, type LedgerPageFacts, maskPhone } from './ledger.calc.js';

const at = (hms: string) => new Date(`2026-03-02T${hms}Z`);

const page = (o: Partial<LedgerPageFacts>): LedgerPageFacts => ({
  pageId: 'p1',
  generation: 0,
  loop: 0,
  step: 0,
  userId: 'u1',
  name: 'Alice',
  slackUserId: 'U0ALICE',
  timeZone: 'UTC',
  targetType: 'user',
  targetId: 'u1',
  targetLabel: 'Alice',
  method: 'slack_dm',
  status: 'sent',
  dueAt: at('03:00:00'),
  createdAt: at('03:00:00'),
  queuedAt: at('03:00:00'),
  sendingAt: at('03:00:01'),
  sentAt: at('03:00:02'),
  ackedAt: null,
  outcomeAt: null,
  detail: null,
  delivery: null,
  deliveryAt: null,
  contactMethodId: null,
  phoneNumber: null,
  send: null,
  ...o,
});

describe('deliveryHistory', () => {
  it('a Slack DM: queued, sending, sent', () => {
    expect(deliveryHistory(page({})).map((e) => e.status)).toEqual(['queued', 'sending', 'sent']);
  });

  it('an SMS: queued, then every Twilio status with its error code (its own sending, not the page’s)', () => {
    const p = page({
      method: 'sms',
      status: 'failed',
      sentAt: null,
      send: {
        kind: 'sms',
        status: 'failed',
        errorCode: 21610,
        errorMessage: 'Unsubscribed recipient',
        answeredBy: null,
        providerSid: 'SM1',
        events: [
          { status: 'sending', at: at('03:00:01'), errorCode: null },
          { status: 'failed', at: at('03:00:03'), errorCode: 21610 },
        ],
      },
    });
    expect(deliveryHistory(p)).toEqual([
      { status: 'queued', at: at('03:00:00'), errorCode: null },
      { status: 'sending', at: at('03:00:01'), errorCode: null },
      { status: 'failed', at: at('03:00:03'), errorCode: 21610 },
    ]);
    expect(deliveryState(p)).toEqual({
      status: 'failed',
      at: at('03:00:03'),
      errorCode: 21610,
      reason: 'Unsubscribed recipient',
      answeredBy: null,
    });
  });

  it('a page cancelled before it was sent ends with its cancellation, when its time is known', () => {
    const p = page({ status: 'cancelled', sendingAt: null, sentAt: null, outcomeAt: at('03:02:00') });
    expect(deliveryHistory(p).map((e) => e.status)).toEqual(['queued', 'cancelled']);
    expect(deliveryState(page({ status: 'pending', queuedAt: null, dueAt: at('03:05:00') }))).toMatchObject({
      status: 'pending',
      at: at('03:05:00'),
    });
  });

  it('the page’s own delivery status (for this page of a bundled SMS) wins over the send’s', () => {
    const p = page({
      method: 'voice',
      delivery: 'no-answer',
      deliveryAt: at('03:01:00'),
      send: {
        kind: 'voice',
        status: 'completed',
        errorCode: null,
        errorMessage: null,
        answeredBy: null,
        providerSid: 'CA1',
        events: [],
      },
    });
    expect(deliveryState(p)).toMatchObject({ status: 'no-answer', at: at('03:01:00') });
  });
});

describe('maskPhone', () => {
  it('shows the last 4 digits only', () => {
    expect(maskPhone('+15005550006')).toBe('+*******0006');
    expect(maskPhone(null)).toBeNull();
  });
});
