import type { HandoffNotice } from '../rosters/index.js';
import type { NewOutboxRow } from './outbox.store.js';

const channelKey = (c: string): string => c.replace(/^#/, '');

/**
 * The outbox rows that announce one handoff (or sync a user group), each keyed by schedule and instant, so a
 * handoff seen twice is still announced once.
 */
export function handoffRows(n: HandoffNotice, homeUsers: readonly string[]): NewOutboxRow[] {
  const base = { tenantId: n.tenantId, incidentId: null };
  const id = `${n.scheduleId}:${n.at}`;
  const payload = { ...n } as unknown as Record<string, unknown>;
  const rows: NewOutboxRow[] = [];
  if (n.kind === 'handoff' && n.slackChannel)
    rows.push({
      ...base,
      kind: 'handoff_post',
      channel: channelKey(n.slackChannel),
      payload,
      key: `handoff:${id}:post`,
    });
  if (n.kind === 'handoff' && n.to?.slackUserId)
    rows.push({ ...base, kind: 'handoff_dm', channel: n.to.slackUserId, payload, key: `handoff:${id}:dm` });
  if (n.slackUserGroup && n.onCallSlackIds.length)
    rows.push({
      ...base,
      kind: 'usergroup_update',
      channel: n.slackUserGroup,
      payload: { users: n.onCallSlackIds, scheduleId: n.scheduleId, scheduleName: n.scheduleName },
      key: `usergroup:${id}`,
    });
  if (n.kind === 'handoff')
    for (const user of homeUsers)
      rows.push({
        ...base,
        kind: 'publish_home',
        channel: user,
        payload: {},
        key: `home:${n.tenantId}:${user}:handoff:${id}`,
      });
  return rows;
}
