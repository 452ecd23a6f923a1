import type { App } from '@slack/bolt';
import { INCIDENT_ACTIONS, VIEWS } from '../../../../blocks/ids.js';
import type { SlackDeps } from '../../context.js';
import type { IdentityResolver } from '../../identity.js';
import { declareSubmitted } from './declare.view.js';
import { declareButtonAction } from './declare-button.action.js';
import { incidentCommand } from './incident.command.js';
import { listOverflowAction } from './list-overflow.action.js';

/** `/incident` and what it opens: the declare modal and the list's overflow menus. */
export function registerIncidentCommand(app: App, deps: SlackDeps, identify: IdentityResolver): void {
  app.command('/incident', incidentCommand(deps, identify));
  app.view(VIEWS.declare, declareSubmitted(deps));
  app.action(INCIDENT_ACTIONS.declare, declareButtonAction());
  app.action(INCIDENT_ACTIONS.listOverflow, listOverflowAction(deps));
}
