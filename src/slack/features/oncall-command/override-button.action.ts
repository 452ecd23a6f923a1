import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { decodeMetadata } from '../../../../blocks/metadata.js';
import { OverrideButtonValue } from '../../../../blocks/oncall.blocks.js';
import { actorOf, type SlackDeps } from '../../context.js';
import { openOverrideModal } from './open-override.js';

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** "Add override" (on `/oncall <schedule>` and App Home) opens the override modal. */
export function overrideButtonAction(deps: SlackDeps) {
  return async ({ ack, action, body, context, client }: Args): Promise<void> => {
    await ack();
    const { s } = decodeMetadata(OverrideButtonValue, action.value || '{}');
    const actor = await actorOf(context);
    const channel = body.channel?.id ?? body.container?.channel_id;
    await openOverrideModal(
      deps,
      client,
      body.trigger_id,
      { actor, slackUserId: body.user.id },
      { channel: typeof channel === 'string' ? channel : undefined, schedule: s },
    );
  };
}
