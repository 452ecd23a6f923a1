import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { authorize } from '../../../shared/authz.js';
import { actorOf, type SlackDeps } from '../../context.js';
import { tellUser } from '../../surface.js';
import { openResolveForm } from './open-resolve.js';

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/**
 * Resolve (card, App Home) and the self-resolved DM's "Tell what fixed it": both open the resolve form. Resolve on
 * an incident someone already resolved says who did instead.
 */
export function resolveFormAction(deps: SlackDeps, opts: { afterResolve: boolean }) {
  return async ({ ack, action, body, context, client }: Args): Promise<void> => {
    await ack();
    const actor = await actorOf(context);
    authorize(actor, 'incident:resolve'); // before the form, not after it is filled in
    const incident = await deps.services.incidents.get(actor, action.value ?? '');
    if (incident.status === 'resolved' && !opts.afterResolve) {
      const by = [...incident.timeline].reverse().find((t) => t.kind === 'resolved')?.actor.name;
      const who = by ? ` by ${by === actor.name ? 'you' : by}` : '';
      await tellUser(client, body as never, {
        text: `:information_source: ${incident.ref} is already resolved${who}.`,
      });
      return;
    }
    await openResolveForm(client, deps, body.trigger_id, actor.tenantId, incident);
  };
}
