import type { WebClient } from '@slack/web-api';
import { actionItemReminder } from '../../../blocks/action-items.blocks.js';
import type { OutboxRow } from '../../domains/notify/index.js';
import type { SlackDeps } from '../context.js';
import { toActionItemView } from '../postmortem-view.mapper.js';
import { outboxMetadata } from './posted-lookup.js';

/**
 * An overdue action item's reminder DM (the row's lane is the owner's Slack user id), rendered from the item as
 * it is now: nothing is sent when it was closed since the reminder was queued.
 */
export async function sendActionItemReminder(
  client: WebClient,
  deps: SlackDeps,
  row: OutboxRow,
  itemId: string,
): Promise<void> {
  const view = await deps.services.actionItems.reminderView(row.tenantId, itemId);
  if (!view) return;
  const msg = actionItemReminder({
    item: toActionItemView(view.item),
    postmortemTitle: view.postmortemTitle,
  });
  await client.chat.postMessage({
    channel: row.lane,
    text: msg.text,
    blocks: msg.blocks,
    metadata: outboxMetadata([row.id]),
  });
}
