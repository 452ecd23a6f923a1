import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { helpBlocks } from '../../../../blocks/help.blocks.js';
import { slaList } from '../../../../blocks/sla.blocks.js';
import { actorOf, type SlackDeps } from '../../context.js';
import { toSlaView } from '../../sla-view.mapper.js';
import { tellUser } from '../../surface.js';
import { parseSlaCommand } from './sla-command.calc.js';

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/** `/sla [service|help]`: acked at once, answered ephemerally. */
export function slaCommand(deps: SlackDeps) {
  return async ({ ack, command, body, context, client }: Args): Promise<void> => {
    await ack();
    const cmd = parseSlaCommand(command.text);
    const b = body as unknown as Record<string, unknown>;
    if (cmd.sub === 'help') return tellUser(client, b, helpBlocks('sla'));
    const actor = await actorOf(context);
    const slas = await deps.services.sla.list(actor);
    const mine = cmd.service ? slas.filter((s) => s.service === cmd.service) : slas;
    return tellUser(client, b, slaList(mine.map(toSlaView), cmd.service));
  };
}
