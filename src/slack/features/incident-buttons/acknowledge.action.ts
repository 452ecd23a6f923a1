import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { actorOf, type SlackDeps } from '../../context.js';
import { incidentAction } from './incident-action.js';

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** Acknowledge button (card, Home, list): the same service call as the REST API, as the clicking person. */
export function acknowledgeAction(deps: SlackDeps) {
  return async ({ ack, action, body, context, client }: Args): Promise<void> => {
    await ack();
    const actor = await actorOf(context);
    await incidentAction(deps, client, body as never, actor, action.value ?? '', () =>
      deps.services.incidents.acknowledge(actor, action.value ?? ''),
    );
  };
}
