import type { App } from '@slack/bolt';
import { ONCALL_ACTIONS, VIEWS } from '../../../../blocks/ids.js';
import type { SlackDeps } from '../../context.js';
import type { IdentityResolver } from '../../identity.js';
import { oncallCommand } from './oncall.command.js';
import { overrideSubmitted } from './override.view.js';
import { overrideButtonAction } from './override-button.action.js';

/** `/oncall` and what it opens: the override modal (also from the "Add override" buttons). */
export function registerOnCallCommand(app: App, deps: SlackDeps, identify: IdentityResolver): void {
  app.command('/oncall', oncallCommand(deps));
  app.view(VIEWS.override, overrideSubmitted(deps, identify));
  app.action(ONCALL_ACTIONS.addOverride, overrideButtonAction(deps));
}
