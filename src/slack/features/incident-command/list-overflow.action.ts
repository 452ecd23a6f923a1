import type { AllMiddlewareArgs, BlockAction, OverflowAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { ListOverflowValue } from '../../../../blocks/incident-list.blocks.js';
import { decodeMetadata } from '../../../../blocks/metadata.js';
import { actorOf, type SlackDeps } from '../../context.js';
import { incidentAction } from '../incident-buttons/incident-action.js';

type Args = SlackActionMiddlewareArgs<BlockAction<OverflowAction>> & AllMiddlewareArgs;

/** The overflow menu on `/incident list` rows: Acknowledge / Resolve (link options need only the ack). */
export function listOverflowAction(deps: SlackDeps) {
  return async ({ ack, action, body, context, client }: Args): Promise<void> => {
    await ack();
    const raw = action.selected_option?.value;
    if (!raw) return;
    const { a, id } = decodeMetadata(ListOverflowValue, raw);
    const actor = await actorOf(context);
    const { incidents } = deps.services;
    await incidentAction(deps, client, body as never, actor, id, () =>
      a === 'ack' ? incidents.acknowledge(actor, id) : incidents.resolve(actor, id),
    );
  };
}
