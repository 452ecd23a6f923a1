import type { WebClient } from '@slack/web-api';
import { encodeMetadata } from '../../../../blocks/metadata.js';
import { resolveModal } from '../../../../blocks/resolve-modal.blocks.js';
import type { IncidentDetailDto } from '../../../domains/incidents/index.js';
import type { SlackDeps } from '../../context.js';
import { knownProblemView } from '../../kb-view.mapper.js';
import { ResolveMetadata } from './resolve-metadata.js';

/**
 * Opens the resolve form for an incident: "Resolve INC-42" while it is open, "What fixed INC-42?" once it is
 * resolved (the self-resolved DM). The hint of its signature, when there is one, is shown as a reminder.
 */
export async function openResolveForm(
  client: WebClient,
  deps: SlackDeps,
  triggerId: string,
  tenantId: string,
  incident: IncidentDetailDto,
  channel?: string,
): Promise<void> {
  const resolved = incident.status === 'resolved';
  const knownProblem = resolved ? null : await knownProblemView(client, deps, tenantId, incident.id);
  await client.views.open({
    trigger_id: triggerId,
    view: resolveModal({
      incident: { number: incident.number, title: incident.title },
      resolved,
      knownProblem,
      privateMetadata: encodeMetadata(ResolveMetadata, {
        incidentId: incident.id,
        ...(channel ? { channel } : {}),
      }),
      now: deps.clock.now(),
    }),
  });
}
