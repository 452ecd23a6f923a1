import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { helpBlocks } from '../../../../blocks/help.blocks.js';
import { AppError } from '../../../shared/errors.js';
import { zoneOrUtc } from '../../../shared/time-zone.js';
import { actorOf, type SlackDeps } from '../../context.js';
import { tellUser } from '../../surface.js';
import { openContactModal } from '../contact/how-paged.js';
import { answerOnCall } from './oncall-answers.js';
import { parseOnCallCommand } from './oncall-command.calc.js';
import { openOverrideModal } from './open-override.js';
import { answerSimulate } from './simulate-answer.js';

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/**
 * `/oncall <subcommand>`: acked at once, answered ephemerally in the caller's time zone (their OpsWatch user's,
 * from Slack's `tz`); `override` opens the override modal, `contact` "How you get paged".
 */
export function oncallCommand(deps: SlackDeps) {
  return async ({ ack, command, body, context, client }: Args): Promise<void> => {
    await ack();
    const cmd = parseOnCallCommand(command.text);
    const b = body as unknown as Record<string, unknown>;
    if (cmd.sub === 'help') return tellUser(client, b, helpBlocks('oncall'));
    if (cmd.sub === 'usage') throw AppError.validation(cmd.message);
    const actor = await actorOf(context);
    if (cmd.sub === 'override')
      return openOverrideModal(
        deps,
        client,
        command.trigger_id,
        { actor, slackUserId: command.user_id },
        { channel: command.channel_id, schedule: cmd.schedule },
      );
    if (cmd.sub === 'contact')
      return openContactModal(deps, client, command.trigger_id, actor, command.channel_id);
    const user = await deps.services.users.bySlackId(actor.tenantId, command.user_id);
    const zone = zoneOrUtc(user?.timeZone);
    if (cmd.sub === 'simulate') return tellUser(client, b, await answerSimulate(deps, actor, zone, cmd));
    return tellUser(client, b, await answerOnCall(deps, actor, zone, cmd));
  };
}
