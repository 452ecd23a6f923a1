import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { actionItemsList } from '../../../../blocks/action-items.blocks.js';
import { helpBlocks } from '../../../../blocks/help.blocks.js';
import { actorOf, type SlackDeps } from '../../context.js';
import { toActionItemView } from '../../postmortem-view.mapper.js';
import { tellUser } from '../../surface.js';
import { parsePostmortemCommand } from './postmortem-command.calc.js';
import { openPostmortem } from './postmortem-modal.js';

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/** `/postmortem INC-42 | actions [mine] | help`: acked at once, answered in a modal or ephemerally. */
export function postmortemCommand(deps: SlackDeps) {
  return async ({ ack, command, body, context, client }: Args): Promise<void> => {
    await ack();
    const cmd = parsePostmortemCommand(command.text);
    const b = body as unknown as Record<string, unknown>;
    if (cmd.sub === 'help' || cmd.sub === 'unknown') {
      const help = helpBlocks('postmortem', cmd.sub === 'unknown' ? { unknown: cmd.text } : {});
      return tellUser(client, b, { text: help.text, blocks: help.blocks });
    }
    const actor = await actorOf(context);
    if (cmd.sub === 'open') return openPostmortem(deps, client, actor, cmd.ref, command.trigger_id);
    const items = await deps.services.actionItems.open(actor, { mine: cmd.mine });
    const msg = actionItemsList(items.map(toActionItemView), { mine: cmd.mine });
    return tellUser(client, b, msg);
  };
}
