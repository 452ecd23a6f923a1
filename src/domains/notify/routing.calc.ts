/**
 * What incident events become: which outbox rows, to which destinations and lanes. Pure: the facts it needs are
 * loaded by the caller (one query per transaction), and the kinds' rules (TIMELINE_RULES) say what each event
 * does — no kind is special-cased here or in SQL.
 */
import { withoutHash } from '../../shared/slack-channel.js';
import { type IncidentEvent, TIMELINE_RULES } from '../incidents/index.js';
import type { NewOutboxRow } from './outbox.types.js';

/** What routing reads from the database for one tenant's events. */
export interface RoutingFacts {
  /** The tenant's Slack routes: service → channel. */
  routes: Readonly<Record<string, string>>;
  /** The incidents' cards already queued or posted (before this transaction): incident id → lanes. */
  cards: ReadonlyMap<string, readonly string[]>;
  /** The incidents' own channels, where they have one (not archived): incident id → Slack channel id. */
  channels: ReadonlyMap<string, string>;
  /** Slack user ids of the people acting, by OpsWatch user id. */
  slackIds: ReadonlyMap<string, string>;
  /** Slack users who use App Home (opened it lately): their Home is republished when incidents change. */
  homeUsers: readonly string[];
}

export interface RoutingOptions {
  /** SLACK_DEFAULT_CHANNEL: where incidents no route claims go. */
  defaultChannel: string | null;
  /** Unique per routing run: keys of rows that are one per run (a card update, a Home publish, a reply). */
  batch: string;
}

/** What routing needs loaded for some events (the caller loads no more). */
export interface FactsNeeded {
  /** Routes are read: some incident was created. */
  routes: boolean;
  /** Incidents whose existing cards are needed (they were not created by these events). */
  incidentIds: string[];
  /** OpsWatch users acting, whose Slack ids replies mention. */
  userIds: string[];
  /** App Home users are read: something a card shows changed. */
  homeUsers: boolean;
}

export interface Routed {
  rows: NewOutboxRow[];
  /** Incidents created with no route and no default channel: nobody is notified of them. */
  unrouted: { incidentId: string; service: string }[];
}

const rulesOf = (e: IncidentEvent) => TIMELINE_RULES[e.event.kind];

export function factsNeeded(events: readonly IncidentEvent[]): FactsNeeded {
  const created = new Set(events.filter((e) => e.event.kind === 'created').map((e) => e.incidentId));
  const notifying = events.filter((e) => rulesOf(e).reply || rulesOf(e).updatesCard);
  return {
    routes: created.size > 0,
    incidentIds: [...new Set(notifying.map((e) => e.incidentId))].filter((id) => !created.has(id)),
    userIds: [
      ...new Set(
        events.flatMap((e) =>
          rulesOf(e).reply && e.actor.kind === 'user' && e.actor.id ? [e.actor.id] : [],
        ),
      ),
    ],
    homeUsers: events.some((e) => rulesOf(e).updatesCard),
  };
}

/** True when nothing needs loading: the events notify no one (notices about notifications). */
export const needsNothing = (n: FactsNeeded): boolean =>
  !n.routes && !n.homeUsers && n.incidentIds.length === 0 && n.userIds.length === 0;

const lane = (channel: string | undefined | null): string | null =>
  (channel ? withoutHash(channel) : '') || null;

/**
 * One tenant's events (in the order they were recorded) → outbox rows, in the order they are to be delivered:
 * - a card post for each incident created, in its service's routed channel, else the default channel, else none
 *   (`unrouted`) — none for a test page;
 * - one card update per existing card of each incident whose card shows something that changed;
 * - a thread reply under each of the incident's cards for each event that replies (not under a card posted by
 *   these same events when the new card already shows it), and the same event as a message in the incident's
 *   own channel when it has one (whatever the kind: what replies under the card is mirrored there);
 * - one App Home publish per Home user when anything a card shows changed.
 */
export function route(events: readonly IncidentEvent[], facts: RoutingFacts, opts: RoutingOptions): Routed {
  const rows: NewOutboxRow[] = [];
  const unrouted: Routed['unrouted'] = [];
  const tenantOf = (incidentId: string) => events.find((e) => e.incidentId === incidentId)?.tenantId ?? '';
  /** incident → lanes of cards posted by these events. */
  const fresh = new Map<string, string[]>();
  for (const e of events) {
    if (e.event.kind !== 'created' || fresh.has(e.incidentId)) continue;
    // A test page is between OpsWatch and the person it pages: no card, in no channel.
    if (e.event.data.test) {
      fresh.set(e.incidentId, []);
      continue;
    }
    const to = lane(facts.routes[e.event.data.service]) ?? lane(opts.defaultChannel);
    fresh.set(e.incidentId, to ? [to] : []);
    if (!to) {
      unrouted.push({ incidentId: e.incidentId, service: e.event.data.service });
      continue;
    }
    rows.push({
      tenantId: e.tenantId,
      incidentId: e.incidentId,
      destination: 'slack.post',
      lane: to,
      payload: { type: 'incident_card' },
      key: `post:${e.incidentId}:${to}`,
    });
  }
  const existing = (incidentId: string): readonly string[] => facts.cards.get(incidentId) ?? [];

  const changed = new Set(events.filter((e) => rulesOf(e).updatesCard).map((e) => e.incidentId));
  for (const incidentId of changed) {
    for (const to of existing(incidentId)) {
      if (fresh.get(incidentId)?.includes(to)) continue;
      rows.push({
        tenantId: tenantOf(incidentId),
        incidentId,
        destination: 'slack.update',
        lane: to,
        payload: { type: 'incident_card' },
        key: `update:${incidentId}:${to}:${opts.batch}`,
      });
    }
  }

  events.forEach((e, ord) => {
    const rules = rulesOf(e);
    if (!rules.reply) return;
    const isNew = (to: string) => fresh.get(e.incidentId)?.includes(to) ?? false;
    const lanes = [...new Set([...existing(e.incidentId), ...(fresh.get(e.incidentId) ?? [])])];
    const payload = {
      event: e.event,
      actorName: e.actor.name,
      actorSlackId: (e.actor.kind === 'user' && e.actor.id && facts.slackIds.get(e.actor.id)) || null,
      at: e.at.toISOString(),
    };
    for (const to of lanes) {
      if (isNew(to) && !rules.replyOnNewCard) continue;
      rows.push({
        tenantId: e.tenantId,
        incidentId: e.incidentId,
        destination: 'slack.reply',
        lane: to,
        payload,
        key: `reply:${opts.batch}:${to}:${ord}`,
      });
    }
    const channel = facts.channels.get(e.incidentId);
    if (channel) {
      rows.push({
        tenantId: e.tenantId,
        incidentId: e.incidentId,
        destination: 'slack.mirror',
        lane: channel,
        payload,
        key: `mirror:${opts.batch}:${ord}`,
      });
    }
  });

  const first = events[0];
  if (first && changed.size > 0) {
    for (const user of facts.homeUsers) {
      rows.push({
        tenantId: first.tenantId,
        incidentId: null,
        destination: 'slack.home',
        lane: user,
        payload: {},
        key: `home:${first.tenantId}:${user}:${opts.batch}`,
      });
    }
  }
  return { rows, unrouted };
}
