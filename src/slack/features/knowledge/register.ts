import type { App } from '@slack/bolt';
import { KB_ACTIONS, VIEWS } from '../../../../blocks/ids.js';
import type { SlackDeps } from '../../context.js';
import { kbCommand } from './kb.command.js';
import { resolveSubmitted } from './resolve.view.js';
import { resolveFormAction } from './resolve-form.action.js';
import { showEntryAction } from './show-entry.action.js';

/** `/kb`, the resolve form's submission, the hint's entry button and the self-resolved DM's button. */
export function registerKnowledge(app: App, deps: SlackDeps): void {
  app.command('/kb', kbCommand(deps));
  app.view(VIEWS.resolve, resolveSubmitted(deps));
  app.action(KB_ACTIONS.showEntry, showEntryAction(deps));
  app.action(KB_ACTIONS.tellFix, resolveFormAction(deps, { afterResolve: true }));
}
