/**
 * A postmortem draft's facts from the incident as OpsWatch recorded it: the timeline table, MTTD/MTTA/MTTR, the
 * owner, services, roles and status updates. Pure: the incident (its alerts and timeline) and the zone are given.
 */
import { z } from 'zod';
import type { IncidentDetailDto, TimelineDto } from '../incidents/index.js';
import type {
  PostmortemFacts,
  PostmortemFigures,
  PostmortemRole,
  PostmortemStatusUpdate,
  TimelineRow,
} from './postmortems.types.js';

const ms = (iso: string): number => new Date(iso).getTime();
const iso = (t: number): string => new Date(t).toISOString();

/** The earliest start among the incident's alerts (`startsAt`, else first seen), or null when it has none. */
export function firstAlertAt(incident: Pick<IncidentDetailDto, 'alerts'>): string | null {
  let first: number | null = null;
  for (const a of incident.alerts) {
    const t = ms(a.startsAt ?? a.firstSeenAt);
    if (Number.isFinite(t) && (first === null || t < first)) first = t;
  }
  return first === null ? null : iso(first);
}

/** The instant of the first (`first`) or last event of a kind, or null. */
function eventAt(timeline: readonly TimelineDto[], kind: string, which: 'first' | 'last'): string | null {
  const found = timeline.filter((t) => t.kind === kind);
  const e = which === 'first' ? found[0] : found.at(-1);
  return e ? e.createdAt : null;
}

const span = (from: string | null, to: string | null): number | null =>
  from && to ? Math.max(0, ms(to) - ms(from)) : null;

/**
 * MTTD (first alert's start → opened), MTTA (opened → first acknowledgement), MTTR (opened → last resolution),
 * from the incident's timeline rows and alerts.
 */
export function figuresOf(
  incident: Pick<IncidentDetailDto, 'alerts' | 'timeline' | 'createdAt'>,
): PostmortemFigures {
  const opened = eventAt(incident.timeline, 'created', 'first') ?? incident.createdAt;
  return {
    mttdMs: span(firstAlertAt(incident), opened),
    mttaMs: span(opened, eventAt(incident.timeline, 'acknowledged', 'first')),
    mttrMs: span(opened, eventAt(incident.timeline, 'resolved', 'last')),
  };
}

/** `role_assigned` and `status_update` events (the incident-channel feature's kinds), read loosely. */
const roleData = z.object({ role: z.string(), userName: z.string() });
const statusData = z.object({ status: z.string().nullish(), message: z.string() });

/** Who held each role (the latest assignment of a role wins), in the order roles were first given. */
export function rolesOf(timeline: readonly TimelineDto[]): PostmortemRole[] {
  const roles = new Map<string, string>();
  for (const t of timeline) {
    if (t.kind !== 'role_assigned') continue;
    const d = roleData.safeParse(t.data);
    if (d.success) roles.set(d.data.role, d.data.userName);
  }
  return [...roles].map(([role, userName]) => ({ role, userName }));
}

export function statusUpdatesOf(timeline: readonly TimelineDto[]): PostmortemStatusUpdate[] {
  return timeline.flatMap((t) => {
    if (t.kind !== 'status_update') return [];
    const d = statusData.safeParse(t.data);
    return d.success
      ? [{ at: t.createdAt, status: d.data.status ?? null, message: d.data.message, who: t.actor.name }]
      : [];
  });
}

/**
 * The timeline table: the first alert's start (when it came before the incident was opened), then every event of
 * the incident's timeline as the timeline itself tells it (its rendered message), oldest first.
 */
export function timelineRows(incident: Pick<IncidentDetailDto, 'alerts' | 'timeline'>): TimelineRow[] {
  const rows: TimelineRow[] = [];
  const start = (a: IncidentDetailDto['alerts'][number]) => ms(a.startsAt ?? a.firstSeenAt);
  const earliest = [...incident.alerts].sort((a, b) => start(a) - start(b))[0];
  const opened = incident.timeline[0]?.createdAt;
  if (earliest && (!opened || start(earliest) <= ms(opened))) {
    rows.push({
      at: iso(start(earliest)),
      kind: 'first_alert',
      what: `First alert started: ${earliest.title}`,
      who: earliest.source,
    });
  }
  const events = [...incident.timeline].sort((a, b) => ms(a.createdAt) - ms(b.createdAt));
  for (const t of events) rows.push({ at: t.createdAt, kind: t.kind, what: t.message, who: t.actor.name });
  return rows;
}

/** The services the incident touched: its own, then those its alerts name (label `service`). */
export function servicesOf(incident: Pick<IncidentDetailDto, 'service' | 'alerts'>): string[] {
  const names = [incident.service, ...incident.alerts.map((a) => a.labels.service ?? '')];
  return [...new Set(names.map((n) => n.trim()).filter(Boolean))];
}

/** Every fact of a draft for `incident`, its timeline in `timeZone`. */
export function draftFacts(incident: IncidentDetailDto, timeZone: string): PostmortemFacts {
  return {
    incident: {
      id: incident.id,
      ref: incident.ref,
      title: incident.title,
      severity: incident.severity,
      drill: incident.drill,
    },
    timeZone,
    openedAt: eventAt(incident.timeline, 'created', 'first') ?? incident.createdAt,
    firstAlertAt: firstAlertAt(incident),
    acknowledgedAt: eventAt(incident.timeline, 'acknowledged', 'first'),
    resolvedAt: eventAt(incident.timeline, 'resolved', 'last'),
    owner: incident.assignee ? { id: incident.assignee.id, name: incident.assignee.name } : null,
    services: servicesOf(incident),
    figures: figuresOf(incident),
    roles: rolesOf(incident.timeline),
    statusUpdates: statusUpdatesOf(incident.timeline),
    timeline: timelineRows(incident),
  };
}

/** "1 h 3 min", "4 min 10 s", "12 s", "2 d 3 h"; "—" for null. */
export function humanDuration(msValue: number | null): string {
  if (msValue === null) return '—';
  const total = Math.max(0, Math.round(msValue / 1000));
  const d = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (d > 0) return h ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return m ? `${h} h ${m} min` : `${h} h`;
  if (m > 0) return s ? `${m} min ${s} s` : `${m} min`;
  return `${s} s`;
}
