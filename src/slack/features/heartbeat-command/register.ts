import type { App } from '@slack/bolt';
import type { SlackDeps } from '../../context.js';
import { heartbeatCommand } from './heartbeat.command.js';

/** `/heartbeat`: the heartbeat monitors and their state. */
export function registerHeartbeatCommand(app: App, deps: SlackDeps): void {
  app.command('/heartbeat', heartbeatCommand(deps));
}
