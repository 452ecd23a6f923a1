import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { noteModal } from '../../../../blocks/declare-modal.blocks.js';
import { encodeMetadata } from '../../../../blocks/metadata.js';
import { authorize } from '../../../shared/authz.js';
import { actorOf, type SlackDeps } from '../../context.js';
import { toIncidentView } from '../../incident-view.mapper.js';
import { NoteMetadata } from './note-metadata.js';

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** "Add note" opens the note modal for the incident (submitted in note.view.ts). */
export function addNoteAction(deps: SlackDeps) {
  return async ({ ack, action, body, context, client }: Args): Promise<void> => {
    await ack();
    const actor = await actorOf(context);
    authorize(actor, 'incident:note'); // before the form, not after it is filled in
    const incident = await deps.services.incidents.get(actor, action.value ?? '');
    const privateMetadata = encodeMetadata(NoteMetadata, { incidentId: incident.id });
    await client.views.open({
      trigger_id: body.trigger_id,
      view: noteModal({ incident: toIncidentView(incident), privateMetadata }),
    });
  };
}
