import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { decodeMetadata } from '../../../../blocks/metadata.js';
import { PostmortemButtonValue, timelineModal } from '../../../../blocks/postmortem.blocks.js';
import { actorOf, type SlackDeps } from '../../context.js';
import { toPostmortemView } from '../../postmortem-view.mapper.js';

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** "Full timeline": the whole table, pushed over the postmortem. */
export function showTimelineAction(deps: SlackDeps) {
  return async ({ ack, action, body, context, client }: Args): Promise<void> => {
    await ack();
    const { ref } = decodeMetadata(PostmortemButtonValue, action.value, 2000);
    const actor = await actorOf(context);
    const p = await deps.services.postmortems.get(actor, ref);
    const md = `${deps.baseUrl.replace(/\/+$/, '')}/api/v1/incidents/${p.incidentRef}/postmortem?format=md`;
    await client.views.push({
      trigger_id: body.trigger_id,
      view: timelineModal(toPostmortemView(p, false), md),
    });
  };
}
