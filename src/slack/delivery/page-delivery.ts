import type { WebClient } from '@slack/web-api';
import {
  channelPageMessage,
  exhaustedNotice,
  type PageView as PageMessageView,
  pageMessage,
  userGroupMention,
} from '../../../blocks/page.blocks.js';
import type { PageReason } from '../../../blocks/types.js';
import type { PageView } from '../../domains/escalation/index.js';
import type { EscalationPostPayload, OutboxRow } from '../../domains/notify/index.js';
import { DeliveryError } from '../../domains/notify/index.js';
import { isAppError } from '../../shared/errors.js';
import { blockOptions, type SlackDeps } from '../context.js';
import { toIncidentView } from '../incident-view.mapper.js';
import { knownProblemView } from '../kb-view.mapper.js';
import { findPosted, outboxMetadata } from './posted-lookup.js';
import { toDeliveryError } from './slack-errors.js';

/** Why the person is paged, from the target that reached them. */
function reasonOf(v: PageView): PageReason {
  const label = v.target.label ?? v.target.id ?? '';
  if (v.target.type === 'schedule') return { kind: 'schedule', scheduleName: label };
  if (v.target.type === 'manager_of') return { kind: 'manager', of: label.replace(/^the manager of /, '') };
  return { kind: 'user' };
}

const toView = (v: PageView, cardUrl: string | null): PageMessageView => ({
  incident: {
    id: v.incident.id,
    number: v.incident.number,
    title: v.incident.title,
    service: v.incident.service,
    severity: Math.min(5, Math.max(1, v.incident.severity)) as 1 | 2 | 3 | 4 | 5,
    status: v.incident.status,
    drill: v.incident.drill,
  },
  reason: reasonOf(v),
  token: { generation: v.generation, loop: v.loop, step: v.step },
  alertSummary: v.incident.alert_summary,
  cardUrl,
});

/**
 * Sends a page, rendered from the page and the incident as they are now: nothing when the incident was
 * acknowledged or resolved after the page was queued (the page is then recorded `cancelled`). The outcome is
 * written back to the page (sent with its message, or failed for good with why).
 */
async function sendPage(
  deps: SlackDeps,
  row: OutboxRow,
  pageId: string,
  send: (view: PageView, handedAt: Date) => Promise<{ channel: string; ts: string } | null>,
  lookUp: () => Promise<{ channel: string; ts: string } | null>,
): Promise<void> {
  const escalation = deps.services.escalation;
  let view: Awaited<ReturnType<typeof escalation.pageToSend>>;
  try {
    view = await escalation.pageToSend(row.tenantId, pageId);
  } catch (err) {
    if (isAppError(err) && err.code === 'unavailable')
      throw new DeliveryError('transient', 'page_being_sent', undefined, true);
    throw err;
  }
  if (!view) return;
  const handedAt = deps.clock.now();
  try {
    // An earlier attempt may have sent it: what it sent counts, and nothing goes twice.
    const found = view.lookFirst ? await lookUp() : null;
    const message = found ?? (await send(view, handedAt));
    await escalation.pageSent(row.tenantId, pageId, message, handedAt);
  } catch (err) {
    const e = err instanceof DeliveryError ? err : toDeliveryError(err);
    if (e.kind === 'permanent' || e.kind === 'gone')
      await escalation.pageFailed(row.tenantId, pageId, e.reason);
    else if (e.notSent) await escalation.pageNotSent(row.tenantId, pageId);
    throw e;
  }
}

/** A `page` DM to the person (the row's lane is their Slack user id). */
export async function sendPageDm(
  client: WebClient,
  deps: SlackDeps,
  row: OutboxRow,
  pageId: string,
): Promise<void> {
  await sendPage(
    deps,
    row,
    pageId,
    async (view) => {
      const knownProblem = await knownProblemView(client, deps, row.tenantId, view.incident.id);
      const msg = pageMessage(
        { ...toView(view, await cardUrlOf(client, deps, row.tenantId, view)), knownProblem },
        blockOptions(deps),
      );
      const res = await client.chat.postMessage({
        channel: row.lane,
        text: msg.text,
        blocks: msg.blocks,
        metadata: outboxMetadata([row.id]),
      });
      return res.channel && res.ts ? { channel: res.channel, ts: res.ts } : null;
    },
    async () => {
      const open = await client.conversations.open({ users: row.lane });
      const channel = open.channel?.id;
      if (!channel) return null;
      const found = await findPosted(client, {
        channel,
        outboxId: row.id,
        since: row.createdAt,
        knownId: async () => null,
      });
      return found ? { channel: found.channelId, ts: found.ts } : null;
    },
  );
}

/** A sent page (a DM, or a channel target's post) brought up to date in place: who acknowledged or resolved. */
export async function updatePageDm(
  client: WebClient,
  deps: SlackDeps,
  row: OutboxRow,
  pageId: string,
): Promise<void> {
  const view = await deps.services.escalation.pageToUpdate(row.tenantId, pageId);
  if (!view?.message) return;
  const now = toIncidentView(
    await deps.services.incidents.get(rendererActor(row.tenantId), view.incident.id),
  );
  const person = (name: string | null) => (name ? { name, slackUserId: null } : null);
  const page: PageMessageView = {
    ...toView(view, await cardUrlOf(client, deps, row.tenantId, view)),
    acknowledgedBy: person(now.acknowledgedBy),
    acknowledgedAt: now.acknowledgedAt,
    resolvedBy: person(now.resolvedBy),
    resolvedAt: now.resolvedAt,
  };
  const msg =
    view.target.type === 'slack_channel'
      ? channelPageMessage(page, blockOptions(deps))
      : pageMessage(page, blockOptions(deps));
  await client.chat.update({
    channel: view.message.channel,
    ts: view.message.ts,
    text: msg.text,
    blocks: msg.blocks,
  });
}

/** An escalation's post in a channel: a channel or user-group target's page, or the "nobody acknowledged" notice. */
export async function sendEscalationPost(
  client: WebClient,
  deps: SlackDeps,
  row: OutboxRow,
  p: EscalationPostPayload,
): Promise<void> {
  if (p.kind === 'page' && p.pageId) {
    await sendPage(
      deps,
      row,
      p.pageId,
      async (view) => {
        const page = toView(view, await cardUrlOf(client, deps, row.tenantId, view));
        const msg =
          view.target.type === 'slack_user_group'
            ? userGroupMention(view.target.id ?? '', page.incident)
            : channelPageMessage(page, blockOptions(deps));
        const res = await client.chat.postMessage({
          channel: row.lane,
          text: msg.text,
          blocks: msg.blocks,
          metadata: outboxMetadata([row.id]),
        });
        return res.channel && res.ts ? { channel: res.channel, ts: res.ts } : null;
      },
      async () => {
        const found = await findPosted(client, {
          channel: row.lane,
          outboxId: row.id,
          since: row.createdAt,
          knownId: (c) => deps.outbox.channelIdOf(row.tenantId, c),
        });
        return found ? { channel: found.channelId, ts: found.ts } : null;
      },
    );
    return;
  }
  const inc = await deps.services.incidents.get(rendererActor(row.tenantId), p.incidentId);
  const msg = exhaustedNotice(
    {
      id: inc.id,
      number: inc.number,
      title: inc.title,
      service: inc.service,
      severity: Math.min(5, Math.max(1, inc.severity)) as 1 | 2 | 3 | 4 | 5,
      status: inc.status,
      drill: inc.drill,
    },
    p.loops ?? 1,
  );
  await client.chat.postMessage({
    channel: row.lane,
    text: msg.text,
    blocks: msg.blocks,
    metadata: outboxMetadata([row.id]),
  });
}

function rendererActor(tenantId: string) {
  return {
    tenantId,
    kind: 'system' as const,
    id: null,
    name: 'OpsWatch',
    roles: ['renderer' as const],
    source: 'job' as const,
  };
}

/**
 * The card's Slack permalink, for the page's Open card button; null when the card has not been posted yet or Slack
 * does not give one (a page is never held up or failed for want of its link: the button is then left out).
 */
function cardUrlOf(
  client: WebClient,
  deps: SlackDeps,
  tenantId: string,
  view: PageView,
): Promise<string | null> {
  return cardPermalink(client, deps, tenantId, view.incident.id);
}

/** An incident's card permalink; null when it has none yet or Slack gives none (never an error). */
export async function cardPermalink(
  client: WebClient,
  deps: SlackDeps,
  tenantId: string,
  incidentId: string,
): Promise<string | null> {
  try {
    const card = await deps.services.outbox.cardMessage(tenantId, incidentId);
    if (!card) return null;
    const res = await client.chat.getPermalink({ channel: card.channelId, message_ts: card.ts });
    return res.permalink ?? null;
  } catch {
    return null;
  }
}
