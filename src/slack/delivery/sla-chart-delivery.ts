import type { WebClient } from '@slack/web-api';
import {
  type DeliveryAdapter,
  DeliveryError,
  type OutboxRow,
  type SlaChartPayload,
} from '../../domains/notify/index.js';
import type { SlackDeps } from '../context.js';
import { uploadFiles } from './file-upload.js';

/**
 * An SLA burn's chart, uploaded into the incident card's thread the way Slack asks for files now: an upload URL
 * (`files.getUploadURLExternal`, with the file's length), the bytes POSTed to it, then
 * `files.completeUploadExternal` sharing it in the thread. Rendered from Silver when sent.
 */
export function slaChartDelivery(
  client: WebClient,
  deps: SlackDeps,
  payloadOf: (row: OutboxRow) => SlaChartPayload,
): DeliveryAdapter {
  return {
    async send(unit) {
      const card = unit.card;
      if (!card) throw new DeliveryError('transient', 'no_card');
      const [row] = unit.rows;
      const p = payloadOf(row);
      const chart = await deps.services.slaCharts.forKey(row.tenantId, p.definitionKey, new Date(p.at));
      if (!chart) return null; // the SLA was closed meanwhile: nothing to show
      await uploadFiles(client, [chart], {
        channel: card.channelId,
        threadTs: card.ts,
        comment: `Error budget burn of ${p.service}: the last 24 h against the same hours a week before.`,
      });
      return null;
    },
  };
}
