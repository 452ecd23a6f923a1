import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { actorOf, type SlackDeps } from '../../context.js';
import { openUpdateModal } from './coordination-modals.js';

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** "Post update" (the reminder DM) opens the status update modal for the incident. */
export function postUpdateAction(deps: SlackDeps) {
  return async ({ ack, action, body, context, client }: Args): Promise<void> => {
    await ack();
    const actor = await actorOf(context);
    await openUpdateModal(deps, client, body.trigger_id, actor, action.value ?? '');
  };
}
