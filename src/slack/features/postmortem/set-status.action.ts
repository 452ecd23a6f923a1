import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { decodeMetadata } from '../../../../blocks/metadata.js';
import { PostmortemButtonValue } from '../../../../blocks/postmortem.blocks.js';
import { AppError } from '../../../shared/errors.js';
import { actorOf, type SlackDeps } from '../../context.js';
import { modalFor } from './postmortem-modal.js';

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** Submit for review, Back to draft, Publish: the status moves, and the modal shows it. */
export function setStatusAction(deps: SlackDeps) {
  return async ({ ack, action, body, context, client }: Args): Promise<void> => {
    await ack();
    const { ref, to } = decodeMetadata(PostmortemButtonValue, action.value, 2000);
    if (!to) throw AppError.validation('The button names no status.');
    const actor = await actorOf(context);
    const p = await deps.services.postmortems.update(actor, ref, { status: to });
    if (body.view?.id) await client.views.update({ view_id: body.view.id, view: modalFor(deps, actor, p) });
  };
}
