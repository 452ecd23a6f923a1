import { incidentRef } from '../incidents/index.js';
import type { EntryRow, HintRow, OccurrenceJson, ResolutionRow, VersionRow } from './knowledge.store.js';
import {
  type EntryDto,
  type EntryVersionDto,
  entryRef,
  type KnownProblemHint,
  type OccurrenceView,
  type ResolutionDto,
  type RootCause,
} from './knowledge.types.js';

const iso = (v: string | Date | null): string | null => (v === null ? null : new Date(v).toISOString());
const minutes = (seconds: number): number => Math.round(seconds / 6) / 10;

export function toEntryDto(
  row: EntryRow,
  linked: { incident_id: string; incident_number: number }[],
): EntryDto {
  const count = Number(row.resolve_count);
  return {
    id: row.id,
    number: row.number,
    ref: entryRef(row.number),
    title: row.title,
    symptoms: row.symptoms,
    resolution: row.resolution,
    signature: row.signature,
    rootCause: row.root_cause as RootCause | null,
    occurrences: row.occurrences,
    lastSeenAt: iso(row.last_seen_at),
    meanTimeToResolveMinutes: count > 0 ? minutes(Number(row.resolve_seconds_total) / count) : null,
    incidents: linked.map((l) => ({
      id: l.incident_id,
      number: l.incident_number,
      ref: incidentRef(l.incident_number),
    })),
    version: row.version,
    createdAt: iso(row.created_at) ?? '',
    updatedAt: iso(row.updated_at) ?? '',
  };
}

export function toVersionDto(row: VersionRow): EntryVersionDto {
  return {
    version: row.version,
    title: row.title,
    symptoms: row.symptoms,
    resolution: row.resolution,
    signature: row.signature,
    rootCause: row.root_cause as RootCause | null,
    editedBy: { kind: row.actor_kind, id: row.actor_id, name: row.actor_name },
    editedAt: iso(row.created_at) ?? '',
  };
}

function toOccurrence(o: OccurrenceJson | null): OccurrenceView | null {
  if (!o) return null;
  return {
    incidentId: o.incident_id,
    number: o.incident_number,
    resolvedAt: new Date(o.resolved_at),
    autoResolved: o.auto_resolved,
    fixedBy: o.by_name ? { name: o.by_name, slackUserId: o.slack_user_id } : null,
    minutes: Math.max(1, Math.round(o.resolve_seconds / 60)),
    fix: o.fix,
  };
}

/** The hint, or null when nothing is known of the signature. */
export function toHint(signature: string, row: HintRow | undefined): KnownProblemHint | null {
  if (!row || (row.n === 0 && !row.entry)) return null;
  return {
    signature,
    occurrences: row.n,
    last: toOccurrence(row.last),
    fixed: toOccurrence(row.fixed),
    entry: row.entry,
  };
}

export function toResolutionDto(
  row: ResolutionRow & {
    resolved_slack: string | null;
    captured_slack: string | null;
    entry_number: number | null;
  },
): ResolutionDto {
  return {
    incidentId: row.incident_id,
    incidentRef: incidentRef(row.incident_number),
    signature: row.signature,
    fix: row.fix,
    rootCause: row.root_cause as RootCause | null,
    addedToKnowledgeBase: row.add_to_kb,
    autoResolved: row.auto_resolved,
    resolvedAt: iso(row.resolved_at) ?? '',
    resolvedBy: {
      kind: row.resolved_by_kind,
      id: row.resolved_by_id,
      name: row.resolved_by_name,
      slackUserId: row.resolved_slack,
    },
    timeToResolveMinutes: minutes(row.resolve_seconds),
    capturedBy: row.captured_by_name
      ? {
          kind: row.captured_by_id ? 'user' : 'system',
          id: row.captured_by_id,
          name: row.captured_by_name,
          slackUserId: row.captured_slack,
        }
      : null,
    capturedAt: iso(row.captured_at),
    entry:
      row.entry_id && row.entry_number !== null
        ? { id: row.entry_id, number: row.entry_number, ref: entryRef(row.entry_number) }
        : null,
  };
}
