import { describe, expect, it } from '@jest/globals';
import type { SectionBlock } from '@slack/types';
import {
  type LedgerLineView,
  type LedgerNotificationView,
  type LedgerView,
  ledgerReply,
} from './ledger.blocks.js';
import { checkLimits } from './limits.js';
import { TEST_OPTIONS } from './view-fixtures.js';

const at = (hms: string) => new Date(`2026-03-02T${hms}Z`);
const UTC = { ...TEST_OPTIONS, timeZone: 'UTC' };

const n = (o: Partial<LedgerNotificationView>): LedgerNotificationView => ({
  method: 'slack_dm',
  status: 'sent',
  at: at('03:01:02'),
  dueAt: at('03:01:00'),
  errorCode: null,
  reason: null,
  answeredBy: null,
  ...o,
});
const alice = (notifications: LedgerNotificationView[], timeZone: string | null = 'UTC'): LedgerLineView => ({
  target: { kind: 'person', person: { name: 'Alice', slackUserId: 'U0ALICE' }, timeZone },
  notifications,
});
const ledger = (o: Partial<LedgerView>): LedgerView => ({
  step: 0,
  loop: 0,
  lines: [],
  acknowledged: null,
  resolved: null,
  ...o,
});
const sections = (v: LedgerView, opts = UTC) =>
  ledgerReply(v, opts).blocks.map((b) => (b as SectionBlock).text?.text);

describe('ledgerReply', () => {
  const three = alice([
    n({}),
    n({ method: 'sms', status: 'delivered', at: at('03:02:04') }),
    n({ method: 'voice', status: 'ringing', at: at('03:03:00') }),
  ]);

  it('one line per person: each notification as it stands, its time a date token with a fallback', () => {
    const reply = ledgerReply(ledger({ lines: [three] }), UTC);
    expect(reply.text).toBe(
      'Paging Alice (step 1): Slack DM delivered 03:01:02 · SMS delivered 03:02:04 · call ringing…',
    );
    expect(sections(ledger({ lines: [three] }))).toEqual([
      ':pager: Paging <@U0ALICE> (step 1): Slack DM delivered <!date^1772420462^{time_secs}|03:01:02> · ' +
        'SMS delivered <!date^1772420524^{time_secs}|03:02:04> · call ringing…',
    ]);
    expect(checkLimits('message', reply)).toEqual([]);
  });

  it("writes the fallback times in the person's zone", () => {
    const reply = ledgerReply(ledger({ lines: [alice([n({})], 'Europe/Berlin')] }), UTC);
    expect(reply.text).toBe('Paging Alice (step 1): Slack DM delivered 04:01:02');
  });

  it('several people of one step: a line each; channels and user groups read as posted and mentioned', () => {
    const view = ledger({
      step: 1,
      loop: 1,
      lines: [
        alice([n({})]),
        {
          target: { kind: 'person', person: { name: 'Bob', slackUserId: null }, timeZone: null },
          notifications: [n({ status: 'queued', at: null })],
        },
        {
          target: { kind: 'channel', channel: 'ops' },
          notifications: [n({ method: 'slack_channel', at: at('03:01:00') })],
        },
        {
          target: { kind: 'user_group', id: 'S0DBA' },
          notifications: [n({ method: 'slack_user_group', status: 'sending', at: null })],
        },
      ],
    });
    expect(ledgerReply(view, UTC).text.split('\n')).toEqual([
      'Paging Alice (step 2, loop 2): Slack DM delivered 03:01:02',
      'Paging Bob (step 2, loop 2): Slack DM queued…',
      '#ops (step 2, loop 2) posted 03:01:00',
      '@S0DBA (step 2, loop 2) sending…',
    ]);
    const s = sections(view);
    expect(s[1]).toBe(':pager: Paging *Bob* (step 2, loop 2): Slack DM queued…');
    expect(s[2]).toBe(':pager: #ops (step 2, loop 2) posted <!date^1772420460^{time_secs}|03:01:00>');
    expect(s[3]).toBe(':pager: <!subteam^S0DBA> (step 2, loop 2) sending…');
  });

  it('failures say why, with Twilio’s code and what it means', () => {
    const view = ledger({
      lines: [
        alice([
          n({ status: 'failed', reason: 'They have no Slack user id, so no Slack DM can reach them.' }),
          n({
            method: 'sms',
            status: 'failed',
            errorCode: 21610,
            reason: 'Attempt to send to unsubscribed recipient',
          }),
          n({ method: 'sms', status: 'undelivered', errorCode: 30099, reason: 'Carrier said no' }),
          n({ method: 'voice', status: 'failed', errorCode: 99999, reason: null }),
        ]),
      ],
    });
    expect(ledgerReply(view, UTC).text).toBe(
      'Paging Alice (step 1): Slack DM failed (They have no Slack user id, so no Slack DM can reach them.) · ' +
        'SMS failed (21610: opted out) · SMS undelivered (30099: Carrier said no) · call failed (99999)',
    );
  });

  it('calls: answered, voicemail, not answered, busy', () => {
    const view = ledger({
      lines: [
        alice([
          n({ method: 'voice', status: 'completed', at: at('03:04:00'), answeredBy: 'human' }),
          n({ method: 'voice', status: 'completed', at: at('03:05:00'), answeredBy: 'machine_end_beep' }),
          n({ method: 'voice', status: 'no-answer', at: at('03:06:00') }),
          n({ method: 'voice', status: 'busy', at: at('03:07:00') }),
          n({ method: 'voice', status: 'initiated', at: at('03:08:00') }),
        ]),
      ],
    });
    expect(ledgerReply(view, UTC).text).toBe(
      'Paging Alice (step 1): call answered 03:04:00 · call reached voicemail 03:05:00 · ' +
        'call not answered 03:06:00 · call busy 03:07:00 · call dialling…',
    );
  });

  it('pages not due yet wait; cancelled ones are struck through with why; then who acknowledged and how', () => {
    const view = ledger({
      lines: [
        alice([
          n({}),
          n({ method: 'sms', status: 'cancelled', at: null, dueAt: at('03:05:00') }),
          n({ method: 'voice', status: 'pending', at: null, dueAt: at('03:10:00') }),
        ]),
      ],
      acknowledged: { by: { name: 'Alice', slackUserId: 'U0ALICE' }, via: 'sms', at: at('03:02:31') },
    });
    const reply = ledgerReply(view, UTC);
    expect(reply.text).toBe(
      'Paging Alice (step 1): Slack DM delivered 03:01:02 · SMS not sent: acknowledged · call waiting until 03:10\n' +
        'Acknowledged by Alice by SMS at 03:02:31',
    );
    expect(sections(view)).toEqual([
      ':pager: Paging <@U0ALICE> (step 1): Slack DM delivered <!date^1772420462^{time_secs}|03:01:02> · ' +
        '~SMS~ not sent: acknowledged · call waiting until <!date^1772421000^{time}|03:10>',
      ':white_check_mark: Acknowledged by <@U0ALICE> by SMS at <!date^1772420551^{time_secs}|03:02:31>',
    ]);
  });

  it('how it was acknowledged is left out when not recorded; a resolution shows too', () => {
    const view = ledger({
      lines: [alice([n({ status: 'cancelled', at: null })])],
      acknowledged: { by: { name: 'Bo', slackUserId: null }, via: null, at: at('03:02:31') },
      resolved: { by: { name: 'Bo', slackUserId: null }, via: 'voice', at: at('03:20:00') },
    });
    expect(ledgerReply(view, UTC).text.split('\n').slice(1)).toEqual([
      'Acknowledged by Bo at 03:02:31',
      'Resolved by Bo by phone at 03:20:00',
    ]);
    const resolvedOnly = ledger({
      lines: [alice([n({ status: 'cancelled', at: null })])],
      resolved: view.resolved,
    });
    expect(ledgerReply(resolvedOnly, UTC).text.split('\n')[0]).toBe(
      'Paging Alice (step 1): Slack DM not sent: resolved',
    );
  });

  it('stays within Slack’s limits with many people and long reasons', () => {
    const lines = Array.from({ length: 80 }, (_, i) => ({
      target: {
        kind: 'person' as const,
        person: { name: `Person ${i} ${'x'.repeat(200)}`, slackUserId: null },
        timeZone: null,
      },
      notifications: Array.from({ length: 5 }, () => n({ status: 'failed', reason: 'y'.repeat(5000) })),
    }));
    const reply = ledgerReply(ledger({ lines }), UTC);
    expect(checkLimits('message', reply)).toEqual([]);
    expect(reply.text).toContain('Paging');
    expect(sections(ledger({ lines })).at(-1)).toBe(':pager: …and 40 more');
  });
});
