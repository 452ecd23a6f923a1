import type {
  CardEscalationView,
  IncidentView,
  LinkView,
  PersonView,
  Severity,
  StatusUpdateView,
  TimelineItemView,
} from '../../blocks/types.js';
import type { CardEscalationDto } from '../domains/escalation/index.js';
import {
  eventDetail,
  type IncidentDetailDto,
  type IncidentDto,
  type TimelineDto,
  type TimelineEvent,
} from '../domains/incidents/index.js';
import type { StatusUpdatePayload } from '../domains/notify/index.js';

const MAX_LINKS = 6;

function lastActor(timeline: readonly TimelineDto[], kind: string): string | null {
  for (let i = timeline.length - 1; i >= 0; i--) {
    const t = timeline[i];
    if (t?.kind === kind) return t.actor.name;
  }
  return null;
}

function linksOf(d: IncidentDetailDto): LinkView[] {
  const seen = new Set<string>();
  const out: LinkView[] = [];
  for (const a of d.alerts) {
    for (const l of a.links) {
      if (!seen.has(l.href)) {
        seen.add(l.href);
        out.push({ href: l.href, text: l.text });
      }
    }
  }
  return out.slice(0, MAX_LINKS);
}

/** The labels every firing alert of the incident shares (all alerts' when none fires), i.e. what the card shows. */
function labelsOf(d: IncidentDetailDto): Record<string, string> {
  const firing = d.alerts.filter((a) => a.status === 'firing');
  const from = firing.length ? firing : d.alerts;
  const [first, ...rest] = from;
  if (!first) return {};
  return Object.fromEntries(
    Object.entries(first.labels).filter(([k, v]) => rest.every((a) => a.labels[k] === v)),
  );
}

/** The card's escalation line from the escalation domain's read. */
export function toCardEscalationView(d: CardEscalationDto): CardEscalationView {
  return {
    token: d.token,
    state: d.state === 'active' || d.state === 'exhausted' ? d.state : 'stopped',
    pagingNow: d.pagingNow.map((p) => ({ person: { name: p.name, slackUserId: p.slackUserId }, why: p.why })),
    next: d.next,
    loops: d.loops,
  };
}

/** The one mapping from incident DTOs to the Block Kit view model. */
export function toIncidentView(d: IncidentDto | IncidentDetailDto): IncidentView {
  const detail = 'timeline' in d ? d : null;
  return {
    id: d.id,
    number: d.number,
    title: d.title,
    description: d.description,
    service: d.service,
    environment: d.environment,
    severity: Math.min(5, Math.max(1, d.severity)) as Severity,
    status: d.status,
    assignee: d.assignee ? { name: d.assignee.name, slackUserId: d.assignee.slackUserId } : null,
    createdAt: new Date(d.createdAt),
    acknowledgedAt: d.acknowledgedAt ? new Date(d.acknowledgedAt) : null,
    resolvedAt: d.resolvedAt ? new Date(d.resolvedAt) : null,
    acknowledgedBy: detail ? lastActor(detail.timeline, 'acknowledged') : null,
    resolvedBy: detail ? lastActor(detail.timeline, 'resolved') : null,
    labels: detail ? labelsOf(detail) : {},
    links: detail ? linksOf(detail) : [],
    alertCount: d.alertCount,
    openAlertCount: d.firingAlertCount,
    drill: d.drill,
    roles: {
      commander: personOf(d.roles?.commander),
      communications: personOf(d.roles?.communications),
      scribe: personOf(d.roles?.scribe),
    },
  };
}

/** A status update's message view from its outbox payload. */
export function toStatusUpdateView(p: StatusUpdatePayload): StatusUpdateView {
  return {
    ref: p.ref,
    title: p.title,
    severity: Math.min(5, Math.max(1, p.severity)) as Severity,
    drill: p.drill,
    status: p.status,
    message: p.message,
    authorName: p.authorName,
    at: new Date(p.at),
  };
}

const personOf = (u: { name: string; slackUserId: string | null } | null | undefined): PersonView | null =>
  u ? { name: u.name, slackUserId: u.slackUserId } : null;

/**
 * A thread reply's view: the event's kind and its detail rendered from its data; `merged` are events of the same
 * kind sent in the same reply (a burst of alerts), one detail line each.
 */
export function toTimelineItemView(
  item: { event: TimelineEvent; actorName: string; actorSlackId: string | null; at: string | Date },
  merged: readonly { event: TimelineEvent }[] = [],
): TimelineItemView {
  return {
    at: new Date(item.at),
    actorName: item.actorName,
    actorSlackId: item.actorSlackId,
    kind: item.event.kind,
    message: [item, ...merged]
      .map((i) => eventDetail(i.event))
      .filter(Boolean)
      .join('\n'),
  };
}
