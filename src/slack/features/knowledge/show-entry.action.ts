import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { kbEntryModal } from '../../../../blocks/kb.blocks.js';
import { actorOf, blockOptions, type SlackDeps } from '../../context.js';
import { toKbEntryView } from '../../kb-view.mapper.js';

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** A hint's or a search result's entry button: the entry in a modal. */
export function showEntryAction(deps: SlackDeps) {
  return async ({ ack, action, body, context, client }: Args): Promise<void> => {
    await ack();
    const actor = await actorOf(context);
    const entry = await deps.services.knowledge.get(actor, action.value ?? '');
    await client.views.open({
      trigger_id: body.trigger_id,
      view: kbEntryModal(toKbEntryView(entry), blockOptions(deps)),
    });
  };
}
