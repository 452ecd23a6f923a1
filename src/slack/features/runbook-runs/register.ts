import type { App } from '@slack/bolt';
import { RUNBOOK_RUN_ACTIONS } from '../../../../blocks/ids.js';
import type { SlackDeps } from '../../context.js';
import { decideAction } from './decide.action.js';

/** Runbook action runs: the Approve and Reject buttons of a run's message and of approvers' DMs. */
export function registerRunbookRuns(app: App, deps: SlackDeps): void {
  app.action(RUNBOOK_RUN_ACTIONS.approve, decideAction(deps, 'approve'));
  app.action(RUNBOOK_RUN_ACTIONS.reject, decideAction(deps, 'reject'));
}
