import type { App } from '@slack/bolt';
import { POSTMORTEM_ACTIONS, VIEWS } from '../../../../blocks/ids.js';
import type { SlackDeps } from '../../context.js';
import type { IdentityResolver } from '../../identity.js';
import { addItemAction } from './add-item.action.js';
import { closeItemAction } from './close-item.action.js';
import { editSectionAction } from './edit-section.action.js';
import { itemSubmitted } from './item.view.js';
import { openAction } from './open.action.js';
import { postmortemCommand } from './postmortem.command.js';
import { sectionSubmitted } from './section.view.js';
import { setStatusAction } from './set-status.action.js';
import { showTimelineAction } from './show-timeline.action.js';

/** `/postmortem`, the resolved card's "Postmortem" button, and the postmortem modal's buttons and forms. */
export function registerPostmortem(app: App, deps: SlackDeps, identify: IdentityResolver): void {
  app.command('/postmortem', postmortemCommand(deps));
  app.action(POSTMORTEM_ACTIONS.open, openAction(deps));
  app.action(POSTMORTEM_ACTIONS.editSection, editSectionAction(deps));
  app.action(new RegExp(`^${POSTMORTEM_ACTIONS.setStatus.replace(/\./g, '\\.')}\\.`), setStatusAction(deps));
  app.action(POSTMORTEM_ACTIONS.showTimeline, showTimelineAction(deps));
  app.action(POSTMORTEM_ACTIONS.addItem, addItemAction(deps));
  app.action(POSTMORTEM_ACTIONS.closeItem, closeItemAction(deps));
  app.view(VIEWS.postmortemSection, sectionSubmitted(deps));
  app.view(VIEWS.actionItem, itemSubmitted(deps, identify));
}
