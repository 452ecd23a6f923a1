import type { App } from '@slack/bolt';
import type { SlackDeps } from '../../context.js';
import { slaCommand } from './sla.command.js';

/** `/sla`: SLAs and their error budgets. */
export function registerSlaCommand(app: App, deps: SlackDeps): void {
  app.command('/sla', slaCommand(deps));
}
