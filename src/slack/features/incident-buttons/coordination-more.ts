import { actorOf, type SlackDeps } from '../../context.js';
import { tellUser } from '../../surface.js';
import { openRoleModal } from './coordination-modals.js';
import type { MoreHandler } from './more.action.js';

/** The card's "Set a role…": opens the role modal. */
export function roleMore(deps: SlackDeps): MoreHandler {
  return async ({ body, context, client }, incidentId) => {
    const actor = await actorOf(context);
    await openRoleModal(deps, client, body.trigger_id, actor, incidentId);
  };
}

/** The card's "Follow / unfollow updates": toggles whether the person gets its status updates by DM. */
export function followMore(deps: SlackDeps): MoreHandler {
  return async ({ body, context, client }, incidentId) => {
    const actor = await actorOf(context);
    const r = await deps.services.coordination.follow(actor, incidentId);
    const text = r.following
      ? `:bell: You follow ${r.ref}: its status updates come to you by DM. Choose "Follow / unfollow updates" again to stop.`
      : `:no_bell: You no longer follow ${r.ref}.`;
    await tellUser(client, body as unknown as Record<string, unknown>, { text });
  };
}
