import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { heartbeatList } from '../../../../blocks/heartbeats.blocks.js';
import { helpBlocks } from '../../../../blocks/help.blocks.js';
import { zoneOrUtc } from '../../../shared/time-zone.js';
import { actorOf, blockOptions, type SlackDeps } from '../../context.js';
import { toHeartbeatView } from '../../heartbeat-view.mapper.js';
import { tellUser } from '../../surface.js';
import { parseHeartbeatCommand } from './heartbeat-command.calc.js';

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/** `/heartbeat [list|help]`: acked at once, answered ephemerally with times in the caller's zone. */
export function heartbeatCommand(deps: SlackDeps) {
  return async ({ ack, command, body, context, client }: Args): Promise<void> => {
    await ack();
    const cmd = parseHeartbeatCommand(command.text);
    const b = body as unknown as Record<string, unknown>;
    if (cmd.sub === 'help') return tellUser(client, b, helpBlocks('heartbeat'));
    if (cmd.sub === 'unknown') return tellUser(client, b, helpBlocks('heartbeat', { unknown: cmd.text }));
    const actor = await actorOf(context);
    const user = await deps.services.users.bySlackId(actor.tenantId, command.user_id);
    const monitors = await deps.services.heartbeats.list(actor);
    return tellUser(
      client,
      b,
      heartbeatList(monitors.map(toHeartbeatView), blockOptions(deps, zoneOrUtc(user?.timeZone))),
    );
  };
}
