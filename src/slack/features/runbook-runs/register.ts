import type { App } from '@slack/bolt';
import { RUNBOOK_ACTIONS, RUNBOOK_RUN_ACTIONS, VIEWS } from '../../../../blocks/ids.js';
import type { SlackDeps } from '../../context.js';
import { decideAction } from './decide.action.js';
import { openRunAction } from './open-run.action.js';
import { runSubmitted } from './run.view.js';

/**
 * Runbook action runs: the card's "Run…" and its modal, the Approve and Reject buttons of a run's message and of
 * approvers' DMs. (`/runbook run` is `runbookRunCommand`, handed to the `/runbook` command's registration.)
 */
export function registerRunbookRuns(app: App, deps: SlackDeps): void {
  app.action(RUNBOOK_ACTIONS.runOpen, openRunAction(deps));
  app.view(VIEWS.runbookRun, runSubmitted(deps));
  app.action(RUNBOOK_RUN_ACTIONS.approve, decideAction(deps, 'approve'));
  app.action(RUNBOOK_RUN_ACTIONS.reject, decideAction(deps, 'reject'));
}
