import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { actionItemModal } from '../../../../blocks/action-items.blocks.js';
import { decodeMetadata } from '../../../../blocks/metadata.js';
import { PostmortemButtonValue } from '../../../../blocks/postmortem.blocks.js';
import { authorize } from '../../../shared/authz.js';
import { actorOf, type SlackDeps } from '../../context.js';

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** "Add action item": the item's modal, pushed over the postmortem (submitted in item.view.ts). */
export function addItemAction(_deps: SlackDeps) {
  return async ({ ack, action, body, context, client }: Args): Promise<void> => {
    await ack();
    const { ref } = decodeMetadata(PostmortemButtonValue, action.value, 2000);
    authorize(await actorOf(context), 'postmortem:write');
    await client.views.push({ trigger_id: body.trigger_id, view: actionItemModal(ref) });
  };
}
