import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { decodeMetadata } from '../../../../blocks/metadata.js';
import { EscalateButtonValue } from '../../../../blocks/page.blocks.js';
import { actorOf, type SlackDeps } from '../../context.js';
import { tellUser } from '../../surface.js';

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/**
 * Escalate (card, page DM, App Home): the next step now — only if the escalation is still at the step the button
 * was rendered for. A late or repeated click changes nothing; the clicker is told why, as is the one who escalated.
 */
export function escalateAction(deps: SlackDeps) {
  return async ({ ack, action, body, context, client }: Args): Promise<void> => {
    await ack();
    const v = decodeMetadata(EscalateButtonValue, action.value);
    const actor = await actorOf(context);
    const result = await deps.services.escalation.escalate(actor, v.i, {
      generation: v.g,
      loop: v.l,
      step: v.s,
    });
    const emoji = result.escalated ? ':arrow_double_up:' : ':information_source:';
    await tellUser(client, body as never, { text: `${emoji} ${result.message}` });
  };
}
