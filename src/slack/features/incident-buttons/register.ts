import type { App } from '@slack/bolt';
import { INCIDENT_ACTIONS, VIEWS } from '../../../../blocks/ids.js';
import type { SlackDeps } from '../../context.js';
import type { IdentityResolver } from '../../identity.js';
import { resolveFormAction } from '../knowledge/resolve-form.action.js';
import { acknowledgeAction } from './acknowledge.action.js';
import { addNoteAction } from './add-note.action.js';
import { assignAction } from './assign.action.js';
import { followMore, roleMore } from './coordination-more.js';
import { mergeSubmitted, openMergeModal } from './merge.action.js';
import { type MoreHandler, moreAction } from './more.action.js';
import { noteSubmitted } from './note.view.js';
import { openChannelAction } from './open-channel.action.js';
import { postUpdateAction } from './post-update.action.js';
import { roleSubmitted } from './role.view.js';
import { silenceMore } from './silence.more.js';
import { updateSubmitted } from './update.view.js';

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
  app.view(VIEWS.merge, mergeSubmitted(deps));
  app.action(INCIDENT_ACTIONS.more, moreAction(moreHandlers(deps)));
  app.view(VIEWS.role, roleSubmitted(deps, identify));
  app.view(VIEWS.statusUpdate, updateSubmitted(deps));
  app.action(INCIDENT_ACTIONS.postUpdate, postUpdateAction(deps));
}

/** The handlers of the card's "More" menu, by the option's `a` (see blocks/incident-card-more.blocks.ts). */
function moreHandlers(deps: SlackDeps): Record<string, MoreHandler> {
  return {
    channel: openChannelAction(deps),
    role: roleMore(deps),
    follow: followMore(deps),
    silence: silenceMore(deps, 1),
    merge: openMergeModal(deps),
  };
}
