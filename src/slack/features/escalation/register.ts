import type { App } from '@slack/bolt';
import { ESCALATION_ACTIONS } from '../../../../blocks/ids.js';
import type { SlackDeps } from '../../context.js';
import { escalateAction } from './escalate.action.js';

/**
 * Escalation buttons: Escalate (card, page DM, App Home). The page DM's and the channel post's Acknowledge are the
 * card's (`INCIDENT_ACTIONS.acknowledge`, registered with the incident buttons). Open card is a link button: Slack
 * still sends its click, which only needs an ack.
 */
export function registerEscalation(app: App, deps: SlackDeps): void {
  app.action(ESCALATION_ACTIONS.escalate, escalateAction(deps));
  app.action(ESCALATION_ACTIONS.openCard, async ({ ack }) => ack());
}
