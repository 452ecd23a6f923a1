import type { PayloadInput } from './destinations.js';
import type { NewOutboxRow } from './outbox.types.js';

/**
 * A tenant's weekly SLA report in its report channel: the message (`slack.post`), then its charts
 * (`slack.upload`, queued after it, so the lane sends it second). Keyed per tenant and ISO week: whichever replica
 * queues it first, the report goes once.
 */
export function slaReportRows(r: {
  tenantId: string;
  channel: string;
  report: PayloadInput<'slack.upload'>;
}): NewOutboxRow[] {
  const base = { tenantId: r.tenantId, incidentId: null, lane: r.channel, payload: r.report };
  return [
    { ...base, destination: 'slack.post', key: `sla-report:${r.tenantId}:${r.report.week}` },
    { ...base, destination: 'slack.upload', key: `sla-report-chart:${r.tenantId}:${r.report.week}` },
  ];
}
