import type { WebClient } from '@slack/web-api';
import { roleModal, statusUpdateModal } from '../../../../blocks/incident-updates.blocks.js';
import { encodeMetadata } from '../../../../blocks/metadata.js';
import type { IncidentRoleName, UpdateStatusName } from '../../../../blocks/types.js';
import type { Actor } from '../../../shared/actor.js';
import { authorize } from '../../../shared/authz.js';
import type { SlackDeps } from '../../context.js';
import { toIncidentView } from '../../incident-view.mapper.js';
import { IncidentModalMetadata } from './coordination-metadata.js';

/** Opens "Set a role" for the incident (submitted in role.view.ts); refused before the form when not allowed. */
export async function openRoleModal(
  deps: SlackDeps,
  client: WebClient,
  triggerId: string,
  actor: Actor,
  ref: string,
  opts: { role?: IncidentRoleName; channel?: string } = {},
): Promise<void> {
  authorize(actor, 'incident:role');
  const incident = await deps.services.incidents.get(actor, ref);
  const privateMetadata = encodeMetadata(IncidentModalMetadata, {
    incidentId: incident.id,
    ...(opts.channel ? { channel: opts.channel } : {}),
  });
  await client.views.open({
    trigger_id: triggerId,
    view: roleModal({
      incident: toIncidentView(incident),
      privateMetadata,
      ...(opts.role ? { role: opts.role } : {}),
    }),
  });
}

/** Opens "Status update" for the incident, with the last update's status chosen (submitted in update.view.ts). */
export async function openUpdateModal(
  deps: SlackDeps,
  client: WebClient,
  triggerId: string,
  actor: Actor,
  ref: string,
  opts: { channel?: string } = {},
): Promise<void> {
  authorize(actor, 'incident:update');
  const incident = await deps.services.incidents.get(actor, ref);
  const last = (await deps.services.coordination.updates(actor, incident.id)).at(-1);
  const status: UpdateStatusName | undefined =
    last && last.status !== 'resolved'
      ? last.status
      : incident.status === 'acknowledged'
        ? 'investigating'
        : undefined;
  const privateMetadata = encodeMetadata(IncidentModalMetadata, {
    incidentId: incident.id,
    ...(opts.channel ? { channel: opts.channel } : {}),
  });
  await client.views.open({
    trigger_id: triggerId,
    view: statusUpdateModal({
      incident: toIncidentView(incident),
      privateMetadata,
      ...(status ? { status } : {}),
    }),
  });
}
