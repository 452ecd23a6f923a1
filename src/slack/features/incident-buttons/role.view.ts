import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { ROLE_INPUTS } from '../../../../blocks/ids.js';
import { decodeMetadata } from '../../../../blocks/metadata.js';
import { actorOf, type SlackDeps } from '../../context.js';
import type { IdentityResolver } from '../../identity.js';
import { slackTeamOf } from '../../surface.js';
import { IncidentModalMetadata } from './coordination-metadata.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** "Set a role" submitted: the role is given (or cleared) before the ack, so a refusal shows on the modal. */
export function roleSubmitted(deps: SlackDeps, identify: IdentityResolver) {
  return async ({ ack, view, body, context, client }: Args): Promise<void> => {
    const { incidentId } = decodeMetadata(IncidentModalMetadata, view.private_metadata);
    const values = view.state.values;
    const role = values[ROLE_INPUTS.role.blockId]?.[ROLE_INPUTS.role.actionId]?.selected_option?.value ?? '';
    const user = values[ROLE_INPUTS.user.blockId]?.[ROLE_INPUTS.user.actionId]?.selected_user ?? null;
    const actor = await actorOf(context);
    if (user) await identify(client, slackTeamOf(body as never) ?? '', user);
    await deps.services.coordination.setRole(actor, incidentId, { role, userId: user });
    await ack();
  };
}
