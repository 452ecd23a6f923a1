import type { WebClient } from '@slack/web-api';
import { handoffDm, handoffPost } from '../../../blocks/handoff.blocks.js';
import { incidentCard } from '../../../blocks/incident-card.blocks.js';
import { timelineReply } from '../../../blocks/incident-thread.blocks.js';
import type { IncidentView } from '../../../blocks/types.js';
import { incidentRef } from '../../domains/incidents/index.js';
import {
  type CardMessage,
  DeliveryError,
  type OutboxRow,
  type OutboxSender,
  type PostedCard,
  type ReplyPayload,
} from '../../domains/notify/index.js';
import { rendererActor } from '../../shared/actor.js';
import { isAppError } from '../../shared/errors.js';
import { blockOptions, type SlackDeps } from '../context.js';
import { handoffPayloadSchema, toHandoffView, usergroupPayloadSchema } from '../handoff-view.mapper.js';
import { renderHome } from '../home.js';
import { toIncidentView, toTimelineItemView } from '../incident-view.mapper.js';
import { replyDetail } from '../reply-detail.calc.js';
import { findPosted, outboxMetadata } from './posted-lookup.js';
import { toDeliveryError } from './slack-errors.js';

type Blocks = Parameters<WebClient['chat']['postMessage']>[0] extends infer A
  ? A extends { blocks?: infer B }
    ? B
    : never
  : never;

/** Sends outbox rows to Slack, always rendering the incident as it is now (so updates coalesce to the latest). */
export function slackSender(client: WebClient, deps: SlackDeps): OutboxSender {
  const incident = async (row: OutboxRow): Promise<IncidentView> => {
    if (!row.incidentId) throw new DeliveryError('gone', 'no_incident');
    try {
      return toIncidentView(await deps.services.incidents.get(rendererActor(row.tenantId), row.incidentId));
    } catch (err) {
      if (isAppError(err) && err.code === 'not_found') throw new DeliveryError('gone', 'incident_not_found');
      throw err;
    }
  };
  const needCard = (card: CardMessage | null): CardMessage => {
    if (!card) throw new DeliveryError('gone', 'no_card');
    return card;
  };
  const payloadOf = <T>(
    row: OutboxRow,
    schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } },
  ): T => {
    const r = schema.safeParse(row.payload);
    if (!r.success) throw new DeliveryError('permanent', 'unreadable_payload');
    return r.data;
  };
  const idsOf = (row: OutboxRow): string[] =>
    Array.isArray(row.payload.outboxIds) ? row.payload.outboxIds.map(String) : [row.id];
  /** An earlier attempt may have posted this row already: find that message instead of posting again. */
  const earlier = async (row: OutboxRow, channel: string, threadTs?: string) => {
    if (!row.maybeSent) return null;
    try {
      return await findPosted(client, {
        channel,
        outboxId: row.id,
        since: row.createdAt,
        ...(threadTs ? { threadTs } : {}),
        knownId: (c) => deps.outbox.channelIdOf(row.tenantId, c),
      });
    } catch (err) {
      // Rate limited, a 5xx or no answer: look again later (the row stays "maybe sent") rather than post a
      // second copy of what is most likely there.
      const e = toDeliveryError(err);
      if (e.kind === 'rate_limited' || e.kind === 'transient') throw e;
      // The history cannot be read at all (an app created from an older manifest lacks the scopes): post anyway,
      // a possible duplicate rather than a lost message.
      deps.log.warn({ err, outbox: row.id, channel }, 'could not look for an earlier post; posting');
      return null;
    }
  };

  const send = async (row: OutboxRow, card: CardMessage | null): Promise<PostedCard | null> => {
    switch (row.kind) {
      case 'post_card': {
        const found = await earlier(row, row.channel);
        if (found) return { ...found, recovered: true };
        const msg = incidentCard(await incident(row), blockOptions(deps));
        const res = await client.chat.postMessage({
          channel: row.channel,
          text: msg.text,
          blocks: msg.blocks,
          unfurl_links: false,
          unfurl_media: false,
          metadata: outboxMetadata([row.id]),
        });
        if (!res.ts) throw new DeliveryError('transient', 'no_ts');
        return { channelId: res.channel ?? row.channel, ts: res.ts, recovered: false };
      }
      case 'update_card': {
        const c = needCard(card);
        const msg = incidentCard(await incident(row), blockOptions(deps));
        await client.chat.update({ channel: c.channelId, ts: c.ts, text: msg.text, blocks: msg.blocks });
        return null;
      }
      case 'thread_reply': {
        const c = needCard(card);
        if (await earlier(row, c.channelId, c.ts)) return null;
        const view = await incident(row);
        const p = row.payload as unknown as ReplyPayload;
        const item = toTimelineItemView({
          ...p,
          message: replyDetail(p.message, incidentRef(view.number), p.actorName),
        });
        const msg = timelineReply(item, view, blockOptions(deps));
        await client.chat.postMessage({
          channel: c.channelId,
          thread_ts: c.ts,
          text: msg.text,
          blocks: msg.blocks,
          metadata: outboxMetadata(idsOf(row)),
        });
        return null;
      }
      case 'handoff_post': {
        if (await earlier(row, row.channel)) return null;
        const p = payloadOf(row, handoffPayloadSchema);
        const msg = handoffPost(toHandoffView(p), { ...blockOptions(deps), timeZone: p.timeZone });
        await client.chat.postMessage({
          channel: row.channel,
          text: msg.text,
          blocks: msg.blocks,
          metadata: outboxMetadata([row.id]),
        });
        return null;
      }
      case 'handoff_dm': {
        const p = payloadOf(row, handoffPayloadSchema);
        const msg = handoffDm(toHandoffView(p), {
          ...blockOptions(deps),
          timeZone: p.to?.timeZone ?? p.timeZone,
        });
        await client.chat.postMessage({ channel: row.channel, text: msg.text, blocks: msg.blocks });
        return null;
      }
      case 'usergroup_update': {
        const p = payloadOf(row, usergroupPayloadSchema);
        await client.usergroups.users.update({ usergroup: row.channel, users: p.users.join(',') });
        return null;
      }
      case 'dm': {
        const p = row.payload as { text?: string; blocks?: Blocks };
        await client.chat.postMessage({
          channel: row.channel,
          text: p.text ?? '',
          ...(p.blocks ? { blocks: p.blocks } : {}),
        });
        return null;
      }
      case 'publish_home': {
        const view = await renderHome(deps, row.tenantId, row.channel);
        await client.views.publish({ user_id: row.channel, view });
        return null;
      }
    }
  };

  return {
    async send(row, card) {
      try {
        return await send(row, card);
      } catch (err) {
        throw toDeliveryError(err);
      }
    },
  };
}
