import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../config.js';
import type { DatabaseWatch } from '../db/db-watch.js';
import { ENGINE_CHANNEL, type EscalationDirectory } from '../domains/escalation/index.js';
import { parseCadence } from '../domains/incidents/index.js';
import {
  combineRegistries,
  type DeliveryRegistry,
  type DeliveryReport,
  OUTBOX_CHANNEL,
} from '../domains/notify/index.js';
import { DEFAULT_RETENTION } from '../domains/rollups/index.js';
import { allowedNamespaces } from '../domains/runbooks/index.js';
import type { MetricSink } from '../domains/telemetry/index.js';
import { type Engine, engineFor } from '../engine/index.js';
import { createHttpApp, createSlackOnlyApp } from '../http/app.js';
import { listen } from '../http/listen.js';
import { createMetrics, type Metrics } from '../http/metrics.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { SlackApp } from '../slack/slack-app.js';
import type { TwilioSettings } from '../twilio/twilio-client.js';
import type { RoleName } from './roles.js';
import { startRollupFlusher } from './rollup-flusher.js';
import { createServices, type ServiceOptions, type Services } from './services.js';

export type AppConfig = Pick<
  Config,
  | 'SLACK_BOT_TOKEN'
  | 'SLACK_SIGNING_SECRET'
  | 'SLACK_APP_TOKEN'
  | 'SLACK_API_URL'
  | 'SLACK_DEFAULT_CHANNEL'
  | 'publicBaseUrl'
  | 'slackEnabled'
  | 'ENGINE_TICK_SECONDS'
  | 'PORT'
  | 'HOST'
> &
  Partial<
    Pick<
      Config,
      | 'TWILIO_ACCOUNT_SID'
      | 'TWILIO_AUTH_TOKEN'
      | 'TWILIO_FROM_NUMBER'
      | 'TWILIO_API_URL'
      | 'UPDATE_CADENCE'
      | 'INCIDENT_CHANNEL_ARCHIVE_HOURS'
      | 'TELEMETRY_BRONZE_RETENTION_DAYS'
      | 'TELEMETRY_MINUTE_RETENTION_DAYS'
      | 'TELEMETRY_HOUR_RETENTION_DAYS'
      | 'TELEMETRY_CARDINALITY_WARN'
      | 'TELEMETRY_CARDINALITY_LIMIT'
      | 'TELEMETRY_HASH_SECRET'
      | 'KUBERNETES_ALLOWED_NAMESPACES'
      | 'OPSWATCH_KUBECONFIG'
      | 'KUBECONFIG'
      | 'SLA_REPORT_CHANNEL'
    >
  >;

export interface OpsWatchDeps {
  orm: MikroORM;
  config: AppConfig;
  log: Logger;
  clock: Clock;
  /** Policies, rules and managers for the escalation engine (the composition root's default when not given). */
  escalationDirectory?: EscalationDirectory;
  /** Runbook runs' adapters and secrets' environment (tests; default: http + kubernetes, process.env). */
  remediation?: Pick<ServiceOptions, 'actionAdapters' | 'env'>;
  /** Where ingested metric points go instead of Silver's aggregator (tests' witness). */
  metricSink?: MetricSink;
  /** Bolt's bot ids, so the Slack app skips `auth.test` when it starts. */
  slack?: { botId?: string; botUserId?: string };
}

export interface StartOptions {
  /** For the worker's own connections (Agenda, LISTEN). */
  databaseUrl: string;
  /** Database reachable and every migration applied (`/readyz`). */
  ready: () => Promise<boolean>;
  /** The process's database watch (the worker makes its own when not given). */
  watch?: DatabaseWatch;
  /** Where the sidecar listens; the configuration's PORT and HOST when not given. */
  listen?: { port: number; host: string };
  /** Told the port once the sidecar listens (published beside the embedded database). */
  onListening?: (port: number) => Promise<void>;
  /** How often an HTTP process flushes its metric rollups (default 60 s; tests flush by hand instead). */
  rollupFlushSeconds?: number;
  /** The worker's timing (tests run it fast). */
  worker?: {
    tickSeconds?: number;
    sweepSeconds?: number;
    processEverySeconds?: number;
    lockLifetimeMs?: number;
    /** Wake the engine at its next deadline and on NOTIFY (default); false: only every tickSeconds. */
    pacer?: boolean;
  };
}

export interface Started {
  /** The sidecar's port; null when this process serves no HTTP. */
  port: number | null;
  slack: SlackApp | null;
  /** Stops what was started, last first. */
  stop(): Promise<void>;
}

/** One OpsWatch: its services, engine and delivery adapters, built from the configuration; roles start on demand. */
export interface OpsWatch {
  services: Services;
  metrics: Metrics;
  engine: Engine;
  /** This process's delivery adapters, by destination (Slack's when Slack is configured). */
  delivery: DeliveryRegistry;
  /** One outbox delivery run now, through `delivery` (the worker runs it on NOTIFY and on a sweep). */
  deliverOnce(): Promise<DeliveryReport>;
  start(roles: readonly RoleName[], opts: StartOptions): Promise<Started>;
}

/** Twilio's settings when all three of its variables are set (config.ts refuses a partial set). */
function twilioSettings(config: AppConfig): TwilioSettings | null {
  const {
    TWILIO_ACCOUNT_SID: accountSid,
    TWILIO_AUTH_TOKEN: authToken,
    TWILIO_FROM_NUMBER: fromNumber,
  } = config;
  if (!accountSid || !authToken || !fromNumber) return null;
  return {
    accountSid,
    authToken,
    fromNumber,
    apiUrl: config.TWILIO_API_URL,
    publicBaseUrl: config.publicBaseUrl,
  };
}

/**
 * The composition root: builds the services (domain-to-domain wiring included, whatever the roles), the metrics
 * they report to, the engine's modules and the delivery adapters the configuration allows. main.ts, the test
 * harness and the benches (through bin/opswatch) all build OpsWatch here. Slack's SDKs are loaded only when
 * Slack is configured.
 */
export async function buildOpsWatch(deps: OpsWatchDeps): Promise<OpsWatch> {
  const { orm, config, log, clock } = deps;
  let services: Services | null = null;
  const metrics = createMetrics(() => services?.incidents.openCountsBySeverity() ?? Promise.resolve([]));
  const built = createServices(orm, clock, {
    log,
    slackDefaultChannel: config.SLACK_DEFAULT_CHANNEL,
    slaReportChannel: config.SLA_REPORT_CHANNEL,
    publicBaseUrl: config.publicBaseUrl,
    ...(config.INCIDENT_CHANNEL_ARCHIVE_HOURS !== undefined
      ? { channelArchiveHours: config.INCIDENT_CHANNEL_ARCHIVE_HOURS }
      : {}),
    updateCadence: parseCadence(config.UPDATE_CADENCE),
    cardinality: {
      warnAt: config.TELEMETRY_CARDINALITY_WARN ?? 10_000,
      limit: config.TELEMETRY_CARDINALITY_LIMIT ?? 50_000,
    },
    retention: {
      bronzeDays: config.TELEMETRY_BRONZE_RETENTION_DAYS ?? DEFAULT_RETENTION.bronzeDays,
      minuteDays: config.TELEMETRY_MINUTE_RETENTION_DAYS ?? DEFAULT_RETENTION.minuteDays,
      hourDays: config.TELEMETRY_HOUR_RETENTION_DAYS ?? DEFAULT_RETENTION.hourDays,
    },
    telemetryHashSecret: config.TELEMETRY_HASH_SECRET,
    runbookNamespaces: allowedNamespaces({
      KUBERNETES_ALLOWED_NAMESPACES: config.KUBERNETES_ALLOWED_NAMESPACES,
    }),
    ...(deps.metricSink ? { metricSink: deps.metricSink } : {}),
    metrics: {
      telemetryDropped: (reason, points) => metrics.telemetryDroppedPoints.inc({ reason }, points),
      deliveryFailed: (destination, reason) => {
        if (destination.startsWith('slack.')) metrics.slackDeliveryFailures.inc({ reason });
      },
      unrouted: () => metrics.notificationsUnrouted.inc(),
      expired: (destination, reason) => metrics.outboxExpired.inc({ destination, reason }),
      escalation: {
        notified: (method, outcome) => metrics.notifications.inc({ method, outcome }),
        lateness: (seconds) => metrics.escalationLateness.observe(seconds),
      },
      phone: {
        notified: (method, outcome) => metrics.notifications.inc({ method, outcome }),
        lateness: (seconds) => metrics.escalationLateness.observe(seconds),
        twilioError: (code) => metrics.twilioErrors.inc({ code }),
      },
      remediation: {
        runFinished: (actionKind, outcome) => metrics.runbookRuns.inc({ action_kind: actionKind, outcome }),
      },
    },
    kubeconfig: config.OPSWATCH_KUBECONFIG ?? config.KUBECONFIG,
    phonesOn: Boolean(config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN && config.TWILIO_FROM_NUMBER),
    ...(deps.escalationDirectory ? { escalationDirectory: deps.escalationDirectory } : {}),
    ...deps.remediation,
  });
  services = built;
  const slack = config.slackEnabled ? await import('../slack/runtime.js') : null;
  const slackOptions = { config, services: built, log, clock };
  const twilio = twilioSettings(config);
  const phones = twilio ? await import('../twilio/twilio-adapter.js') : null;
  // One registry of every configured platform's adapters: Slack's, and Twilio's SMS and voice.
  const delivery = combineRegistries(
    ...(slack ? [slack.slackDeliveryRegistry(slackOptions)] : []),
    ...(phones && twilio
      ? [phones.twilioDeliveryRegistry({ settings: twilio, paging: built.phonePaging, clock, log })]
      : []),
  );
  const engine = engineFor(built, log);
  const deliverOnce = () => built.outbox.deliverOnce(delivery);

  async function start(roles: readonly RoleName[], opts: StartOptions): Promise<Started> {
    const closers: (() => Promise<void>)[] = [];
    const stop = async () => {
      for (const close of closers.reverse())
        await close().catch((err: unknown) => log.error({ err }, 'error while stopping'));
    };
    try {
      if (!slack && roles.includes('slack'))
        log.warn(
          'Slack is off: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode) to turn it on.',
        );
      const app =
        slack && roles.includes('slack')
          ? await slack.startSlackApp({ ...slackOptions, metrics, ...deps.slack })
          : null;
      if (app) closers.push(() => app.stop());
      if (roles.includes('worker')) {
        const { startWorkerRole, outboxDeliverer } = await import('../jobs/index.js');
        const w = opts.worker ?? {};
        const worker = await startWorkerRole({
          databaseUrl: opts.databaseUrl,
          log,
          clock,
          engine,
          tickSeconds: w.tickSeconds ?? config.ENGINE_TICK_SECONDS,
          metrics,
          outbox: {
            deliver: outboxDeliverer(deliverOnce, log),
            channel: OUTBOX_CHANNEL,
            ...(w.sweepSeconds ? { sweepSeconds: w.sweepSeconds } : {}),
          },
          ...(w.processEverySeconds && w.lockLifetimeMs
            ? { timing: { processEverySeconds: w.processEverySeconds, lockLifetimeMs: w.lockLifetimeMs } }
            : {}),
          ...(opts.watch ? { watch: opts.watch } : {}),
          runbookRuns: { run: () => built.remediation.runDue() },
          pacer:
            w.pacer === false
              ? null
              : { channel: ENGINE_CHANNEL, nextDeadline: () => built.escalation.nextDeadline() },
        });
        closers.push(worker.stop);
      }
      let port: number | null = null;
      const serveSlackOnly = !roles.includes('http') && Boolean(app?.events);
      if (roles.includes('http') || serveSlackOnly) {
        const http = {
          services: built,
          metrics,
          log,
          ready: opts.ready,
          ...(twilio ? { twilio: { authToken: twilio.authToken, publicBaseUrl: twilio.publicBaseUrl } } : {}),
          ...(app?.events ? { slackEvents: app.events } : {}),
        };
        if (roles.includes('http'))
          closers.push(startRollupFlusher(built, log, opts.rollupFlushSeconds ?? 60));
        const handler = serveSlackOnly ? createSlackOnlyApp(http) : createHttpApp(http, config.publicBaseUrl);
        const at = opts.listen ?? { port: config.PORT, host: config.HOST };
        const listening = await listen(handler.fetch, at.port, at.host);
        // Stopping: the server closes first (requests finish), then the metric points buffered reach the sink.
        closers.push(async () => built.telemetry.flushMetrics());
        closers.push(listening.close);
        port = listening.port;
        await opts.onListening?.(port);
        log.info({ port, host: at.host }, 'HTTP sidecar listening');
      }
      return { port, slack: app, stop };
    } catch (err) {
      await stop();
      throw err;
    }
  }

  return { services: built, metrics, engine, delivery, deliverOnce, start };
}
