import { z } from 'zod';
import type { Em } from '../../db/sql.js';
import type { Actor } from '../../shared/actor.js';
import { AppError, parseInput } from '../../shared/errors.js';
import { recordAudit } from '../audit/index.js';
import type { IncidentAlertsPort, IncidentPagesPort } from './incident-alerts.port.js';
import type { IncidentEventSink } from './incident-events.js';
import { lockGroups } from './incident-ingest.js';
import { applyTransition, recordChanges } from './incident-lifecycle.js';
import { mergeStore } from './incident-merge.store.js';
import { parseIncidentRef } from './incidents.mapper.js';
import { type IncidentListRow, type IncidentRow, incidentsStore, type RefQuery } from './incidents.store.js';
import { incidentRef } from './incidents.types.js';

/** A merge's body: the incident to merge into (`INC-41`, `41` or its id). */
export const mergeInputSchema = z.object({
  into: z
    .string({ error: 'name the incident to merge into (INC-41, 41 or its id)' })
    .trim()
    .min(1, 'name the incident to merge into (INC-41, 41 or its id)')
    .max(100),
});
export type MergeInput = z.input<typeof mergeInputSchema>;

export interface MergeRefs {
  source: RefQuery;
  sourceRef: string;
  target: RefQuery;
  targetRef: string;
}

/** The incident to merge (`ref`) and the one to merge into (the body's `into`), read as references. */
export function mergeRefs(ref: string, input: unknown): MergeRefs {
  const source = parseIncidentRef(ref);
  const { into } = parseInput(mergeInputSchema, input, 'The merge is not valid.');
  try {
    return { source, sourceRef: ref, target: parseIncidentRef(into), targetRef: into };
  } catch {
    throw AppError.validation(`"${into}" is not an incident reference. Use INC-41, 41 or the incident id.`, [
      { field: 'into', message: 'expected INC-<number> or an id' },
    ]);
  }
}

/**
 * The open incidents the incident may be merged into, most recent first (drills with drills; never a test page);
 * undefined when the incident does not exist.
 */
export async function mergeTargetRows(
  em: Em,
  tenantId: string,
  q: RefQuery,
  limit: number,
): Promise<IncidentListRow[] | undefined> {
  const self = await incidentsStore.get(em, tenantId, q);
  if (!self) return undefined;
  const rows = await incidentsStore.list(em, tenantId, {
    statuses: ['triggered', 'acknowledged'],
    limit: limit + 1,
  });
  return rows.filter((r) => r.id !== self.id && r.drill === self.drill && !r.test_of).slice(0, limit);
}

/** What a merge did, in its transaction. */
export interface MergeOutcome {
  sourceId: string;
  targetId: string;
  moved: { alerts: number; timeline: number; pages: number };
}

export interface MergeDeps {
  sink: IncidentEventSink;
  alerts: IncidentAlertsPort;
  pages: IncidentPagesPort;
}

/** The group keys whose alerts an incident takes: its own and those of the incidents merged into it. */
const groupKeysOf = (r: Pick<IncidentRow, 'group_key' | 'merged_group_keys'>): string[] => [
  ...(r.group_key !== null ? [r.group_key] : []),
  ...(r.merged_group_keys ?? []),
];

/** Why this merge may not happen, as a person reads it; null when it may. */
function refusal(source: IncidentRow, target: IncidentRow): AppError | null {
  const from = incidentRef(source.number);
  const into = incidentRef(target.number);
  if (source.status === 'resolved')
    return AppError.conflict(
      source.merged_into
        ? `${from} was already merged into another incident.`
        : `${from} is resolved: only open incidents can be merged.`,
    );
  if (target.status === 'resolved')
    return AppError.conflict(`${into} is resolved: merge ${from} into an open incident.`);
  // A target that was itself merged is resolved (above); this guards the chain should that ever change.
  if (target.merged_into) return AppError.conflict(`${into} was merged into another incident.`);
  if (source.test_of || target.test_of)
    return AppError.validation('A test page cannot be merged, or merged into.', [
      { field: 'into', message: 'test pages are not merged' },
    ]);
  if (source.drill !== target.drill)
    return AppError.conflict(
      `${source.drill ? from : into} is a fire drill and ${source.drill ? into : from} is not: they cannot be merged.`,
    );
  return null;
}

/**
 * Merges `sourceQ` into `targetQ` in the caller's transaction. Locks, in the order every writer of a grouped
 * incident uses: the group locks of both incidents' groups (one sorted statement), then both incidents' rows (by
 * id). Then the alerts (alerts domain), the timeline (here) and the pages (escalation domain) move to the target;
 * the source resolves — which stops its escalation and cancels its pending pages, in this transaction — and points
 * to the target; the target takes the source's groups, so their later alerts join it; both record the merge.
 */
export async function mergeIncidents(
  em: Em,
  deps: MergeDeps,
  actor: Actor,
  refs: MergeRefs,
  now: Date,
): Promise<MergeOutcome> {
  const tenantId = actor.tenantId;
  const [src0, tgt0] = await Promise.all([
    incidentsStore.get(em, tenantId, refs.source),
    incidentsStore.get(em, tenantId, refs.target),
  ]);
  if (!src0) throw AppError.notFound(`Incident ${refs.sourceRef}`);
  if (!tgt0) throw AppError.notFound(`Incident ${refs.targetRef}`);
  if (src0.id === tgt0.id)
    throw AppError.validation(`${incidentRef(src0.number)} cannot be merged into itself.`, [
      { field: 'into', message: 'must be another incident' },
    ]);
  const keys = new Set([...groupKeysOf(src0), ...groupKeysOf(tgt0)]);
  await lockGroups(em, tenantId, [...keys], deps.sink);
  const rows = await incidentsStore.lockMany(em, tenantId, [src0.id, tgt0.id]);
  // Another merge may have given either incident more groups between the read and the lock: lock those too (a
  // rare second statement; the rows are locked now, so their groups cannot change again).
  const more = rows.flatMap(groupKeysOf).filter((k) => !keys.has(k));
  if (more.length) await lockGroups(em, tenantId, more, deps.sink);
  const source = rows.find((r) => r.id === src0.id);
  const target = rows.find((r) => r.id === tgt0.id);
  if (!source) throw AppError.notFound(`Incident ${refs.sourceRef}`);
  if (!target) throw AppError.notFound(`Incident ${refs.targetRef}`);
  const refused = refusal(source, target);
  if (refused) throw refused;

  const from = incidentRef(source.number);
  const into = incidentRef(target.number);
  const alerts = await deps.alerts.moveAll(em, tenantId, source.id, target.id, now);
  const timeline = await mergeStore.moveTimeline(em, tenantId, source.id, target.id);
  // With its alerts gone, resolving ends none of them; it stops the source's escalation (pending pages cancelled).
  await applyTransition(em, deps.sink, deps.alerts, actor, source, 'resolve', now, `Merged into ${into}`);
  const pages = await deps.pages.moveAll(em, tenantId, source.id, target.id);
  const targetKeys = [...new Set([...(target.merged_group_keys ?? []), ...groupKeysOf(source)])].filter(
    (k) => k !== target.group_key,
  );
  await incidentsStore.update(
    em,
    tenantId,
    source.id,
    { merged_into: target.id, merged_group_keys: [] },
    now,
  );
  await incidentsStore.update(em, tenantId, target.id, { merged_group_keys: targetKeys }, now);
  await recordChanges(
    em,
    deps.sink,
    actor,
    [
      { incidentId: source.id, event: { kind: 'merged_into', data: { incidentId: target.id, ref: into } } },
      {
        incidentId: target.id,
        event: { kind: 'merged_from', data: { incidentId: source.id, ref: from, alerts } },
      },
    ],
    now,
  );
  const moved = { alerts, timeline, pages };
  await recordAudit(
    em,
    actor,
    {
      action: 'incident.merged',
      targetType: 'incident',
      targetId: source.id,
      data: { ref: from, into: target.id, intoRef: into, moved },
    },
    now,
  );
  return { sourceId: source.id, targetId: target.id, moved };
}
