import { readFileSync } from 'node:fs';
import { buildOpsWatch, type OpsWatch, type Started } from '../../src/app/opswatch.js';
import type { RoleName } from '../../src/app/roles.js';
import type { Services } from '../../src/app/services.js';
import { type Orm, openOrm } from '../../src/db/orm.js';
import type { EscalationDirectory } from '../../src/domains/escalation/index.js';
import type { DeliveryRegistry, DeliveryReport } from '../../src/domains/notify/index.js';
import type { MetricSink } from '../../src/domains/telemetry/index.js';
import type { Engine } from '../../src/engine/index.js';
import type { Metrics } from '../../src/http/metrics.js';
import type { Actor } from '../../src/shared/actor.js';
import { ManualClock } from '../../src/shared/clock.js';
import { createLogger } from '../../src/shared/logger.js';
import type { SlackApp } from '../../src/slack/slack-app.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import { type FakeSlack, startFakeSlack } from './fake-slack.js';
import { type FakeTwilio, type FakeTwilioOptions, startFakeTwilio } from './fake-twilio.js';
import { type SlackDriver, slackDriver } from './slack-signing.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

export const TEST_API_KEY = 'test-key-0123456789abcdef';

export const SLACK_SIGNING_SECRET = 'test-signing-secret-0123456789';
export const SLACK_TEAM_ID = 'T0FAKE';
export const SLACK_DEFAULT_CHANNEL = 'C0DEFAULT';
/** PUBLIC_BASE_URL of an app started with Twilio: Twilio signs for it; the fake delivers to the local port. */
export const PUBLIC_BASE_URL = 'https://opswatch.example.test';

export interface TestSlack {
  fake: FakeSlack;
  driver: SlackDriver;
  /** The Bolt app (the `slack` role). */
  app: SlackApp;
  /** The Slack destinations' delivery adapters (what the worker delivers through). */
  delivery: DeliveryRegistry;
  /** One outbox delivery run, at the manual clock's now. */
  deliverOnce(): Promise<DeliveryReport>;
  /** Waits until every Slack request's listeners have finished (their work continues after the ack). */
  idle(): Promise<void>;
}

export interface TestSlackOptions {
  /** Socket Mode with this app token (the fake's apps.connections.open answers the WebSocket URL). */
  appToken?: string;
  /** Run the worker role too (Agenda + LISTEN), instead of driving delivery with deliverOnce. */
  worker?: boolean;
  /** Runs after the fake Slack starts and before the app does (e.g. `setConnectionsUrl`). */
  beforeStart?: (fake: FakeSlack) => void | Promise<void>;
}

export interface TestApp {
  url: string;
  db: TestDatabase;
  orm: Orm;
  /** The OpsWatch the composition root built (src/app), as main.ts builds it. */
  app: OpsWatch;
  services: Services;
  metrics: Metrics;
  clock: ManualClock;
  actor: Actor;
  proxy: TcpProxy | null;
  /** Set when started with `slack`. */
  slack: TestSlack | null;
  /** Set when started with `twilio`: the fake Twilio OpsWatch sends SMS and calls to (closing fails on any not expected). */
  twilio: FakeTwilio | null;
  /** The engine (handoffs…); tests tick it by hand at the manual clock's now, or let the worker do it. */
  engine: Engine;
  tick(): Promise<Record<string, object>>;
  /** fetch against the running sidecar with the API key (unless headers override it). */
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/alertmanager/${name}`, import.meta.url), 'utf8');
}

export function localFixture(path: string): string {
  return readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8');
}

/**
 * OpsWatch built by the composition root (src/app, as main.ts builds it) over its own fresh database on the run's
 * real PostgreSQL, with a manual clock: the HTTP sidecar on a real port, and with `slack` the Slack app (HTTP mode
 * or Socket Mode) against a fake Slack. With `viaProxy`, the app reaches the database through a TCP proxy tests
 * can cut.
 */
export async function startTestApp(
  opts: {
    viaProxy?: boolean;
    slack?: boolean | TestSlackOptions;
    escalationDirectory?: EscalationDirectory;
    /** SMS and calls through a fake Twilio; PUBLIC_BASE_URL is then a public URL the fake maps to the local port. */
    twilio?: boolean | FakeTwilioOptions;
    /** Runbook actions: the kubeconfig `kubernetes` actions use, the environment `${env:NAME}` secrets come from. */
    remediation?: { kubeconfig?: string; env?: Record<string, string> };
    /** Where ingested metric points go instead of Silver's aggregator (a witness such as CollectingSink). */
    metricSink?: MetricSink;
    /** SLA_REPORT_CHANNEL: where weekly SLA reports go. */
    slaReportChannel?: string;
  } = {},
): Promise<TestApp> {
  const db = await createTestDatabase();
  let proxy: TcpProxy | null = null;
  let orm = db.orm;
  if (opts.viaProxy) {
    const u = new URL(db.url);
    proxy = await startTcpProxy(u.hostname, Number(u.port || 5432));
    u.hostname = '127.0.0.1';
    u.port = String(proxy.port);
    orm = await openOrm({ url: u.toString(), poolMax: 10 });
  }
  const clock = new ManualClock('2026-03-02T09:00:00Z');
  const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const so: TestSlackOptions | null = opts.slack ? (opts.slack === true ? {} : opts.slack) : null;
  const fake = so ? await startFakeSlack({ teamId: SLACK_TEAM_ID }) : null;
  if (so && fake) await so.beforeStart?.(fake);
  const publicBaseUrl = opts.twilio ? PUBLIC_BASE_URL : 'http://localhost';
  const tw = opts.twilio
    ? await startFakeTwilio({
        publicBaseUrl,
        now: () => clock.now(),
        ...(opts.twilio === true ? {} : opts.twilio),
      })
    : null;
  const app = await buildOpsWatch({
    orm,
    clock,
    log,
    // The real directory (escalation, services and paging domains) unless a test brings its own.
    ...(opts.escalationDirectory ? { escalationDirectory: opts.escalationDirectory } : {}),
    ...(opts.remediation?.env ? { remediation: { env: opts.remediation.env } } : {}),
    ...(opts.metricSink ? { metricSink: opts.metricSink } : {}),
    config: {
      ...(opts.remediation?.kubeconfig ? { OPSWATCH_KUBECONFIG: opts.remediation.kubeconfig } : {}),
      ...(fake
        ? {
            SLACK_BOT_TOKEN: 'xoxb-test-token',
            SLACK_SIGNING_SECRET: SLACK_SIGNING_SECRET,
            SLACK_APP_TOKEN: so?.appToken,
            SLACK_API_URL: fake.apiUrl,
            SLACK_DEFAULT_CHANNEL: SLACK_DEFAULT_CHANNEL,
          }
        : {}),
      ...(tw ? tw.env : {}),
      ...(opts.slaReportChannel ? { SLA_REPORT_CHANNEL: opts.slaReportChannel } : {}),
      slackEnabled: Boolean(fake),
      publicBaseUrl,
      ENGINE_TICK_SECONDS: 1,
      PORT: 0,
      HOST: '127.0.0.1',
    },
  });
  const { services } = app;
  const { tenant } = await services.tenants.bootstrap(TEST_API_KEY);
  const roles: RoleName[] = [
    'http',
    ...(so ? (['slack'] as const) : []),
    ...(so?.worker ? (['worker'] as const) : []),
  ];
  let started: Started;
  try {
    started = await app.start(roles, {
      databaseUrl: db.url,
      ready: async () => true,
      worker: { tickSeconds: 1, sweepSeconds: 1, processEverySeconds: 1, lockLifetimeMs: 2_000 },
    });
  } catch (err) {
    await fake?.close();
    await tw?.close().catch(() => {});
    throw err;
  }
  const url = `http://127.0.0.1:${started.port}`;
  tw?.configure({ deliverTo: url });
  const actor: Actor = {
    tenantId: tenant.id,
    kind: 'api_key',
    id: null,
    name: 'test',
    roles: [],
    scopes: ['admin'],
    source: 'http',
  };
  const slackApp = started.slack;
  const testSlack: TestSlack | null =
    fake && slackApp
      ? {
          fake,
          app: slackApp,
          delivery: app.delivery,
          deliverOnce: () => app.deliverOnce(),
          idle: () => slackApp.idle(),
          driver: slackDriver({
            baseUrl: url,
            signingSecret: SLACK_SIGNING_SECRET,
            teamId: SLACK_TEAM_ID,
            userId: 'U0ALICE',
            responseUrlBase: fake.url,
          }),
        }
      : null;
  return {
    url,
    slack: testSlack,
    twilio: tw,
    engine: app.engine,
    tick: () => app.engine.tick(clock.now()),
    db,
    orm,
    app,
    services,
    metrics: app.metrics,
    clock,
    actor,
    proxy,
    request(method, path, body, headers = {}) {
      const init: RequestInit = { method, headers: { authorization: `Bearer ${TEST_API_KEY}`, ...headers } };
      if (body !== undefined) {
        init.body = typeof body === 'string' ? body : JSON.stringify(body);
        (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
      }
      return fetch(`${url}${path}`, init);
    },
    async sql<T>(text: string, params: unknown[] = []) {
      return (await db.orm.em.fork().getConnection().execute(text, params)) as T[];
    },
    async close() {
      await started.stop();
      await fake?.close();
      if (orm !== db.orm) await orm.close(true);
      await proxy?.close();
      await db.close();
      // Last: it throws when a test caused an SMS or call it did not expect.
      await tw?.close();
    },
  };
}
