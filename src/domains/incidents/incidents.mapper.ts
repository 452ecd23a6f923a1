import { AppError } from '../../shared/errors.js';
import { isUuid } from '../../shared/ids.js';
import { parseIncidentNumber } from '../../shared/incident-ref.js';
import type { IncidentRole, IncidentRolesDto } from './coordination.types.js';
import type { IncidentAlert, IncidentAlertCounts } from './incident-alerts.port.js';
import type { IncidentListRow, RefQuery, RoleHolderRow, TimelineRow } from './incidents.store.js';
import {
  type AlertSummaryDto,
  type AttachedRunbookSummary,
  type IncidentDto,
  incidentRef,
  type TimelineDto,
  type UserRef,
} from './incidents.types.js';
import { describeEvent } from './timeline.calc.js';
import { parseTimelineEvent } from './timeline.types.js';

const iso = (d: Date | string | null): string | null => (d ? new Date(d).toISOString() : null);

/** Accepts an incident id (uuid), `INC-42`, `inc-42`, `#42` or `42`. */
export function parseIncidentRef(ref: string): RefQuery {
  const s = ref.trim();
  if (isUuid(s)) return { id: s.toLowerCase() };
  const number = parseIncidentNumber(s);
  if (number !== null) return { number };
  throw AppError.validation(`"${ref}" is not an incident reference. Use INC-42, 42 or the incident id.`, [
    { field: 'incident', message: 'expected INC-<number> or an id' },
  ]);
}

const NO_ALERTS: IncidentAlertCounts = { total: 0, firing: 0 };

/** The incident as the API shows it, with its alert counts (from the alerts domain). */
export function toIncidentDto(r: IncidentListRow, counts: IncidentAlertCounts = NO_ALERTS): IncidentDto {
  return {
    id: r.id,
    number: r.number,
    ref: incidentRef(r.number),
    title: r.title,
    description: r.description,
    service: r.service,
    environment: r.environment,
    severity: r.severity,
    severityLabel: `P${r.severity}`,
    status: r.status,
    source: r.source,
    groupKey: r.group_key,
    assignee: r.assignee_id
      ? {
          id: r.assignee_id,
          name: r.assignee_name ?? '',
          email: r.assignee_email,
          slackUserId: r.assignee_slack_user_id,
        }
      : null,
    alertCount: counts.total,
    firingAlertCount: counts.firing,
    createdAt: iso(r.created_at)!,
    acknowledgedAt: iso(r.acknowledged_at),
    resolvedAt: iso(r.resolved_at),
    updatedAt: iso(r.updated_at)!,
    version: r.version,
    drill: r.drill === true,
    roles: rolesOf(r.roles),
    mergedInto:
      r.merged_into && r.merged_into_number !== null
        ? { id: r.merged_into, ref: incidentRef(r.merged_into_number) }
        : null,
  };
}

/** Each role's holder from the row's `roles` (null: nobody). */
function rolesOf(rows: Record<string, RoleHolderRow> | null): IncidentRolesDto {
  const of = (role: IncidentRole): UserRef | null => {
    const h = rows?.[role];
    return h ? { id: h.id, name: h.name, email: h.email, slackUserId: h.slackUserId } : null;
  };
  return { commander: of('commander'), communications: of('communications'), scribe: of('scribe') };
}

export function toAlertDto(a: IncidentAlert): AlertSummaryDto {
  return {
    id: a.id,
    source: a.source,
    dedupKey: a.dedup_key,
    status: a.status,
    title: a.title,
    severity: a.severity,
    labels: a.labels,
    annotations: a.annotations,
    links: a.links,
    startsAt: iso(a.starts_at),
    endsAt: iso(a.ends_at),
    firstSeenAt: iso(a.first_seen_at)!,
    lastSeenAt: iso(a.last_seen_at)!,
    resolvedAt: iso(a.resolved_at),
    occurrences: a.occurrences,
  };
}

/**
 * A timeline row as the API shows it: the event's data, and its message rendered from the data for the incident
 * `ref` (a row of a kind this version does not know keeps the message it was stored with).
 */
export function toTimelineDto(t: TimelineRow, incidentRefText: string): TimelineDto {
  const event = parseTimelineEvent(t.kind, t.data);
  // An entry a merge moved here reads as it did on the incident it was recorded on.
  const mergedFrom = t.merged_from_number !== null ? incidentRef(t.merged_from_number) : null;
  const ref = mergedFrom ?? incidentRefText;
  return {
    id: t.id,
    kind: t.kind,
    actor: { kind: t.actor_kind, id: t.actor_id, name: t.actor_name },
    message: event ? describeEvent(event, { ref, actorName: t.actor_name }) : (t.message ?? t.kind),
    data: (event?.data as Record<string, unknown> | undefined) ?? t.data,
    createdAt: iso(t.created_at)!,
    mergedFrom,
  };
}

/**
 * The runbooks attached to an incident, from its `runbook_attached` events (the runbooks domain records one per
 * runbook per incident; a merge may bring another's: each runbook once, the first attachment).
 */
export function attachedRunbooksOf(timeline: readonly TimelineDto[]): AttachedRunbookSummary[] {
  const out = new Map<string, AttachedRunbookSummary>();
  for (const t of timeline) {
    if (t.kind !== 'runbook_attached') continue;
    const d = t.data as Omit<AttachedRunbookSummary, 'attachedAt'>;
    if (!out.has(d.runbookId))
      out.set(d.runbookId, {
        runbookId: d.runbookId,
        slug: d.slug,
        name: d.name,
        version: d.version,
        reason: d.reason,
        attachedAt: t.createdAt,
      });
  }
  return [...out.values()];
}

export function encodeCursor(r: { created_at: Date | string; id: string }): string {
  return Buffer.from(`${new Date(r.created_at).toISOString()}|${r.id}`).toString('base64url');
}

export function decodeCursor(c: string): { createdAt: string; id: string } {
  const [createdAt, id] = Buffer.from(c, 'base64url').toString('utf8').split('|');
  if (!createdAt || !id || Number.isNaN(Date.parse(createdAt)) || !isUuid(id)) {
    throw AppError.validation('The cursor is not valid; use the nextCursor of a previous page.', [
      { field: 'cursor', message: 'invalid cursor' },
    ]);
  }
  return { createdAt, id };
}
