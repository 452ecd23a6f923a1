import type { HandoffView, PersonView } from '../../blocks/types.js';
import type { HandoffPayload } from '../domains/notify/index.js';

const toPerson = (p: HandoffPayload['from']): PersonView | null =>
  p ? { name: p.name, slackUserId: p.slackUserId } : null;

/** A handoff outbox payload (checked by the notify domain's schema) as the handoff blocks' view model. */
export function toHandoffView(p: HandoffPayload): HandoffView {
  return {
    scheduleName: p.scheduleName,
    at: new Date(p.at),
    until: p.until ? new Date(p.until) : null,
    from: toPerson(p.from),
    to: toPerson(p.to),
  };
}
