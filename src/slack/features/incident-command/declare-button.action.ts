import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { openDeclareModal } from './open-declare.js';

type Args = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/** "Declare incident" on App Home opens the declare modal. */
export function declareButtonAction() {
  return async ({ ack, body, client }: Args): Promise<void> => {
    await ack();
    await openDeclareModal(client, body.trigger_id, {});
  };
}
