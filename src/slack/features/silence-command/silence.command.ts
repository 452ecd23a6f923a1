import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { helpBlocks } from '../../../../blocks/help.blocks.js';
import {
  type SilenceView,
  silenceCreated,
  silenceExpired,
  silenceList,
} from '../../../../blocks/silence.blocks.js';
import type { SilenceDto } from '../../../domains/silences/index.js';
import { AppError } from '../../../shared/errors.js';
import { actorOf, blockOptions, type SlackDeps } from '../../context.js';
import { tellUser } from '../../surface.js';
import { parseSilenceCommand } from './silence-command.calc.js';

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

export const toSilenceView = (s: SilenceDto): SilenceView => ({
  id: s.id,
  matchersText: s.matchersText,
  state: s.state,
  startsAt: new Date(s.startsAt),
  endsAt: new Date(s.endsAt),
  reason: s.reason,
  createdBy: s.createdBy,
});

/** `/silence <matchers> <duration> <reason>`, `list`, `expire <id>`, `help`: answered ephemerally. */
export function silenceCommand(deps: SlackDeps) {
  return async ({ ack, command, body, context, client }: Args): Promise<void> => {
    await ack();
    const cmd = parseSilenceCommand(command.text);
    const b = body as unknown as Record<string, unknown>;
    if (cmd.sub === 'help') return tellUser(client, b, helpBlocks('silence'));
    if (cmd.sub === 'usage') throw AppError.validation(cmd.message);
    const actor = await actorOf(context);
    const user = await deps.services.users.bySlackId(actor.tenantId, command.user_id);
    const opts = blockOptions(deps, user?.timeZone);
    const { silences } = deps.services;
    if (cmd.sub === 'list') {
      const [active, pending] = await Promise.all([
        silences.list(actor, { state: 'active' }),
        silences.list(actor, { state: 'pending' }),
      ]);
      return tellUser(client, b, silenceList([...active, ...pending].map(toSilenceView), opts));
    }
    if (cmd.sub === 'expire')
      return tellUser(client, b, silenceExpired(toSilenceView(await silences.expire(actor, cmd.id))));
    const created = await silences.create(actor, {
      matchers: cmd.matchers,
      duration: `${Math.round(cmd.durationMs / 1000)}s`,
      reason: cmd.reason,
    });
    return tellUser(client, b, silenceCreated(toSilenceView(created), opts));
  };
}
