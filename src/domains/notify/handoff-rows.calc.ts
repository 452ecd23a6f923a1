import { withoutHash } from '../../shared/slack-channel.js';
import type { HandoffNotice } from '../rosters/index.js';
import type { HandoffPayload } from './destinations.js';
import type { NewOutboxRow } from './outbox.types.js';

const payloadOf = (n: HandoffNotice): HandoffPayload => ({
  type: 'handoff',
  scheduleName: n.scheduleName,
  timeZone: n.timeZone,
  at: n.at,
  until: n.until,
  from: n.from && { name: n.from.name, slackUserId: n.from.slackUserId, timeZone: n.from.timeZone },
  to: n.to && { name: n.to.name, slackUserId: n.to.slackUserId, timeZone: n.to.timeZone },
});

/**
 * The outbox rows that announce one handoff (or sync a user group), each keyed by schedule and instant, so a
 * handoff seen twice is still announced once: the post in the schedule's channel, the DM to the person coming on
 * call, the user group's new members, and a Home republish for the people of `homeUsers`.
 */
export function handoffRows(n: HandoffNotice, homeUsers: readonly string[]): NewOutboxRow[] {
  const base = { tenantId: n.tenantId, incidentId: null };
  const id = `${n.scheduleId}:${n.at}`;
  const rows: NewOutboxRow[] = [];
  if (n.kind === 'handoff' && n.slackChannel)
    rows.push({
      ...base,
      destination: 'slack.post',
      lane: withoutHash(n.slackChannel),
      payload: payloadOf(n),
      key: `handoff:${id}:post`,
    });
  if (n.kind === 'handoff' && n.to?.slackUserId)
    rows.push({
      ...base,
      destination: 'slack.dm',
      lane: n.to.slackUserId,
      payload: payloadOf(n),
      key: `handoff:${id}:dm`,
    });
  if (n.slackUserGroup && n.onCallSlackIds.length)
    rows.push({
      ...base,
      destination: 'slack.usergroup',
      lane: n.slackUserGroup,
      payload: { users: n.onCallSlackIds, scheduleId: n.scheduleId, scheduleName: n.scheduleName },
      key: `usergroup:${id}`,
    });
  if (n.kind === 'handoff')
    for (const user of homeUsers)
      rows.push({
        ...base,
        destination: 'slack.home',
        lane: user,
        payload: {},
        key: `home:${n.tenantId}:${user}:handoff:${id}`,
      });
  return rows;
}
