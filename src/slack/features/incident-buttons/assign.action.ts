import type {
  AllMiddlewareArgs,
  BlockAction,
  SlackActionMiddlewareArgs,
  UsersSelectAction,
} from '@slack/bolt';
import { parseIncidentActionsBlockId } from '../../../../blocks/ids.js';
import { AppError } from '../../../shared/errors.js';
import { actorOf, type SlackDeps } from '../../context.js';
import type { IdentityResolver } from '../../identity.js';
import { slackTeamOf } from '../../surface.js';

type Args = SlackActionMiddlewareArgs<BlockAction<UsersSelectAction>> & AllMiddlewareArgs;

/** The card's "Assign to…" user select: the chosen person (created from Slack on first sight) owns the incident. */
export function assignAction(deps: SlackDeps, identify: IdentityResolver) {
  return async ({ ack, action, body, context, client }: Args): Promise<void> => {
    await ack();
    const actor = await actorOf(context);
    const incidentId = parseIncidentActionsBlockId(action.block_id);
    const chosen = action.selected_user;
    if (!incidentId || !chosen) throw AppError.validation('Choose a person to assign the incident to.');
    await identify(client, slackTeamOf(body as never) ?? '', chosen);
    await deps.services.incidents.assign(actor, incidentId, chosen);
  };
}
