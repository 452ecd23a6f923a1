import type { App } from '@slack/bolt';
import { RUNBOOK_ACTIONS } from '../../../../blocks/ids.js';
import type { SlackDeps } from '../../context.js';
import { type RunbookSubcommands, runbookCommand } from './runbook.command.js';
import { showRunbookAction } from './show-runbook.action.js';

/**
 * `/runbook` and the "Show" button (card, list). `subcommands.run` is the run pipeline's `/runbook run`; the
 * card's "Run…" button (`RUNBOOK_ACTIONS.runOpen`) is registered by the run pipeline's feature, not here.
 */
export function registerRunbookCommand(
  app: App,
  deps: SlackDeps,
  subcommands: RunbookSubcommands = {},
): void {
  app.command('/runbook', runbookCommand(deps, subcommands));
  app.action(RUNBOOK_ACTIONS.show, showRunbookAction(deps));
}
