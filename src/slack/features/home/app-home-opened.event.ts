import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { actorOf, type SlackDeps } from '../../context.js';
import { renderHome } from '../../home.js';

type Args = SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs;

/** Home opened: publish it now, and remember the person so it is republished when incidents change. */
export function appHomeOpened(deps: SlackDeps) {
  return async ({ event, context, client }: Args): Promise<void> => {
    if (event.tab !== 'home') return;
    const actor = await actorOf(context);
    await deps.outbox.homeOpened(actor.tenantId, event.user);
    await client.views.publish({
      user_id: event.user,
      view: await renderHome(deps, actor.tenantId, event.user),
    });
  };
}
