import { describe, expect, it } from '@jest/globals';
import type { Actor } from '../../shared/actor.js';
import type { IncidentEvent, TimelineEvent } from '../incidents/index.js';
import { factsNeeded, needsNothing, type RoutingFacts, route } from './routing.calc.js';

const at = new Date('2026-01-05T09:00:00Z');
const integration: Actor = {
  tenantId: 't1',
  kind: 'integration',
  id: 'alertmanager',
  name: 'Alertmanager',
  roles: [],
  source: 'webhook',
};
const alice: Actor = { ...integration, kind: 'user', id: 'u-alice', name: 'Alice', source: 'slack' };

const ev = (incidentId: string, event: TimelineEvent, actor: IncidentEvent['actor'] = integration) => ({
  tenantId: 't1',
  incidentId,
  actor,
  at,
  event,
});
const created = (id: string, service: string) =>
  ev(id, { kind: 'created', data: { verb: 'opened', title: `${service} down`, service, severity: 2 } });
const fired = (id: string, title = 'HighLatency') =>
  ev(id, { kind: 'alert_fired', data: { count: 1, titles: [title], alertIds: ['a1'], severity: 2 } });
const acked = (id: string) => ev(id, { kind: 'acknowledged', data: { endedAlerts: 0 } }, alice);

const facts = (f: Partial<RoutingFacts> = {}): RoutingFacts => ({
  routes: {},
  cards: new Map(),
  channels: new Map(),
  slackIds: new Map(),
  homeUsers: [],
  ...f,
});
const opts = { defaultChannel: 'C0DEFAULT', batch: 'b1' };
const summary = (rows: ReturnType<typeof route>['rows']) =>
  rows.map((r) => `${r.destination} ${r.lane} ${r.key}`);

describe('routing incident events', () => {
  it("posts a new incident's card in its service's channel, else the default channel", () => {
    const r = route(
      [created('i1', 'payments'), fired('i1'), created('i2', 'search')],
      facts({ routes: { payments: '#payments' } }),
      opts,
    );
    expect(summary(r.rows)).toEqual([
      'slack.post payments post:i1:payments',
      'slack.post C0DEFAULT post:i2:C0DEFAULT',
    ]);
    expect(r.rows[0]?.payload).toEqual({ type: 'incident_card' });
    expect(r.unrouted).toEqual([]);
  });

  it('an incident no route and no default channel claims is unrouted (once), and nothing is queued for it', () => {
    const r = route([created('i1', 'payments'), fired('i1'), fired('i1')], facts(), {
      ...opts,
      defaultChannel: null,
    });
    expect(r.rows).toEqual([]);
    expect(r.unrouted).toEqual([{ incidentId: 'i1', service: 'payments' }]);
  });

  it('a change to an existing incident updates each of its cards once and replies under each, in order', () => {
    const r = route(
      [fired('i1', 'A'), fired('i1', 'B'), acked('i1')],
      facts({ cards: new Map([['i1', ['C1', 'C2']]]), slackIds: new Map([['u-alice', 'U0ALICE']]) }),
      opts,
    );
    expect(summary(r.rows)).toEqual([
      'slack.update C1 update:i1:C1:b1',
      'slack.update C2 update:i1:C2:b1',
      'slack.reply C1 reply:b1:C1:0',
      'slack.reply C2 reply:b1:C2:0',
      'slack.reply C1 reply:b1:C1:1',
      'slack.reply C2 reply:b1:C2:1',
      'slack.reply C1 reply:b1:C1:2',
      'slack.reply C2 reply:b1:C2:2',
    ]);
    expect(r.rows.at(-1)?.payload).toEqual({
      event: { kind: 'acknowledged', data: { endedAlerts: 0 } },
      actorName: 'Alice',
      actorSlackId: 'U0ALICE',
      at: at.toISOString(),
    });
  });

  it('the alerts that open an incident are on its new card: no reply for them, but for what else happens', () => {
    const r = route([created('i1', 'payments'), fired('i1'), acked('i1')], facts(), opts);
    expect(summary(r.rows)).toEqual([
      'slack.post C0DEFAULT post:i1:C0DEFAULT',
      'slack.reply C0DEFAULT reply:b1:C0DEFAULT:2',
    ]);
  });

  it('notices about notifications notify nothing (no loop through a failing card)', () => {
    const failed = ev('i1', {
      kind: 'notification_failed',
      data: { destination: 'slack.update', lane: 'C1', reason: 'is_archived', outboxId: '7' },
    });
    const unrouted = ev('i2', { kind: 'notification_unrouted', data: { service: 'x' } });
    expect(needsNothing(factsNeeded([failed, unrouted]))).toBe(true);
    const r = route([failed, unrouted], facts({ cards: new Map([['i1', ['C1']]]), homeUsers: ['U1'] }), opts);
    expect(r.rows).toEqual([]);
  });

  it("mirrors every event that replies under the card into the incident's channel, and nothing else", () => {
    const step = ev('i1', {
      kind: 'notified',
      data: { pageId: 'p', userId: 'u1', method: 'slack_dm', status: 'sent', loop: 0, step: 0 },
    });
    const note = ev('i1', { kind: 'note', data: { text: 'rolling back' } }, alice);
    const r = route(
      [fired('i1'), step, note, acked('i2')],
      facts({ cards: new Map([['i1', ['C1']]]), channels: new Map([['i1', 'C0INC1']]) }),
      opts,
    );
    expect(summary(r.rows).filter((s) => !s.startsWith('slack.update'))).toEqual([
      'slack.reply C1 reply:b1:C1:0',
      'slack.mirror C0INC1 mirror:b1:0',
      'slack.reply C1 reply:b1:C1:2',
      'slack.mirror C0INC1 mirror:b1:2',
    ]);
    const mirrored = r.rows.find((x) => x.key === 'mirror:b1:2');
    expect(mirrored?.payload).toEqual(r.rows.find((x) => x.key === 'reply:b1:C1:2')?.payload);
  });

  it('republishes App Home for its users when anything a card shows changed', () => {
    const r = route([acked('i1')], facts({ homeUsers: ['U0ALICE', 'U0BOB'] }), opts);
    expect(summary(r.rows)).toEqual([
      'slack.home U0ALICE home:t1:U0ALICE:b1',
      'slack.home U0BOB home:t1:U0BOB:b1',
    ]);
  });

  it('asks for only the facts the events need', () => {
    expect(factsNeeded([created('i1', 'payments'), fired('i1'), fired('i2'), acked('i3')])).toEqual({
      routes: true,
      incidentIds: ['i2', 'i3'],
      userIds: ['u-alice'],
      homeUsers: true,
    });
  });
});
