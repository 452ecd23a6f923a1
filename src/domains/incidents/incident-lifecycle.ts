import type { Em } from '../../db/sql.js';
import { type Actor, systemActor } from '../../shared/actor.js';
import { AppError } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import {
  type IncidentRow,
  incidentAlertsStore,
  incidentsStore,
  type NewIncident,
  type TimelineInput,
} from './incidents.store.js';
import { incidentRef } from './incidents.types.js';
import { type IncidentAction, transition } from './transitions.calc.js';

/** Hook run inside the transaction after every incident change (the Slack outbox subscribes here). */
export type IncidentChangeHook = (em: Em, change: IncidentChange) => Promise<void>;

export interface IncidentChange {
  tenantId: string;
  incidentId: string;
  kind: string;
  actor: Actor;
  message: string;
  at: Date;
}

/** Hook run once per batch of changes recorded together (one statement for many changes). */
export type IncidentChangesHook = (em: Em, changes: IncidentChange[]) => Promise<void>;

const hooks: IncidentChangeHook[] = [];
const batchHooks: IncidentChangesHook[] = [];

/** Subscribes to every batch of incident changes, inside the transaction that makes them. */
export function onIncidentChanges(hook: IncidentChangesHook): () => void {
  batchHooks.push(hook);
  return () => {
    const i = batchHooks.indexOf(hook);
    if (i >= 0) batchHooks.splice(i, 1);
  };
}

export function onIncidentChange(hook: IncidentChangeHook): () => void {
  hooks.push(hook);
  return () => {
    const i = hooks.indexOf(hook);
    if (i >= 0) hooks.splice(i, 1);
  };
}

/** Writes timeline rows and notifies change hooks, in the caller's transaction. */
export async function recordChanges(em: Em, actor: Actor, items: TimelineInput[], at: Date): Promise<void> {
  if (items.length === 0) return;
  await incidentsStore.addTimeline(em, actor.tenantId, actor, items, at);
  if (batchHooks.length) {
    const changes = items.map((t) => ({
      tenantId: actor.tenantId,
      incidentId: t.incidentId,
      kind: t.kind,
      actor,
      message: t.message,
      at,
    }));
    for (const hook of batchHooks) await hook(em, changes);
  }
  for (const hook of hooks) {
    for (const t of items) {
      await hook(em, {
        tenantId: actor.tenantId,
        incidentId: t.incidentId,
        kind: t.kind,
        actor,
        message: t.message,
        at,
      });
    }
  }
}

/**
 * Records something that happened to an incident outside a person's action (a failed Slack post, a page that
 * could not be delivered), in the caller's transaction, as a timeline row by OpsWatch itself.
 */
export async function recordIncidentNotice(
  em: Em,
  tenantId: string,
  incidentId: string,
  kind: string,
  message: string,
  data: Record<string, unknown>,
  at: Date,
): Promise<void> {
  await recordChanges(em, systemActor(tenantId), [{ incidentId, kind, message, data }], at);
}

const verbs: Record<IncidentAction, string> = {
  acknowledge: 'acknowledged',
  resolve: 'resolved',
  retrigger: 're-triggered',
};

/**
 * Moves a locked incident through its lifecycle and records it. Throws AppError('conflict') on an invalid transition.
 */
export async function applyTransition(
  em: Em,
  actor: Actor,
  inc: IncidentRow,
  action: IncidentAction,
  at: Date,
  note?: string,
): Promise<IncidentRow> {
  const ref = incidentRef(inc.number);
  const result = transition(inc.status, action, ref);
  if (!result.ok) throw AppError.conflict(result.reason);
  const fields: Partial<IncidentRow> = { status: result.next };
  if (action === 'acknowledge') fields.acknowledged_at = at;
  if (action === 'resolve') fields.resolved_at = at;
  if (action === 'retrigger') fields.acknowledged_at = null;
  let endedAlerts = 0;
  if (action === 'resolve')
    endedAlerts = await incidentAlertsStore.resolveFiring(em, inc.tenant_id, inc.id, at);
  await incidentsStore.update(em, inc.tenant_id, inc.id, fields, at);
  const message = `${ref} ${verbs[action]} by ${actor.name}${note ? `: ${note}` : ''}`;
  await recordChanges(
    em,
    actor,
    [
      {
        incidentId: inc.id,
        kind: action === 'retrigger' ? 'retriggered' : verbs[action],
        message,
        data: note ? { note, endedAlerts } : { endedAlerts },
      },
    ],
    at,
  );
  return { ...inc, ...fields, version: inc.version + 1, updated_at: at };
}

/**
 * Opens an incident with the tenant's next number and records its creation (plus any extra timeline rows),
 * in the caller's transaction.
 */
export async function openIncident(
  em: Em,
  actor: Actor,
  fields: Omit<NewIncident, 'id' | 'tenantId' | 'at'>,
  verb: 'opened' | 'declared',
  at: Date,
  extra: (incidentId: string) => TimelineInput[] = () => [],
): Promise<IncidentRow> {
  const number = await incidentsStore.allocateNumber(em, actor.tenantId);
  const inc = await incidentsStore.insert(
    em,
    { ...fields, id: newId(), tenantId: actor.tenantId, at },
    number,
  );
  const created = {
    incidentId: inc.id,
    kind: 'created',
    message: `${incidentRef(number)} ${verb} by ${actor.name}: ${fields.title}`,
  };
  await recordChanges(em, actor, [created, ...extra(inc.id)], at);
  return inc;
}
