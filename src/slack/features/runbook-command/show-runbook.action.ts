import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { runbookModal } from '../../../../blocks/runbook.blocks.js';
import { actorOf, type SlackDeps } from '../../context.js';
import { toRunbookView } from '../../runbook-view.mapper.js';

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** "Show" (the card's runbook line, `/runbook list`): the runbook in a modal. Its value is the runbook id. */
export function showRunbookAction(deps: SlackDeps) {
  return async ({ ack, action, body, context, client }: Args): Promise<void> => {
    await ack();
    const actor = await actorOf(context);
    const rb = await deps.services.runbooks.get(actor, action.value ?? '');
    await client.views.open({ trigger_id: body.trigger_id, view: runbookModal(toRunbookView(rb)) });
  };
}
