import { silenceCreated } from '../../../../blocks/silence.blocks.js';
import { HOUR_MS } from '../../../shared/durations.js';
import { actorOf, blockOptions, type SlackDeps } from '../../context.js';
import { tellUser } from '../../surface.js';
import { toSilenceView } from '../silence-command/silence.command.js';
import type { MoreHandler } from './more.action.js';

/**
 * "Silence 1h" (and 4h) in the card's More menu: silences the incident's alerts (alertname, service and
 * environment) for that long, with a `silenced` event on its timeline, and tells the clicker (only them) what was silenced until when.
 */
export function silenceMore(deps: SlackDeps, hours: number): MoreHandler {
  return async ({ body, context, client }, incidentId) => {
    const actor = await actorOf(context);
    const silence = await deps.services.silences.silenceIncident(actor, incidentId, hours * HOUR_MS);
    const user = await deps.services.users.bySlackId(actor.tenantId, body.user.id);
    await tellUser(
      client,
      body as never,
      silenceCreated(toSilenceView(silence), blockOptions(deps, user?.timeZone)),
    );
  };
}
