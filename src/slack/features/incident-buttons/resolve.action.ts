import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { actorOf, type SlackDeps } from '../../context.js';
import { incidentAction } from './incident-action.js';

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** Resolve button (card, Home): the same service call as the REST API, as the clicking person. */
export function resolveAction(deps: SlackDeps) {
  return async ({ ack, action, body, context, client }: Args): Promise<void> => {
    await ack();
    const actor = await actorOf(context);
    await incidentAction(deps, client, body as never, actor, action.value ?? '', () =>
      deps.services.incidents.resolve(actor, action.value ?? ''),
    );
  };
}
