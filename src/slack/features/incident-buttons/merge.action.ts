import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import { MERGE_INPUTS } from '../../../../blocks/ids.js';
import { mergeModal } from '../../../../blocks/merge-modal.blocks.js';
import { decodeMetadata, encodeMetadata } from '../../../../blocks/metadata.js';
import { authorize } from '../../../shared/authz.js';
import { AppError } from '../../../shared/errors.js';
import { actorOf, type SlackDeps } from '../../context.js';
import { toIncidentView } from '../../incident-view.mapper.js';
import type { MoreHandler } from './more.action.js';

/** The merge modal's `private_metadata`: the incident being merged. */
const MergeMetadata = z.object({ incidentId: z.string().min(1).max(64) });

/** "Merge into…" in the card's More menu: a modal to pick the open incident this one duplicates. */
export function openMergeModal(deps: SlackDeps): MoreHandler {
  return async ({ body, context, client }, incidentId) => {
    const actor = await actorOf(context);
    authorize(actor, 'incident:merge'); // before the form, not after it is filled in
    const { incidents } = deps.services;
    const incident = await incidents.get(actor, incidentId);
    const targets = await incidents.mergeTargets(actor, incident.id);
    await client.views.open({
      trigger_id: body.trigger_id,
      view: mergeModal({
        incident: toIncidentView(incident),
        targets: targets.map(toIncidentView),
        privateMetadata: encodeMetadata(MergeMetadata, { incidentId: incident.id }),
      }),
    });
  };
}

type SubmitArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** The merge modal submitted: merged before the ack, so a refusal shows on the modal's field. */
export function mergeSubmitted(deps: SlackDeps) {
  return async ({ ack, view, context }: SubmitArgs): Promise<void> => {
    const { incidentId } = decodeMetadata(MergeMetadata, view.private_metadata);
    const into =
      view.state.values[MERGE_INPUTS.into.blockId]?.[MERGE_INPUTS.into.actionId]?.selected_option?.value;
    if (!into)
      throw AppError.validation('Pick the incident to merge into.', [{ field: 'into', message: 'pick one' }]);
    const actor = await actorOf(context);
    await deps.services.incidents.merge(actor, incidentId, { into });
    await ack();
  };
}
