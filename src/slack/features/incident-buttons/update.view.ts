import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { UPDATE_INPUTS } from '../../../../blocks/ids.js';
import { decodeMetadata } from '../../../../blocks/metadata.js';
import { actorOf, type SlackDeps } from '../../context.js';
import { IncidentModalMetadata } from './coordination-metadata.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** "Status update" submitted: posted before the ack, so a refusal or a missing message shows on the modal. */
export function updateSubmitted(deps: SlackDeps) {
  return async ({ ack, view, context }: Args): Promise<void> => {
    const { incidentId } = decodeMetadata(IncidentModalMetadata, view.private_metadata);
    const values = view.state.values;
    const status =
      values[UPDATE_INPUTS.status.blockId]?.[UPDATE_INPUTS.status.actionId]?.selected_option?.value;
    const message = values[UPDATE_INPUTS.message.blockId]?.[UPDATE_INPUTS.message.actionId]?.value ?? '';
    const actor = await actorOf(context);
    await deps.services.coordination.postUpdate(actor, incidentId, { status: status as never, message });
    await ack();
  };
}
