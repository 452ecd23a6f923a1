import type { IncidentView } from '../../../blocks/types.js';
import { DeliveryError, type OutboxRow } from '../../domains/notify/index.js';
import { rendererActor } from '../../shared/actor.js';
import { isAppError } from '../../shared/errors.js';
import type { SlackDeps } from '../context.js';
import { toIncidentView } from '../incident-view.mapper.js';

/** The incident an outbox row is about, as it stands now; a row without one, or whose incident is gone, is `gone`. */
export async function rowIncident(deps: SlackDeps, row: OutboxRow): Promise<IncidentView> {
  if (!row.incidentId) throw new DeliveryError('gone', 'no_incident');
  try {
    return toIncidentView(await deps.services.incidents.get(rendererActor(row.tenantId), row.incidentId));
  } catch (err) {
    if (isAppError(err) && err.code === 'not_found') throw new DeliveryError('gone', 'incident_not_found');
    throw err;
  }
}
