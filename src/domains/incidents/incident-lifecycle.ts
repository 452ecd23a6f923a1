import { type Em, sendsAhead } from '../../db/sql.js';
import { type Actor, systemActor } from '../../shared/actor.js';
import { AppError } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import type { IncidentAlertsPort } from './incident-alerts.port.js';
import type { IncidentEventSink } from './incident-events.js';
import { type IncidentRow, incidentsStore, type NewIncident, type TimelineInput } from './incidents.store.js';
import { incidentRef, type ResolutionCapture } from './incidents.types.js';
import type { TimelineEvent } from './timeline.types.js';
import { type IncidentAction, transition } from './transitions.calc.js';

/** Writes timeline rows, then hands the events to the sink, in the caller's transaction. */
export async function recordChanges(
  em: Em,
  sink: IncidentEventSink,
  actor: Actor,
  items: TimelineInput[],
  at: Date,
): Promise<void> {
  if (items.length === 0) return;
  await incidentsStore.addTimeline(em, actor.tenantId, actor, items, at);
  await sink.record(
    em,
    items.map((t) => ({ tenantId: actor.tenantId, incidentId: t.incidentId, actor, at, event: t.event })),
  );
}

/**
 * Records an incident notice in the caller's transaction (IncidentsService.recordNotice). With `once`, not when
 * the incident already has an event of the same kind whose data matches on those fields (a card whose channel
 * was archived would otherwise add a notice for each later update). Returns whether it was recorded.
 */
export type IncidentNoticeRecorder = <E extends TimelineEvent>(
  em: Em,
  tenantId: string,
  incidentId: string,
  event: E,
  at: Date,
  once?: readonly (keyof E['data'] & string)[],
) => Promise<boolean>;

/** Records OpsWatch's own notices on several incidents at once, in one statement (IncidentsService.recordNotices). */
export type IncidentNoticesRecorder = (
  em: Em,
  tenantId: string,
  items: TimelineInput[],
  at: Date,
) => Promise<void>;

/**
 * Records something that happened to an incident outside a person's action (a failed Slack post, a page that
 * could not be delivered), in the caller's transaction, as a timeline row by OpsWatch itself.
 */
export async function recordIncidentNotice(
  em: Em,
  sink: IncidentEventSink,
  tenantId: string,
  incidentId: string,
  event: TimelineEvent,
  at: Date,
  once: readonly string[] = [],
): Promise<boolean> {
  if (once.length) {
    const data = event.data as Record<string, unknown>;
    const match = Object.fromEntries(once.map((k) => [k, data[k]]));
    if (await incidentsStore.hasEvent(em, tenantId, incidentId, event.kind, match)) return false;
  }
  await recordChanges(em, sink, systemActor(tenantId), [{ incidentId, event }], at);
  return true;
}

const kinds = { acknowledge: 'acknowledged', resolve: 'resolved', retrigger: 'retriggered' } as const;

/**
 * Moves a locked incident through its lifecycle and records it. Throws AppError('conflict') on an invalid transition.
 */
export async function applyTransition(
  em: Em,
  sink: IncidentEventSink,
  alerts: IncidentAlertsPort,
  actor: Actor,
  inc: IncidentRow,
  action: IncidentAction,
  at: Date,
  note?: string,
  capture: ResolutionCapture = {},
): Promise<IncidentRow> {
  const ref = incidentRef(inc.number);
  const result = transition(inc.status, action, ref);
  if (!result.ok) throw AppError.conflict(result.reason);
  // The row as read has its timestamps as text: the change and the row returned use the same text.
  const stamp = at.toISOString();
  const fields: Pick<Partial<IncidentRow>, 'status' | 'acknowledged_at' | 'resolved_at'> = {
    status: result.next,
  };
  if (action === 'acknowledge') fields.acknowledged_at = stamp;
  if (action === 'resolve') fields.resolved_at = stamp;
  if (action === 'retrigger') fields.acknowledged_at = null;
  let endedAlerts = 0;
  if (action === 'resolve') endedAlerts = await alerts.endFiring(em, inc.tenant_id, inc.id, at);
  await incidentsStore.update(em, inc.tenant_id, inc.id, fields, at);
  const via = actor.source === 'sms' || actor.source === 'voice' ? { via: actor.source } : {};
  const captured = action === 'resolve' ? capture : {};
  const data = {
    ...(note ? { note } : {}),
    endedAlerts,
    ...via,
    ...(captured.cause ? { cause: captured.cause } : {}),
    ...(captured.kb !== undefined ? { kb: captured.kb } : {}),
  };
  await recordChanges(em, sink, actor, [{ incidentId: inc.id, event: { kind: kinds[action], data } }], at);
  return { ...inc, ...fields, version: inc.version + 1, updated_at: stamp };
}

/**
 * Opens an incident with the tenant's next number and records its creation (plus any extra timeline rows),
 * in the caller's transaction.
 */
export async function openIncident(
  em: Em,
  sink: IncidentEventSink,
  actor: Actor,
  fields: Omit<NewIncident, 'id' | 'tenantId' | 'at'>,
  verb: 'opened' | 'declared',
  at: Date,
  extra: (incidentId: string) => TimelineInput[] = () => [],
): Promise<IncidentRow> {
  const inc = await incidentsStore.insert(em, { ...fields, id: newId(), tenantId: actor.tenantId, at });
  const { title, service, severity } = fields;
  const created: TimelineInput = {
    incidentId: inc.id,
    event: {
      kind: 'created',
      data: { verb, title, service, severity, ...(fields.testOf ? { test: true } : {}) },
    },
  };
  await recordChanges(em, sink, actor, [created, ...extra(inc.id)], at);
  return inc;
}

/** Incidents being opened: their ids at once, their rows (with their numbers) once the database answers. */
export interface OpenedIncidents {
  /** In the order asked; chosen here, so known before anything is sent. */
  ids: string[];
  /**
   * The stored rows, in the order asked. On a light transaction they arrive with its next awaited statement or its
   * COMMIT: read them after the transaction to spare it a round trip.
   */
  rows: Promise<IncidentRow[]>;
}

/**
 * Opens several incidents at once (the tenant's next numbers, in the order given) and records their creation
 * (plus any extra timeline rows of each), in the caller's transaction: one statement for the incidents and one
 * for the timeline, whatever their number, neither waiting for an answer on a light transaction.
 */
export async function openIncidents(
  em: Em,
  sink: IncidentEventSink,
  actor: Actor,
  list: {
    fields: Omit<NewIncident, 'id' | 'tenantId' | 'at'>;
    /** The id to open it with (chosen ahead by the caller); a new one when absent. */
    id?: string | undefined;
    extra?: (incidentId: string) => TimelineInput[];
  }[],
  verb: 'opened' | 'declared',
  at: Date,
): Promise<OpenedIncidents> {
  const news = list.map(({ fields, id }) => ({ ...fields, id: id ?? newId(), tenantId: actor.tenantId, at }));
  const rows = incidentsStore.insertMany(em, actor.tenantId, news, at);
  // Off a light transaction the insert runs now; its failure is the caller's, before anything else is written.
  if (!sendsAhead(em)) await rows;
  const timeline: TimelineInput[] = [];
  news.forEach((inc, n) => {
    const { title, service, severity } = list[n]!.fields;
    timeline.push({
      incidentId: inc.id,
      event: { kind: 'created', data: { verb, title, service, severity } },
    });
    timeline.push(...(list[n]!.extra?.(inc.id) ?? []));
  });
  await recordChanges(em, sink, actor, timeline, at);
  return { ids: news.map((n) => n.id), rows };
}
