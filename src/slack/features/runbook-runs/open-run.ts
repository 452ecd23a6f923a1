import type { WebClient } from '@slack/web-api';
import { runbookRunModal } from '../../../../blocks/runbook-run-modal.blocks.js';
import type { Actor } from '../../../shared/actor.js';
import { AppError } from '../../../shared/errors.js';
import type { SlackDeps } from '../../context.js';

/** Opens the run modal for a runbook (id or slug) and an incident (ref or id): its actions to pick from. */
export async function openRunModal(
  deps: SlackDeps,
  client: WebClient,
  actor: Actor,
  triggerId: string,
  runbook: string,
  incident: string,
): Promise<void> {
  const inc = await deps.services.incidents.get(actor, incident);
  const rb = await deps.services.runbooks.get(actor, runbook);
  if (rb.actions.length === 0) throw AppError.validation(`Runbook ${rb.slug} has no actions to run.`);
  await client.views.open({
    trigger_id: triggerId,
    view: runbookRunModal({
      runbookId: rb.id,
      runbookName: rb.name,
      incidentRef: inc.ref,
      incidentId: inc.id,
      actions: rb.actions.map((a) => ({
        name: a.name,
        title: a.title,
        kind: a.target.kind,
        approval: a.policy.approval,
      })),
    }),
  });
}
