import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { NOTE_INPUTS } from '../../../../blocks/ids.js';
import { decodeMetadata } from '../../../../blocks/metadata.js';
import { actorOf, type SlackDeps } from '../../context.js';
import { NoteMetadata } from './note-metadata.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** The note modal submitted: the note is added before the ack, so a refusal shows on the modal's field. */
export function noteSubmitted(deps: SlackDeps) {
  return async ({ ack, view, context }: Args): Promise<void> => {
    const { incidentId } = decodeMetadata(NoteMetadata, view.private_metadata);
    const text = view.state.values[NOTE_INPUTS.note.blockId]?.[NOTE_INPUTS.note.actionId]?.value ?? '';
    const actor = await actorOf(context);
    await deps.services.incidents.addNote(actor, incidentId, text);
    await ack();
  };
}
