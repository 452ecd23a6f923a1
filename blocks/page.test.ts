import { describe, expect, it } from '@jest/globals';
import type { ActionsBlock, Button, ContextBlock, HeaderBlock, KnownBlock, SectionBlock } from '@slack/types';
import { homeView } from './home.blocks.js';
import { ESCALATION_ACTIONS, INCIDENT_ACTIONS } from './ids.js';
import { escalationLine, incidentCard } from './incident-card.blocks.js';
import { timelineReply } from './incident-thread.blocks.js';
import { checkLimits } from './limits.js';
import { decodeMetadata } from './metadata.js';
import {
  channelPageMessage,
  EscalateButtonValue,
  exhaustedNotice,
  nobodyOnCallNotice,
  type PageView,
  pageMessage,
  userGroupMention,
} from './page.blocks.js';
import type { CardEscalationView } from './types.js';
import { FIXED_NOW, incidentView, TEST_OPTIONS, timelineItem } from './view-fixtures.js';

const CARD_URL = 'https://example.slack.com/archives/C0INCIDENTS/p1767603600000100';

function pageView(overrides: Partial<PageView> = {}): PageView {
  return {
    incident: incidentView({ service: 'payments' }),
    reason: { kind: 'schedule', scheduleName: 'Payments' },
    token: { generation: 1, loop: 0, step: 1 },
    alertSummary: 'Error rate above 5% for 10 minutes.',
    cardUrl: CARD_URL,
    ...overrides,
  };
}

function buttons(all: readonly object[]): Button[] {
  const blocks = all as KnownBlock[];
  return blocks.filter((b): b is ActionsBlock => b.type === 'actions').flatMap((b) => b.elements as Button[]);
}

function texts(all: readonly object[]): string[] {
  const blocks = all as KnownBlock[];
  return blocks.flatMap((b) => {
    if (b.type === 'section') return [(b as SectionBlock).text?.text ?? ''];
    if (b.type === 'header') return [(b as HeaderBlock).text.text];
    if (b.type === 'context') return (b as ContextBlock).elements.map((e) => ('text' in e ? e.text : ''));
    return [];
  });
}

describe('pageMessage (the page DM)', () => {
  it('says what, how bad, which service, the alert and why you', () => {
    const { blocks, text } = pageMessage(pageView(), TEST_OPTIONS);
    expect(texts(blocks)).toEqual([
      ':red_circle: INC-42 Checkout returns 502',
      '*:red_circle: P1 · Critical* · Service *payments*\nYou are on call for *Payments*\n> Error rate above 5% for 10 minutes.',
    ]);
    expect(text).toBe('INC-42 P1 Checkout returns 502: You are on call for Payments');
    expect(checkLimits('message', { text, blocks })).toEqual([]);
  });

  it('names the step: manager of, directly', () => {
    const manager = pageMessage(pageView({ reason: { kind: 'manager', of: 'Ana' } }), TEST_OPTIONS);
    expect(texts(manager.blocks)[1]).toContain('\nYou are the manager of Ana\n');
    const direct = pageMessage(pageView({ reason: { kind: 'user' } }), TEST_OPTIONS);
    expect(texts(direct.blocks)[1]).toContain('\nEscalated to you directly\n');
  });

  it('offers Acknowledge, Escalate (with the step token) and Open card (a link to the card)', () => {
    const view = pageView();
    const [ackB, escB, openB] = buttons(pageMessage(view, TEST_OPTIONS).blocks);
    expect(ackB).toMatchObject({ action_id: INCIDENT_ACTIONS.acknowledge, value: view.incident.id });
    expect(escB?.action_id).toBe(ESCALATION_ACTIONS.escalate);
    expect(decodeMetadata(EscalateButtonValue, escB?.value)).toEqual({
      i: view.incident.id,
      g: 1,
      l: 0,
      s: 1,
    });
    expect(openB).toMatchObject({ action_id: ESCALATION_ACTIONS.openCard, url: CARD_URL });
  });

  it('leaves Open card out when the card has no permalink (never a link to nothing)', () => {
    const ids = buttons(pageMessage(pageView({ cardUrl: null }), TEST_OPTIONS).blocks).map(
      (b) => b.action_id,
    );
    expect(ids).toEqual([INCIDENT_ACTIONS.acknowledge, ESCALATION_ACTIONS.escalate]);
    const bad = buttons(pageMessage(pageView({ cardUrl: 'javascript:alert(1)' }), TEST_OPTIONS).blocks);
    expect(bad.map((b) => b.action_id)).not.toContain(ESCALATION_ACTIONS.openCard);
  });

  it('once acknowledged, says by whom and keeps only Open card', () => {
    const view = pageView({
      incident: incidentView({ status: 'acknowledged' }),
      acknowledgedBy: { name: 'Ana', slackUserId: 'U0ANA' },
      acknowledgedAt: FIXED_NOW,
    });
    const { blocks, text } = pageMessage(view, TEST_OPTIONS);
    expect(texts(blocks)).toContain(
      `:eyes: Acknowledged by <@U0ANA> <!date^${FIXED_NOW.getTime() / 1000}^{date_short_pretty} {time}|2026-01-05 10:00 +01:00>`,
    );
    expect(buttons(blocks).map((b) => b.action_id)).toEqual([ESCALATION_ACTIONS.openCard]);
    expect(text).toBe('INC-42 P1 Checkout returns 502 — acknowledged: You are on call for Payments');
  });

  it('once resolved, says so', () => {
    const view = pageView({
      incident: incidentView({ status: 'resolved' }),
      resolvedBy: { name: 'Bo', slackUserId: null },
    });
    expect(texts(pageMessage(view, TEST_OPTIONS).blocks)).toContain(':white_check_mark: Resolved by *Bo*');
  });

  it('marks a drill', () => {
    const { blocks, text } = pageMessage(pageView({ incident: incidentView({ drill: true }) }), TEST_OPTIONS);
    expect(texts(blocks)[0]).toBe('[DRILL] :red_circle: INC-42 Checkout returns 502');
    expect(texts(blocks)[1]).toContain(':test_tube: DRILL');
    expect(text.startsWith('[DRILL] ')).toBe(true);
  });

  it('stays within limits whatever the title and summary', () => {
    const view = pageView({
      incident: incidentView({ title: 'x'.repeat(5000), service: 's'.repeat(5000) }),
      alertSummary: '<&>'.repeat(3000),
      reason: { kind: 'schedule', scheduleName: 'p'.repeat(5000) },
    });
    expect(checkLimits('message', pageMessage(view, TEST_OPTIONS))).toEqual([]);
  });
});

describe('escalation posts', () => {
  it('slack_channel: @here with an Acknowledge', () => {
    const msg = channelPageMessage(pageView(), TEST_OPTIONS);
    expect(texts(msg.blocks)[0]).toBe(
      '<!here> :red_circle: *INC-42 Checkout returns 502* needs someone to acknowledge it.\nP1 · Critical · Service *payments*\n> Error rate above 5% for 10 minutes.',
    );
    expect(buttons(msg.blocks).map((b) => b.action_id)).toEqual([
      INCIDENT_ACTIONS.acknowledge,
      ESCALATION_ACTIONS.openCard,
    ]);
    expect(checkLimits('message', msg)).toEqual([]);
  });

  it('slack_user_group: a mention', () => {
    const msg = userGroupMention('S0PAYMENTS', incidentView());
    expect(texts(msg.blocks)).toEqual([
      '<!subteam^S0PAYMENTS> *INC-42* is escalating to you: Checkout returns 502',
    ]);
  });

  it('exhausted: "Nobody acknowledged INC-42 after 3 loops"', () => {
    expect(exhaustedNotice(incidentView(), 3).text).toBe('Nobody acknowledged INC-42 after 3 loops');
    expect(exhaustedNotice(incidentView(), 1).text).toBe('Nobody acknowledged INC-42 after 1 loop');
    expect(texts(exhaustedNotice(incidentView(), 2, 'C0FALLBACK').blocks)[0]).toContain(
      'Asking <#C0FALLBACK>.',
    );
  });

  it('"Nobody is on call for Payments"', () => {
    const msg = nobodyOnCallNotice(incidentView(), 'Payments', true);
    expect(msg.text).toBe('Nobody is on call for Payments');
    expect(texts(msg.blocks)).toEqual([
      ':warning: Nobody is on call for *Payments*. Escalating to the next step now.',
    ]);
  });
});

describe('the card’s escalation line and Escalate button', () => {
  const esc: CardEscalationView = {
    token: { generation: 2, loop: 1, step: 0 },
    state: 'active',
    pagingNow: [{ person: { name: 'Ana', slackUserId: 'U0ANA' }, why: 'Payments on-call' }],
    next: { at: new Date(FIXED_NOW.getTime() + 4 * 60_000), to: 'Payments managers' },
  };

  it('says who is paged now and when the next step fires', () => {
    expect(escalationLine(esc, TEST_OPTIONS)).toBe(
      `:pager: Paging <@U0ANA> (Payments on-call) · Escalates to Payments managers in 4 min (at <!date^${FIXED_NOW.getTime() / 1000 + 240}^{time}|2026-01-05 10:04 +01:00>)`,
    );
    expect(escalationLine({ ...esc, next: null }, TEST_OPTIONS)).toBe(
      ':pager: Paging <@U0ANA> (Payments on-call) · Last step',
    );
    expect(escalationLine({ ...esc, state: 'exhausted', loops: 3 }, TEST_OPTIONS)).toBe(
      ':rotating_light: Nobody acknowledged after 3 loops',
    );
  });

  it('adds Escalate with the token while triggered, not once acknowledged', () => {
    const view = incidentView({ escalation: esc });
    const card = incidentCard(view, TEST_OPTIONS);
    const escalate = buttons(card.blocks).find((b) => b.action_id === ESCALATION_ACTIONS.escalate);
    expect(decodeMetadata(EscalateButtonValue, escalate?.value)).toEqual({ i: view.id, g: 2, l: 1, s: 0 });
    expect(texts(card.blocks).some((t) => t.startsWith(':pager: Paging <@U0ANA>'))).toBe(true);
    const acked = incidentCard(incidentView({ escalation: esc, status: 'acknowledged' }), TEST_OPTIONS);
    expect(buttons(acked.blocks).map((b) => b.action_id)).not.toContain(ESCALATION_ACTIONS.escalate);
    expect(JSON.stringify(acked.blocks)).not.toContain(':pager:');
    expect(checkLimits('message', card)).toEqual([]);
  });

  it('marks a drill on the card and its thread replies', () => {
    const view = incidentView({ drill: true });
    const card = incidentCard(view, TEST_OPTIONS);
    expect(texts(card.blocks)[0]).toBe('[DRILL] :red_circle: INC-42 Checkout returns 502');
    expect(card.text.startsWith('[DRILL] [P1] INC-42')).toBe(true);
    const reply = timelineReply(timelineItem(), view, TEST_OPTIONS);
    expect(texts(reply.blocks)[0]).toBe(':test_tube: DRILL · :eyes: <@U0ALICE> acknowledged *INC-42*');
    expect(reply.text.startsWith('[DRILL] ')).toBe(true);
  });
});

describe('App Home: Incidents paging you', () => {
  const user = { slackUserId: 'U0ANA', name: 'Ana' };
  it('lists them first, with Acknowledge and Escalate', () => {
    const incident = incidentView({ drill: true });
    const view = homeView(
      {
        user,
        openIncidents: [],
        assignedToMe: [],
        pagingMe: [
          {
            incident,
            reason: { kind: 'schedule', scheduleName: 'Payments' },
            token: { generation: 1, loop: 0, step: 0 },
            pagedAt: FIXED_NOW,
          },
        ],
      },
      TEST_OPTIONS,
    );
    const t = texts(view.blocks);
    expect(t).toContain('Incidents paging you (1)');
    expect(t.find((x) => x.includes('You are on call for *Payments*'))).toContain(':test_tube: DRILL · ');
    const ids = buttons(view.blocks).map((b) => b.action_id);
    expect(ids).toContain(ESCALATION_ACTIONS.escalate);
    expect(checkLimits('home', view)).toEqual([]);
  });

  it('says when nothing pages you, and is left out when not known', () => {
    const empty = homeView({ user, openIncidents: [], assignedToMe: [], pagingMe: [] }, TEST_OPTIONS);
    expect(texts(empty.blocks)).toContain('Nothing is paging you.');
    const none = homeView({ user, openIncidents: [], assignedToMe: [] }, TEST_OPTIONS);
    expect(JSON.stringify(none.blocks)).not.toContain('paging you');
  });

  it('stays within 100 blocks with many pages and incidents', () => {
    const many = Array.from({ length: 50 }, (_, i) => ({
      incident: incidentView({ id: `i${i}`, number: i }),
      reason: { kind: 'user' as const },
      token: { generation: 1, loop: 0, step: 0 },
      pagedAt: FIXED_NOW,
    }));
    const open = Array.from({ length: 200 }, (_, i) => incidentView({ id: `o${i}`, number: 1000 + i }));
    const view = homeView({ user, openIncidents: open, assignedToMe: open, pagingMe: many }, TEST_OPTIONS);
    expect(checkLimits('home', view)).toEqual([]);
  });
});

describe('a drill’s closing reply', () => {
  it('states the time to acknowledge and who did', () => {
    const createdAt = new Date(FIXED_NOW.getTime() - 10 * 60_000);
    const view = incidentView({
      drill: true,
      status: 'resolved',
      createdAt,
      acknowledgedAt: new Date(createdAt.getTime() + 130_000),
      acknowledgedBy: 'Ana',
      resolvedAt: FIXED_NOW,
    });
    const reply = timelineReply(timelineItem({ kind: 'resolved', actorName: 'Ana' }), view, TEST_OPTIONS);
    expect(texts(reply.blocks)[0]).toContain('\nDrill over: acknowledged in 2 min 10 s by Ana.');
    expect(reply.text).toContain('Drill over: acknowledged in 2 min 10 s by Ana.');
    const notAcked = timelineReply(
      timelineItem({ kind: 'resolved' }),
      { ...view, acknowledgedAt: null, acknowledgedBy: null },
      TEST_OPTIONS,
    );
    expect(notAcked.text).toContain('Drill over: nobody acknowledged it before it was resolved.');
    const real = timelineReply(timelineItem({ kind: 'resolved' }), { ...view, drill: false }, TEST_OPTIONS);
    expect(real.text).not.toContain('Drill over');
  });
});
