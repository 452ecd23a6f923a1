import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { helpBlocks } from '../../../../blocks/help.blocks.js';
import { fitsMessage, runbookList, runbookMessage, runbookModal } from '../../../../blocks/runbook.blocks.js';
import type { Actor } from '../../../shared/actor.js';
import { AppError } from '../../../shared/errors.js';
import { actorOf, type SlackDeps } from '../../context.js';
import { toRunbookView } from '../../runbook-view.mapper.js';
import { tellUser } from '../../surface.js';
import { parseRunbookCommand } from './runbook-command.calc.js';

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/** What a subcommand handler is handed: who, the parsed command, how to answer, and the command's trigger. */
export interface RunbookSubcommandArgs<C> {
  cmd: C;
  actor: Actor;
  client: WebClient;
  triggerId: string;
  say(msg: { text: string; blocks?: KnownBlock[] }): Promise<void>;
}

/**
 * Subcommands handled outside this feature: `run` (`/runbook run <slug> [INC-42]`) belongs to the run pipeline,
 * whose handler the composition root passes to `registerRunbookCommand`.
 */
export interface RunbookSubcommands {
  run?: (
    args: RunbookSubcommandArgs<{ kind: 'run'; slug: string; incidentRef: string | null }>,
  ) => Promise<void>;
}

/** `/runbook list [service]`, `/runbook show <slug>`, `/runbook run …` (dispatched), `/runbook help`. */
export function runbookCommand(deps: SlackDeps, subcommands: RunbookSubcommands = {}) {
  return async ({ ack, command, body, context, client }: Args): Promise<void> => {
    await ack();
    const cmd = parseRunbookCommand(command.text);
    const say = (msg: { text: string; blocks?: KnownBlock[] }) =>
      tellUser(client, body as unknown as Record<string, unknown>, msg);
    if (cmd.kind === 'help') return say(helpBlocks('runbook'));
    if (cmd.kind === 'usage') throw AppError.validation(cmd.message);
    const actor = await actorOf(context);
    if (cmd.kind === 'list') {
      const items = await deps.services.runbooks.list(actor, cmd.service ? { service: cmd.service } : {});
      return say(
        runbookList(
          items.map((r) => ({
            id: r.id,
            slug: r.slug,
            name: r.name,
            service: r.service,
            actions: r.actions.length,
          })),
          cmd.service,
        ),
      );
    }
    if (cmd.kind === 'run') {
      const run = subcommands.run;
      if (!run)
        throw AppError.validation('Running runbook actions from Slack is not set up in this OpsWatch.');
      return run({ cmd, actor, client, triggerId: command.trigger_id, say });
    }
    const view = toRunbookView(await deps.services.runbooks.get(actor, cmd.slug));
    if (fitsMessage(view)) return say(runbookMessage(view));
    await client.views.open({ trigger_id: command.trigger_id, view: runbookModal(view) });
  };
}
