import type { App } from '@slack/bolt';
import { HOME_ACTIONS } from '../../../../blocks/ids.js';
import type { SlackDeps } from '../../context.js';
import { appHomeOpened } from './app-home-opened.event.js';

/** App Home: published on open and (through the outbox) whenever an incident changes. */
export function registerHome(app: App, deps: SlackDeps): void {
  app.event('app_home_opened', appHomeOpened(deps));
  // Link buttons still send block_actions; they only need an ack.
  for (const id of Object.values(HOME_ACTIONS)) app.action(id, async ({ ack }) => ack());
}
