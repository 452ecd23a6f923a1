import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import {
  actionItemClosed,
  actionItemsList,
  actionListBlockId,
} from '../../../../blocks/action-items.blocks.js';
import type { MessagePayload } from '../../../../blocks/types.js';
import { actorOf, type SlackDeps } from '../../context.js';
import { toActionItemView } from '../../postmortem-view.mapper.js';
import { refreshModal } from './postmortem-modal.js';

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** Replaces the message the button was on (a DM, or the ephemeral list) through its response_url. */
async function replace(responseUrl: string | undefined, msg: MessagePayload): Promise<void> {
  if (!responseUrl) return;
  await fetch(responseUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ replace_original: true, ...msg }),
  });
}

/**
 * Close on an action item, wherever it shows: in the postmortem modal (which is refreshed), in the reminder DM
 * (which then says it is closed), or in `/postmortem actions` (which is listed again, without it).
 */
export function closeItemAction(deps: SlackDeps) {
  return async ({ ack, action, body, context, client }: Args): Promise<void> => {
    await ack();
    const actor = await actorOf(context);
    const item = await deps.services.actionItems.update(actor, action.value ?? '', { status: 'closed' });
    if (body.view?.id) return refreshModal(deps, client, actor, body.view.id, item.incidentRef);
    const blocks = (body.message?.blocks ?? []) as { block_id?: string }[];
    const listed = blocks[0]?.block_id;
    if (listed === actionListBlockId(true) || listed === actionListBlockId(false)) {
      const mine = listed === actionListBlockId(true);
      const items = await deps.services.actionItems.open(actor, { mine });
      return replace(body.response_url, actionItemsList(items.map(toActionItemView), { mine }));
    }
    await replace(body.response_url, actionItemClosed(toActionItemView(item), actor.name));
  };
}
