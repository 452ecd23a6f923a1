import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { decodeMetadata } from '../../../../blocks/metadata.js';
import { RunbookButtonValue } from '../../../../blocks/runbook.blocks.js';
import { actorOf, type SlackDeps } from '../../context.js';
import { openRunModal } from './open-run.js';

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** The card's "Run…" on a runbook line: the run modal for that runbook and the card's incident. */
export function openRunAction(deps: SlackDeps) {
  return async ({ ack, action, body, context, client }: Args): Promise<void> => {
    await ack();
    const v = decodeMetadata(RunbookButtonValue, action.value);
    await openRunModal(deps, client, await actorOf(context), body.trigger_id, v.r, v.i);
  };
}
