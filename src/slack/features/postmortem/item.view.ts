import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { ActionItemMetadata } from '../../../../blocks/action-items.blocks.js';
import { POSTMORTEM_INPUTS } from '../../../../blocks/ids.js';
import { decodeMetadata } from '../../../../blocks/metadata.js';
import { actorOf, type SlackDeps } from '../../context.js';
import type { IdentityResolver } from '../../identity.js';
import { slackTeamOf } from '../../surface.js';
import { refreshModal } from './postmortem-modal.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** A new action item: added before the ack (a refusal shows on the form), then the postmortem modal refreshed. */
export function itemSubmitted(deps: SlackDeps, identify: IdentityResolver) {
  return async ({ ack, view, body, context, client }: Args): Promise<void> => {
    const { ref } = decodeMetadata(ActionItemMetadata, view.private_metadata);
    const v = view.state.values;
    const { itemTitle, itemOwner, itemDue } = POSTMORTEM_INPUTS;
    const title = v[itemTitle.blockId]?.[itemTitle.actionId]?.value ?? '';
    const owner = v[itemOwner.blockId]?.[itemOwner.actionId]?.selected_user ?? undefined;
    const due = v[itemDue.blockId]?.[itemDue.actionId]?.selected_date ?? undefined;
    const actor = await actorOf(context);
    const team = slackTeamOf(body as unknown as Record<string, unknown>);
    // Someone OpsWatch has not met yet becomes a user, as when assigning an incident to them.
    if (owner && team) await identify(client, team, owner);
    await deps.services.actionItems.add(actor, ref, {
      title,
      ...(owner ? { owner } : {}),
      ...(due ? { dueOn: due } : {}),
    });
    await ack();
    const root = view.root_view_id && view.root_view_id !== view.id ? view.root_view_id : undefined;
    await refreshModal(deps, client, actor, root, ref);
  };
}
