import { describe, expect, it } from '@jest/globals';
import { describeEvent, eventDetail } from './timeline.calc.js';
import {
  parseTimelineEvent,
  TIMELINE_KINDS,
  TIMELINE_RULES,
  type TimelineEvent,
  timelineEventSchema,
} from './timeline.types.js';

const ctx = { ref: 'INC-4', actorName: 'Alice' };
/** One event of every kind. */
const EXAMPLES: TimelineEvent[] = [
  { kind: 'created', data: { verb: 'declared', title: 'Checkout slow', service: 'checkout', severity: 2 } },
  { kind: 'alert_fired', data: { count: 1, titles: ['HighLatency'], alertIds: ['a1'], severity: 2 } },
  { kind: 'alert_resolved', data: { count: 30, titles: ['A', 'B'] } },
  { kind: 'acknowledged', data: { endedAlerts: 0 } },
  { kind: 'resolved', data: { note: 'disk full', endedAlerts: 2 } },
  { kind: 'retriggered', data: { endedAlerts: 0 } },
  { kind: 'assigned', data: { userId: 'u1', userName: 'Bob' } },
  { kind: 'note', data: { text: 'checked the dashboards' } },
  { kind: 'severity_changed', data: { from: 3, to: 2, cause: 'alert' } },
  {
    kind: 'notification_failed',
    data: { destination: 'slack.post', lane: 'payments', reason: 'not_in_channel', outboxId: '9' },
  },
  { kind: 'notification_unrouted', data: { service: 'checkout' } },
  { kind: 'escalation_none', data: { service: 'checkout' } },
  {
    kind: 'escalation_started',
    data: { policyId: 'p1', policyName: 'Payments', version: 2, generation: 0, reason: 'triggered' },
  },
  {
    kind: 'escalation_step',
    data: {
      generation: 0,
      loop: 0,
      step: 0,
      targets: ['Payments'],
      paged: ['Bob'],
      defaulted: [],
      continued: [],
      userGroups: [],
      nextAt: null,
    },
  },
  { kind: 'escalated', data: { generation: 0, loop: 0, step: 1 } },
  { kind: 'escalation_exhausted', data: { generation: 0, loops: 3 } },
  { kind: 'nobody_on_call', data: { target: 'Payments', loop: 0, step: 0 } },
  {
    kind: 'notified',
    data: { pageId: 'p', userId: 'u1', method: 'slack_dm', status: 'sent', loop: 0, step: 0 },
  },
  {
    kind: 'contact_method_disabled',
    data: { userId: 'u1', userName: 'Ana', phone: '+14…0101', why: 'opted_out' },
  },
  { kind: 'channel_opened', data: { channelId: 'C0INC42', name: 'inc-42-checkout-slow' } },
  { kind: 'channel_archived', data: { channelId: 'C0INC42' } },
  { kind: 'title_changed', data: { from: 'Checkout slow', to: 'Checkout down' } },
  {
    kind: 'role_assigned',
    data: { role: 'commander', userId: 'u2', userName: 'Bob', previousUserName: 'Ann' },
  },
  { kind: 'status_update', data: { status: 'identified', message: 'A bad deploy; rolling back' } },
  { kind: 'update_reminder', data: { userId: 'u2', userName: 'Bob', intervalMinutes: 30 } },
  {
    kind: 'silenced',
    data: {
      silenceId: 's1',
      endsAt: '2027-03-28T02:00:00.000Z',
      matchers: 'alertname="HighLatency", service="checkout"',
    },
  },
  { kind: 'merged_into', data: { incidentId: 'i41', ref: 'INC-41' } },
  { kind: 'merged_from', data: { incidentId: 'i43', ref: 'INC-43', alerts: 3 } },
  { kind: 'resolution_captured', data: { fix: 'scaled the pool', cause: 'capacity', kb: true } },
  {
    kind: 'postmortem_published',
    data: {
      postmortemId: 'pm',
      title: 'Checkout slow',
      summary: 'A bad deploy.',
      mttaMs: 240_000,
      mttrMs: 30_000,
      actionItems: 2,
    },
  },
  {
    kind: 'runbook_attached',
    data: {
      runbookId: 'r1',
      slug: 'high-error-rate',
      name: 'High error rate',
      version: 2,
      reason: 'matchers',
    },
  },
  {
    kind: 'runbook_run',
    data: {
      runId: 'r1',
      runbook: 'high-error-rate',
      action: 'restart',
      stage: 'execute',
      outcome: 'failed',
      error: 'HTTP 503',
    },
  },
];

describe('timeline events', () => {
  it('has an example, rules and a rendering for every kind', () => {
    expect(EXAMPLES.map((e) => e.kind)).toEqual(TIMELINE_KINDS);
    for (const e of EXAMPLES) {
      expect(TIMELINE_RULES[e.kind]).toBeDefined();
      expect(describeEvent(e, ctx)).not.toBe('');
      expect(parseTimelineEvent(e.kind, e.data)).toEqual(e);
    }
  });

  it('renders the sentence the REST timeline shows from the data', () => {
    expect(EXAMPLES.map((e) => describeEvent(e, ctx))).toEqual([
      'INC-4 declared by Alice: Checkout slow',
      'Alert fired: HighLatency',
      '30 alerts resolved, including: A; B',
      'INC-4 acknowledged by Alice',
      'INC-4 resolved by Alice: disk full',
      'INC-4 re-triggered by Alice',
      'INC-4 assigned to Bob by Alice',
      'checked the dashboards',
      'Severity raised from P3 to P2 by a new alert',
      'Slack post to #payments failed: not_in_channel',
      expect.stringContaining('No Slack channel takes incidents of service "checkout"'),
      'No escalation policy applies to service "checkout" and there is no default policy: nobody is paged.',
      'Escalating with policy Payments (version 2)',
      'Step 1: Payments; paging 1 person',
      'INC-4 escalated by Alice from step 2',
      'Nobody acknowledged INC-4 after 3 loops',
      'Nobody is on call for Payments: escalating to the next step at once',
      'Slack DM page sent',
      'Ana texted STOP: pages to +14…0101 are off until they text START (or re-verify the number)',
      'Incident channel #inc-42-checkout-slow opened: everything said about the incident is posted there too',
      'Incident channel archived',
      'INC-4 renamed by Alice from "Checkout slow" to "Checkout down"',
      'INC-4 commander: Bob (was Ann), set by Alice',
      'INC-4 status update by Alice (Identified): A bad deploy; rolling back',
      'No status update for 30 min: Bob was reminded',
      'Alice silenced the alerts of INC-4 (alertname="HighLatency", service="checkout") until 2027-03-28 02:00 UTC',
      'INC-4 merged into INC-41 by Alice',
      'INC-43 merged into INC-4 by Alice, with 3 alerts',
      'Alice told what fixed INC-4: scaled the pool (root cause: capacity)',
      'INC-4 postmortem published by Alice: Checkout slow',
      'Runbook High error rate (high-error-rate, version 2) attached: its matchers match the alerts',
      'Runbook high-error-rate · restart: execute failed (HTTP 503)',
    ]);
    expect(eventDetail(EXAMPLES.find((e) => e.kind === 'postmortem_published')!)).toBe(
      'Postmortem published: Checkout slow\nA bad deploy.\nMTTA 4 min · MTTR under a minute · 2 action items',
    );
  });

  it('renders a cleared role and a reminder nobody could get', () => {
    expect(
      eventDetail({
        kind: 'role_assigned',
        data: { role: 'scribe', userId: null, userName: '', previousUserName: 'Ann' },
      }),
    ).toBe('Scribe cleared (was Ann)');
    expect(
      eventDetail({ kind: 'update_reminder', data: { userId: null, userName: '', intervalMinutes: 60 } }),
    ).toBe('No status update for 60 min: Nobody to remind (no commander, assignee or acknowledger)');
  });

  it('renders a resolution captured with the resolve: what fixed it and its root cause category', () => {
    const e: TimelineEvent = {
      kind: 'resolved',
      data: { note: 'restarted pgbouncer', endedAlerts: 0, cause: 'config', kb: true },
    };
    expect(describeEvent(e, ctx)).toBe('INC-4 resolved by Alice: restarted pgbouncer (root cause: config)');
    expect(eventDetail({ kind: 'resolved', data: { endedAlerts: 0, cause: 'deploy' } })).toBe(
      'Root cause: deploy',
    );
    expect(
      eventDetail({ kind: 'resolution_captured', data: { fix: null, cause: 'unknown', kb: false } }),
    ).toBe('Root cause: unknown');
  });

  it("renders the detail under a thread reply's headline, without what the headline says", () => {
    expect(EXAMPLES.slice(3, 8).map(eventDetail)).toEqual([
      '',
      'disk full',
      '',
      'assigned to Bob',
      'checked the dashboards',
    ]);
  });

  it('says where a merged incident went, and what merged into the target', () => {
    expect(
      EXAMPLES.filter((e) => e.kind === 'merged_into' || e.kind === 'merged_from').map(eventDetail),
    ).toEqual([
      'Merged into INC-41: its alerts, timeline and pages are there now',
      'INC-43 merged in, with 3 alerts',
    ]);
  });

  it('refuses unknown kinds and data that does not fit the kind', () => {
    expect(parseTimelineEvent('runbook_attached', {})).toBeNull();
    expect(parseTimelineEvent('note', { message: 'old shape' })).toBeNull();
    expect(parseTimelineEvent('acknowledged', {})).toEqual({
      kind: 'acknowledged',
      data: { endedAlerts: 0 },
    });
    expect(timelineEventSchema.safeParse({ kind: 'assigned', data: { userId: 'u1' } }).success).toBe(false);
  });

  it('only notices about notifications (and runbook runs, which have their own message) stay off threads and cards', () => {
    const quiet = TIMELINE_KINDS.filter((k) => !TIMELINE_RULES[k].reply && !TIMELINE_RULES[k].updatesCard);
    expect(quiet).toEqual([
      'notification_failed',
      'notification_unrouted',
      'escalation_none',
      'notified',
      'update_reminder',
      'runbook_run',
    ]);
  });
});
