import { actorOf, type SlackDeps } from '../../context.js';
import { tellUser } from '../../surface.js';
import { openChannel } from '../incident-command/channel-commands.js';
import type { MoreHandler } from './more.action.js';

/** "Open channel" in the card's "More" menu: the incident's own channel, with the person who clicked invited. */
export function openChannelAction(deps: SlackDeps): MoreHandler {
  return async ({ body, context, client }, incidentId) => {
    const actor = await actorOf(context);
    const text = await openChannel(deps, actor, incidentId, body.user.id);
    await tellUser(client, body as never, { text });
  };
}
