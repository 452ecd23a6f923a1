import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  alertsReceived: Counter<'source'>;
  alertsDeduplicated: Counter<'source'>;
  alertsSilenced: Counter<'source'>;
  webhookDuration: Histogram<'source'>;
  incidentsOpen: Gauge<'severity'>;
  slackDeliveryFailures: Counter<'reason'>;
  notificationsUnrouted: Counter;
  outboxExpired: Counter<'destination' | 'reason'>;
  slackAnswerDuration: Histogram<'type'>;
  databaseUp: Gauge;
  databaseOutages: Counter;
  listenConnections: Counter<'channel'>;
  notificationsReceived: Counter<'channel'>;
  jobRuns: Counter<'job'>;
  /** Pages by method and outcome (sent, failed, cancelled, skipped). */
  notifications: Counter<'method' | 'outcome'>;
  /** Seconds between a page's due instant and its hand-over to the platform. */
  escalationLateness: Histogram;
  /** Twilio's error codes, from its refusals and its status callbacks. */
  twilioErrors: Counter<'code'>;
  /** Heartbeat pings: `ok`, `recovered` (the monitor was down), `unknown` (no monitor has the token). */
  heartbeatPings: Counter<'outcome'>;
  /** Telemetry data points not stored, by reason (`cardinality_limit`: a new tag combination past the limit). */
  telemetryDroppedPoints: Counter<'reason'>;
}

/** The worker's share of the metrics. */
export type WorkerMetrics = Pick<Metrics, 'listenConnections' | 'notificationsReceived' | 'jobRuns'>;

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
  const alertsSilenced = new Counter({
    name: 'opswatch_alerts_silenced_total',
    help: 'Firing alert events a silence or maintenance window held back (stored; no incident, no page)',
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
  const notificationsUnrouted = new Counter({
    name: 'opswatch_notifications_unrouted_total',
    help: 'Incidents no Slack route and no default channel claimed: nobody was notified of them (each is on its timeline)',
    registers: [registry],
  });
  const outboxExpired = new Counter({
    name: 'opswatch_outbox_expired_total',
    help: 'Outbox rows given up undelivered because no process delivers their destination (e.g. Slack not configured)',
    labelNames: ['destination', 'reason'],
    registers: [registry],
  });
  const slackAnswerDuration = new Histogram({
    name: 'opswatch_slack_answer_duration_seconds',
    help: "Time from reading a Slack request (HTTP mode) to answering it, by payload type; Slack's limit is 3 s",
    labelNames: ['type'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 3],
    registers: [registry],
  });
  const databaseUp = new Gauge({
    name: 'opswatch_database_up',
    help: 'Whether this process reaches its database (0 from a confirmed outage until a probe succeeds again)',
    registers: [registry],
  });
  databaseUp.set(1);
  const databaseOutages = new Counter({
    name: 'opswatch_database_outages_total',
    help: 'Database outages this process has seen (each from the first failed probe to the first good one)',
    registers: [registry],
  });
  const listenConnections = new Counter({
    name: 'opswatch_listen_connections_total',
    help: 'LISTEN connections established, the first one and each re-established after a loss, by channel',
    labelNames: ['channel'],
    registers: [registry],
  });
  const notificationsReceived = new Counter({
    name: 'opswatch_notifications_received_total',
    help: 'NOTIFY messages received on a LISTEN connection, by channel',
    labelNames: ['channel'],
    registers: [registry],
  });
  const jobRuns = new Counter({
    name: 'opswatch_job_runs_total',
    help: 'Runs of background jobs started by Agenda in this process, by job',
    labelNames: ['job'],
    registers: [registry],
  });
  const notifications = new Counter({
    name: 'opswatch_notifications_total',
    help: 'Escalation pages by method and outcome (sent, failed, cancelled, skipped; for sms and voice also delivered, undelivered, no_answer, busy, voicemail)',
    labelNames: ['method', 'outcome'],
    registers: [registry],
  });
  const escalationLateness = new Histogram({
    name: 'opswatch_escalation_lateness_seconds',
    help: 'Seconds between a page being due and its hand-over to the platform (Slack)',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  const twilioErrors = new Counter({
    name: 'opswatch_twilio_errors_total',
    help: 'Error codes Twilio gave for SMS and calls (refused requests and status callbacks), by code',
    labelNames: ['code'],
    registers: [registry],
  });
  const heartbeatPings = new Counter({
    name: 'opswatch_heartbeat_pings_total',
    help: 'Heartbeat pings, by outcome: ok, recovered (the monitor was down), unknown (no monitor has the token)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const telemetryDroppedPoints = new Counter({
    name: 'opswatch_telemetry_dropped_points_total',
    help: 'Telemetry data points not stored, by reason (cardinality_limit: a new tag combination of a metric past its limit)',
    labelNames: ['reason'],
    registers: [registry],
  });
  return {
    registry,
    telemetryDroppedPoints,
    twilioErrors,
    heartbeatPings,
    notifications,
    escalationLateness,
    databaseUp,
    databaseOutages,
    listenConnections,
    notificationsReceived,
    jobRuns,
    slackAnswerDuration,
    alertsReceived,
    alertsDeduplicated,
    alertsSilenced,
    webhookDuration,
    incidentsOpen,
    slackDeliveryFailures,
    notificationsUnrouted,
    outboxExpired,
  };
}
