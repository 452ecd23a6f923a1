import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { helpBlocks } from '../../../../blocks/help.blocks.js';
import { kbEntryMessage, kbSearchResults } from '../../../../blocks/kb.blocks.js';
import { AppError } from '../../../shared/errors.js';
import { actorOf, blockOptions, type SlackDeps } from '../../context.js';
import { toKbEntryView } from '../../kb-view.mapper.js';
import { tellUser } from '../../surface.js';
import { parseKbCommand } from './kb-command.calc.js';

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/** `/kb search <words>`, `/kb show <id>`, `/kb help`: answered ephemerally after the ack. */
export function kbCommand(deps: SlackDeps) {
  return async ({ ack, command, body, context, client }: Args): Promise<void> => {
    await ack();
    const cmd = parseKbCommand(command.text);
    const say = (msg: { text: string; blocks?: Parameters<typeof tellUser>[2]['blocks'] }) =>
      tellUser(client, body as unknown as Record<string, unknown>, msg);
    if (cmd.sub === 'help') return say(helpBlocks('kb'));
    if (cmd.sub === 'usage') throw AppError.validation(cmd.message);
    const actor = await actorOf(context);
    if (cmd.sub === 'show') {
      const entry = await deps.services.knowledge.get(actor, cmd.ref);
      return say(kbEntryMessage(toKbEntryView(entry), blockOptions(deps)));
    }
    const { items } = await deps.services.knowledge.search(actor, { q: cmd.q, limit: 10 });
    return say(kbSearchResults(cmd.q, items));
  };
}
