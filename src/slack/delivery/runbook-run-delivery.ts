import type { WebClient } from '@slack/web-api';
import { runbookRunMessage } from '../../../blocks/runbook-run.blocks.js';
import { type DeliveryAdapter, DeliveryError, runbookRunPayloadSchema } from '../../domains/notify/index.js';
import type { SlackDeps } from '../context.js';
import { toRunView } from '../runbook-run-view.mapper.js';

/**
 * `slack.run`: a runbook action run's message in the card's thread, rendered from the run as it is now. The first
 * send posts it and records where on the run; later ones edit that message in place. (Rows of one incident's
 * lane leased together are merged: each run among them is drawn once.)
 */
export function runbookRunDelivery(client: WebClient, deps: SlackDeps): DeliveryAdapter {
  const runs = deps.services.remediation.runs;
  return {
    async send(unit) {
      const card = unit.card;
      if (!card) throw new DeliveryError('gone', 'no_card');
      const [first] = unit.rows;
      const ids = new Set<string>();
      for (const row of unit.rows) {
        const p = runbookRunPayloadSchema.safeParse(row.payload);
        if (p.success) ids.add(p.data.runId);
      }
      for (const runId of ids) {
        const v = await runs.view(first.tenantId, runId);
        if (!v) continue;
        const msg = runbookRunMessage(toRunView(v.run, v.incidentRef));
        if (v.message) {
          await client.chat.update({
            channel: v.message.channel,
            ts: v.message.ts,
            text: msg.text,
            blocks: msg.blocks,
          });
          continue;
        }
        const res = await client.chat.postMessage({
          channel: card.channelId,
          thread_ts: card.ts,
          text: msg.text,
          blocks: msg.blocks,
          unfurl_links: false,
          unfurl_media: false,
        });
        if (!res.ts) throw new DeliveryError('transient', 'no_ts');
        await runs.saveMessage(first.tenantId, runId, { channel: res.channel ?? card.channelId, ts: res.ts });
      }
      return null;
    },
  };
}
