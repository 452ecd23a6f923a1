import type { App } from '@slack/bolt';
import type { SlackDeps } from '../../context.js';
import { silenceCommand } from './silence.command.js';

/** `/silence`: create, list and expire silences. */
export function registerSilenceCommand(app: App, deps: SlackDeps): void {
  app.command('/silence', silenceCommand(deps));
}
