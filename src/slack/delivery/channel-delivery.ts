import { WebAPIPlatformError, type WebClient } from '@slack/web-api';
import { channelBookmarks, channelSummary } from '../../../blocks/incident-channel.blocks.js';
import { timelineReply } from '../../../blocks/incident-thread.blocks.js';
import type { IncidentView } from '../../../blocks/types.js';
import {
  CHANNEL_NAME_TRIES,
  channelName,
  type DeliveryAdapter,
  DeliveryError,
  type IncidentChannelDto,
  type OutboxRow,
  PAYLOADS,
} from '../../domains/notify/index.js';
import { rendererActor } from '../../shared/actor.js';
import { blockOptions, type SlackDeps } from '../context.js';
import { toTimelineItemView } from '../incident-view.mapper.js';
import type { LookUpEarlier } from './ledger-delivery.js';
import { outboxMetadata } from './posted-lookup.js';
import { rowIncident } from './row-incident.js';

/** Slack answered `ok: false` with this error. */
const slackError = (err: unknown, ...codes: string[]): boolean =>
  err instanceof WebAPIPlatformError && codes.includes(String(err.data?.error));

/** Runs `call`, treating these Slack errors as done (`already_in_channel`, `already_pinned`…). */
async function tolerating(call: () => Promise<unknown>, ...codes: string[]): Promise<void> {
  try {
    await call();
  } catch (err) {
    if (!slackError(err, ...codes)) throw err;
  }
}

/**
 * `slack.channel` and `slack.mirror`: the incident's own channel. Opening it works from its record, each step once
 * and recorded as soon as done — the channel's id the moment Slack made it, so a retry after a crash or a failed
 * step never makes a second channel and redoes only what is left (invite, summary and pin, bookmarks).
 */
export function channelDelivery(client: WebClient, deps: SlackDeps, earlier: LookUpEarlier) {
  const { channels } = deps.services;

  const incident = (row: OutboxRow): Promise<IncidentView> => rowIncident(deps, row);

  const record = async (row: OutboxRow): Promise<IncidentChannelDto> => {
    const ch = row.incidentId ? await channels.of(row.tenantId, row.incidentId) : null;
    if (!ch) throw new DeliveryError('gone', 'no_channel_asked_for');
    return ch;
  };

  /** Creates (or renames to) `inc-42-<slug>`, with a suffix while the name is taken; answers the name used. */
  const withFreeName = async (view: IncidentView, use: (name: string) => Promise<void>): Promise<string> => {
    for (let attempt = 0; ; attempt++) {
      const name = channelName(view.number, view.title, attempt);
      try {
        await use(name);
        return name;
      } catch (err) {
        if (!slackError(err, 'name_taken') || attempt + 1 >= CHANNEL_NAME_TRIES) throw err;
      }
    }
  };

  /**
   * The channel named `name` that this app made, if any: an earlier attempt whose answer was lost may have made
   * it (the name is then "taken" by OpsWatch itself).
   */
  const ownChannel = async (name: string): Promise<string | null> => {
    const me = (await client.auth.test()).user_id;
    let cursor: string | undefined;
    for (let page = 0; page < 20; page++) {
      const res = await client.conversations.list({
        types: 'public_channel,private_channel',
        exclude_archived: true,
        limit: 1000,
        ...(cursor ? { cursor } : {}),
      });
      const found = res.channels?.find((c) => c.name === name && c.creator === me);
      if (found?.id) return found.id;
      cursor = res.response_metadata?.next_cursor || undefined;
      if (!cursor) return null;
    }
    return null;
  };

  const open = async (row: OutboxRow, incidentId: string): Promise<void> => {
    let ch = await record(row);
    if (ch.archived) return;
    const view = await incident(row);
    let channelId = ch.channelId;
    if (!channelId) {
      if (view.status === 'resolved') throw new DeliveryError('gone', 'incident_resolved');
      let created = '';
      const name = await withFreeName(view, async (n) => {
        try {
          const res = await client.conversations.create({ name: n, is_private: false });
          created = res.channel?.id ?? '';
        } catch (err) {
          // An earlier attempt may have made it, its answer lost: that channel is the incident's.
          const own = row.maybeSent && slackError(err, 'name_taken') ? await ownChannel(n) : null;
          if (!own) throw err;
          created = own;
        }
      });
      if (!created) throw new DeliveryError('transient', 'no_channel_id');
      // Recorded before anything else: from here on a retry works on this channel.
      await channels.recordCreated(row.tenantId, incidentId, created, name);
      channelId = created;
      ch = { ...ch, channelId, name };
    }
    if (!ch.invited) {
      const paged = await deps.services.pagingView.pagedSlackUsers(rendererActor(row.tenantId), incidentId);
      const roles = Object.values(view.roles ?? {}).map((p) => p?.slackUserId);
      const users = [...new Set([view.assignee?.slackUserId, ...roles, ...paged, ch.requestedBy])].filter(
        (u): u is string => Boolean(u),
      );
      const id = channelId;
      if (users.length)
        await tolerating(
          () => client.conversations.invite({ channel: id, users: users.join(','), force: true }),
          'already_in_channel',
        );
      await channels.recordStep(row.tenantId, incidentId, 'invited_at');
    }
    let summaryTs = ch.summaryTs;
    if (!summaryTs) {
      const msg = channelSummary(view, blockOptions(deps));
      const res = await client.chat.postMessage({
        channel: channelId,
        text: msg.text,
        blocks: msg.blocks,
        unfurl_links: false,
        metadata: outboxMetadata([row.id]),
      });
      if (!res.ts) throw new DeliveryError('transient', 'no_ts');
      summaryTs = res.ts;
      await channels.recordSummary(row.tenantId, incidentId, summaryTs);
    }
    if (!ch.pinned) {
      const [id, ts] = [channelId, summaryTs];
      await tolerating(() => client.pins.add({ channel: id, timestamp: ts }), 'already_pinned');
      await channels.recordStep(row.tenantId, incidentId, 'pinned_at');
    }
    if (!ch.bookmarked) {
      for (const b of channelBookmarks(view.links))
        await client.bookmarks.add({ channel_id: channelId, title: b.title, type: 'link', link: b.link });
      await channels.recordStep(row.tenantId, incidentId, 'bookmarked_at');
    }
  };

  const rename = async (row: OutboxRow, incidentId: string): Promise<void> => {
    const ch = await record(row);
    // Not made yet: it is made with the title as it is then.
    if (!ch.channelId || ch.archived) return;
    const view = await incident(row);
    if (ch.name === channelName(view.number, view.title)) return;
    const id = ch.channelId;
    const name = await withFreeName(view, async (n) => {
      await client.conversations.rename({ channel: id, name: n });
    });
    await channels.recordRenamed(row.tenantId, incidentId, name);
  };

  const archive = async (row: OutboxRow, incidentId: string): Promise<void> => {
    const ch = await record(row);
    // Called off (the incident re-triggered) or archived already.
    if (!ch.channelId || ch.archived || !ch.archiveAt || ch.archiveAt > deps.clock.now()) return;
    const id = ch.channelId;
    await tolerating(() => client.conversations.archive({ channel: id }), 'already_archived');
    await channels.recordArchived(row.tenantId, incidentId, id);
  };

  const channel: DeliveryAdapter = {
    async send(unit) {
      const [row] = unit.rows;
      const p = PAYLOADS['slack.channel'].safeParse(row.payload);
      if (!p.success) throw new DeliveryError('permanent', 'unreadable_payload');
      if (!row.incidentId) throw new DeliveryError('gone', 'no_incident');
      const op = { open, rename, archive }[p.data.op];
      await op(row, row.incidentId);
      return null;
    },
  };

  /** A timeline event as a message of its own in the incident's channel (the lane is the channel's id). */
  const mirror: DeliveryAdapter = {
    findSent: (row) => earlier(row, row.lane, ''),
    async send(unit) {
      const [row] = unit.rows;
      const p = PAYLOADS['slack.mirror'].safeParse(row.payload);
      if (!p.success) throw new DeliveryError('permanent', 'unreadable_payload');
      const msg = timelineReply(toTimelineItemView(p.data), await incident(row), blockOptions(deps));
      await client.chat.postMessage({
        channel: row.lane,
        text: msg.text,
        blocks: msg.blocks,
        metadata: outboxMetadata([row.id]),
      });
      return null;
    },
  };

  return { channel, mirror };
}
