import type { WebClient } from '@slack/web-api';
import { exhaustedPost, type PageMessageView, pageChannelPost, pageDm } from '../../../blocks/page.blocks.js';
import type { PageView } from '../../domains/escalation/index.js';
import type { EscalationPostPayload, OutboxRow } from '../../domains/notify/index.js';
import { DeliveryError } from '../../domains/notify/index.js';
import { blockOptions, type SlackDeps } from '../context.js';
import { outboxMetadata } from './posted-lookup.js';
import { toDeliveryError } from './slack-errors.js';

const toView = (v: PageView): PageMessageView => ({
  incidentId: v.incident.id,
  ref: v.incident.ref,
  title: v.incident.title,
  severity: v.incident.severity,
  service: v.incident.service,
  status: v.incident.status,
  drill: v.incident.drill,
  alertSummary: v.incident.alert_summary,
  reason: v.reason,
  generation: v.generation,
  loop: v.loop,
  step: v.step,
  cardUrl: null,
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
): Promise<void> {
  const escalation = deps.services.escalation;
  const view = await escalation.pageToSend(row.tenantId, pageId);
  if (!view) return;
  const handedAt = deps.clock.now();
  try {
    const message = await send(view, handedAt);
    await escalation.pageSent(row.tenantId, pageId, message, handedAt);
  } catch (err) {
    const e = err instanceof DeliveryError ? err : toDeliveryError(err);
    if (e.kind === 'permanent' || e.kind === 'gone')
      await escalation.pageFailed(row.tenantId, pageId, e.reason);
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
  await sendPage(deps, row, pageId, async (view) => {
    const msg = pageDm(toView(view), blockOptions(deps));
    const res = await client.chat.postMessage({ channel: row.lane, text: msg.text, blocks: msg.blocks });
    return res.channel && res.ts ? { channel: res.channel, ts: res.ts } : null;
  });
}

/** A sent page's DM brought up to date in place. */
export async function updatePageDm(
  client: WebClient,
  deps: SlackDeps,
  row: OutboxRow,
  pageId: string,
): Promise<void> {
  const view = await deps.services.escalation.pageToUpdate(row.tenantId, pageId);
  if (!view?.message) return;
  const msg = pageDm(toView(view), blockOptions(deps));
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
    await sendPage(deps, row, p.pageId, async (view) => {
      const mention = view.reason.startsWith('Paging <!subteam^')
        ? view.reason.slice('Paging '.length)
        : '<!here>';
      const msg = pageChannelPost(toView(view), mention, blockOptions(deps));
      const res = await client.chat.postMessage({
        channel: row.lane,
        text: msg.text,
        blocks: msg.blocks,
        metadata: outboxMetadata([row.id]),
      });
      return res.channel && res.ts ? { channel: res.channel, ts: res.ts } : null;
    });
    return;
  }
  const inc = await deps.services.incidents.get(
    {
      tenantId: row.tenantId,
      kind: 'system',
      id: null,
      name: 'OpsWatch',
      roles: ['renderer'],
      source: 'job',
    },
    p.incidentId,
  );
  const msg = exhaustedPost({ ref: inc.ref, title: inc.title, drill: false, cardUrl: null }, p.loops ?? 1);
  await client.chat.postMessage({
    channel: row.lane,
    text: msg.text,
    blocks: msg.blocks,
    metadata: outboxMetadata([row.id]),
  });
}
