import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { actorOf, type SlackDeps } from '../../context.js';
import { originOf, refreshOrigin, userIdOf } from './how-paged.js';

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** "Remove" on a phone (after Slack's confirm dialog): removed with the rules that used it; the modal shows it. */
export function removePhoneAction(deps: SlackDeps) {
  return async ({ ack, action, body, context, client }: Args): Promise<void> => {
    await ack();
    const actor = await actorOf(context);
    const userId = userIdOf(actor);
    const { contactMethods } = deps.services;
    const method = (await contactMethods.list(actor, userId)).find((m) => m.id === action.value);
    await contactMethods.remove(actor, userId, action.value ?? '');
    const kind = method?.type === 'voice' ? 'calls' : 'SMS';
    const notice = method ? `:wastebasket: ${method.phoneNumber} (${kind}) removed.` : null;
    await refreshOrigin(deps, client, actor, body.user.id, originOf(body.view), notice);
  };
}
