import type { WebClient } from '@slack/web-api';
import type { DeliveryAdapter, OutboxRow, SlaReportPayload } from '../../domains/notify/index.js';
import { weekCharts } from '../../domains/sla/index.js';
import { uploadFiles } from './file-upload.js';

/**
 * The weekly SLA report's charts (`slack.upload`), uploaded into the report channel itself (the row's lane), not
 * a thread: one chart per SLA with a snapshot that week (least budget left first, at most ten), rendered from the
 * payload's daily figures and shared in one message after the report's.
 */
export function slaReportChartsDelivery(
  client: WebClient,
  payloadOf: (row: OutboxRow) => SlaReportPayload,
): DeliveryAdapter {
  return {
    async send(unit) {
      const [row] = unit.rows;
      const p = payloadOf(row);
      const charts = weekCharts(p, p.lines);
      if (charts.length === 0) return null; // no SLA had a snapshot that week: nothing to draw
      await uploadFiles(client, charts, {
        channel: row.lane,
        comment: `SLA charts of ${p.week}: each day's shortfall (100 − attainment) against the week before; the dashed line is what the SLO allows.`,
      });
      return null;
    },
  };
}
