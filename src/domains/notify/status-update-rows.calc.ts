import { withoutHash } from '../../shared/slack-channel.js';
import type { StatusUpdateNotice, UpdateReminderNotice } from '../incidents/index.js';
import type { StatusUpdatePayload } from './destinations.js';
import type { NewOutboxRow } from './outbox.types.js';

const payloadOf = (n: StatusUpdateNotice): StatusUpdatePayload => ({
  type: 'status_update',
  incidentId: n.incidentId,
  ref: n.ref,
  title: n.title,
  severity: n.severity,
  drill: n.drill,
  status: n.status,
  message: n.message,
  authorName: n.authorName,
  at: n.at,
});

/**
 * The outbox rows that send one status update to its followers, keyed by update and follower: a DM to each
 * person, a post in each channel. (The reply under the card is the `status_update` event's own.) Channel posts
 * carry no incident: a post of an incident in a channel would be taken for its card.
 */
export function statusUpdateRows(n: StatusUpdateNotice): NewOutboxRow[] {
  const rows: NewOutboxRow[] = [];
  for (const user of new Set(n.dmTo))
    rows.push({
      tenantId: n.tenantId,
      incidentId: n.incidentId,
      destination: 'slack.dm',
      lane: user,
      payload: payloadOf(n),
      key: `status-update:${n.updateId}:dm:${user}`,
    });
  for (const channel of new Set(n.postTo.map(withoutHash)))
    rows.push({
      tenantId: n.tenantId,
      incidentId: null,
      destination: 'slack.post',
      lane: channel,
      payload: payloadOf(n),
      key: `status-update:${n.updateId}:post:${channel}`,
    });
  return rows;
}

/** The DM that reminds someone an update is due, keyed by (incident, anchor, interval number): sent once. */
export function updateReminderRow(n: UpdateReminderNotice): NewOutboxRow {
  return {
    tenantId: n.tenantId,
    incidentId: n.incidentId,
    destination: 'slack.dm',
    lane: n.slackUserId,
    payload: {
      type: 'update_reminder',
      incidentId: n.incidentId,
      ref: n.ref,
      title: n.title,
      silentMinutes: n.silentMinutes,
    },
    key: n.key,
  };
}
