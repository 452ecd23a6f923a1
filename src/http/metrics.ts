import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  alertsReceived: Counter<'source'>;
  alertsDeduplicated: Counter<'source'>;
  webhookDuration: Histogram<'source'>;
  incidentsOpen: Gauge<'severity'>;
  slackDeliveryFailures: Counter<'reason'>;
  slackAnswerDuration: Histogram<'type'>;
}

/** The process's Prometheus metrics. `openCounts` is read at scrape time so every replica reports the database's truth. */
export function createMetrics(openCounts: () => Promise<{ severity: number; n: number }[]>): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'opswatch_' });
  const alertsReceived = new Counter({
    name: 'opswatch_alerts_received_total',
    help: 'Alert events received by webhooks, by source',
    labelNames: ['source'],
    registers: [registry],
  });
  const alertsDeduplicated = new Counter({
    name: 'opswatch_alerts_deduplicated_total',
    help: 'Alert events that repeated an alert already known (no new alert was created)',
    labelNames: ['source'],
    registers: [registry],
  });
  const webhookDuration = new Histogram({
    name: 'opswatch_webhook_duration_seconds',
    help: 'Time to authenticate, parse and commit a webhook, by source',
    labelNames: ['source'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const incidentsOpen = new Gauge({
    name: 'opswatch_incidents_open',
    help: 'Incidents not yet resolved, by severity (1 = P1)',
    labelNames: ['severity'],
    registers: [registry],
    async collect() {
      const counts = await openCounts().catch(() => null);
      if (!counts) return;
      this.reset();
      for (let s = 1; s <= 5; s++)
        this.set({ severity: `P${s}` }, counts.find((c) => c.severity === s)?.n ?? 0);
    },
  });
  const slackDeliveryFailures = new Counter({
    name: 'opswatch_slack_delivery_failures_total',
    help: 'Failed Slack deliveries from the outbox (each failed attempt), by Slack error or transport reason',
    labelNames: ['reason'],
    registers: [registry],
  });
  const slackAnswerDuration = new Histogram({
    name: 'opswatch_slack_answer_duration_seconds',
    help: "Time from reading a Slack request (HTTP mode) to answering it, by payload type; Slack's limit is 3 s",
    labelNames: ['type'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 3],
    registers: [registry],
  });
  return {
    registry,
    slackAnswerDuration,
    alertsReceived,
    alertsDeduplicated,
    webhookDuration,
    incidentsOpen,
    slackDeliveryFailures,
  };
}
