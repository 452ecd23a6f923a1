import type { App } from '@slack/bolt';
import { INCIDENT_ACTIONS, VIEWS } from '../../../../blocks/ids.js';
import type { SlackDeps } from '../../context.js';
import type { IdentityResolver } from '../../identity.js';
import { resolveFormAction } from '../knowledge/resolve-form.action.js';
import { acknowledgeAction } from './acknowledge.action.js';
import { addNoteAction } from './add-note.action.js';
import { assignAction } from './assign.action.js';
import { type MoreHandler, moreAction } from './more.action.js';
import { noteSubmitted } from './note.view.js';

/**
 * The incident card's buttons (also used on App Home): Acknowledge, Resolve (opens the resolve form: what fixed it,
 * root cause, knowledge base), Assign, Add note, the "More" menu.
 */
export function registerIncidentButtons(app: App, deps: SlackDeps, identify: IdentityResolver): void {
  app.action(INCIDENT_ACTIONS.acknowledge, acknowledgeAction(deps));
  app.action(INCIDENT_ACTIONS.resolve, resolveFormAction(deps, { afterResolve: false }));
  app.action(INCIDENT_ACTIONS.assign, assignAction(deps, identify));
  app.action(INCIDENT_ACTIONS.addNote, addNoteAction(deps));
  app.view(VIEWS.note, noteSubmitted(deps));
  app.action(INCIDENT_ACTIONS.more, moreAction(moreHandlers(deps)));
}

/** The handlers of the card's "More" menu, by the option's `a` (see blocks/incident-card-more.blocks.ts). */
function moreHandlers(_deps: SlackDeps): Record<string, MoreHandler> {
  return {};
}
