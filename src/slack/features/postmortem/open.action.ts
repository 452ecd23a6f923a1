import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { actorOf, type SlackDeps } from '../../context.js';
import { openPostmortem } from './postmortem-modal.js';

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** "Postmortem" on a resolved incident's card: its postmortem in a modal, drafted first when it has none. */
export function openAction(deps: SlackDeps) {
  return async ({ ack, action, body, context, client }: Args): Promise<void> => {
    await ack();
    const actor = await actorOf(context);
    await openPostmortem(deps, client, actor, action.value ?? '', body.trigger_id);
  };
}
