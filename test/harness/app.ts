import { readFileSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { type Orm, openOrm } from '../../src/db/orm.js';
import { type DeliveryReport, OUTBOX_CHANNEL } from '../../src/domains/notify/index.js';
import { type Engine, engineFor } from '../../src/engine/index.js';
import { createHttpApp } from '../../src/http/app.js';
import type { Services } from '../../src/http/context.js';
import { createMetrics, type Metrics } from '../../src/http/metrics.js';
import { startWorkerRole, type Worker } from '../../src/jobs/index.js';
import { createServices } from '../../src/main.js';
import type { Actor } from '../../src/shared/actor.js';
import { ManualClock } from '../../src/shared/clock.js';
import { createLogger } from '../../src/shared/logger.js';
import { type SlackRoles, startSlackRoles } from '../../src/slack/runtime.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import { type FakeSlack, startFakeSlack } from './fake-slack.js';
import { type SlackDriver, slackDriver } from './slack-signing.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

export const TEST_API_KEY = 'test-key-0123456789abcdef';

export const SLACK_SIGNING_SECRET = 'test-signing-secret-0123456789';
export const SLACK_TEAM_ID = 'T0FAKE';
export const SLACK_DEFAULT_CHANNEL = 'C0DEFAULT';

export interface TestSlack {
  fake: FakeSlack;
  driver: SlackDriver;
  roles: SlackRoles;
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
  services: Services;
  metrics: Metrics;
  clock: ManualClock;
  actor: Actor;
  proxy: TcpProxy | null;
  /** Set when started with `slack`. */
  slack: TestSlack | null;
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
 * OpsWatch's HTTP sidecar on a real port, over its own fresh database on the run's real PostgreSQL,
 * with a manual clock. With `viaProxy`, the app reaches the database through a TCP proxy tests can cut.
 */
export async function startTestApp(
  opts: { viaProxy?: boolean; slack?: boolean | TestSlackOptions } = {},
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
  const services = createServices(orm, clock, {
    log,
    ...(opts.slack ? { slackDefaultChannel: SLACK_DEFAULT_CHANNEL } : {}),
  });
  const { tenant } = await services.tenants.bootstrap(TEST_API_KEY);
  const metrics = createMetrics(() => services.incidents.openCountsBySeverity());
  let slack: Omit<TestSlack, 'driver'> | null = null;
  const engine = engineFor(services, log);
  let worker: Worker | null = null;
  if (opts.slack) {
    const so: TestSlackOptions = opts.slack === true ? {} : opts.slack;
    const fake = await startFakeSlack({ teamId: SLACK_TEAM_ID });
    await so.beforeStart?.(fake);
    const roles = await startSlackRoles({
      config: {
        SLACK_BOT_TOKEN: 'xoxb-test-token',
        SLACK_SIGNING_SECRET: SLACK_SIGNING_SECRET,
        SLACK_APP_TOKEN: so.appToken,
        SLACK_API_URL: fake.apiUrl,
        publicBaseUrl: 'http://localhost',
      },
      roles: so.worker ? ['slack', 'worker'] : ['slack'],
      services,
      metrics,
      log,
      clock,
    });
    if (so.worker) {
      worker = await startWorkerRole({
        databaseUrl: db.url,
        log,
        clock,
        engine,
        tickSeconds: 1,
        outbox: { deliver: roles.deliver, channel: OUTBOX_CHANNEL, sweepSeconds: 1 },
        timing: { processEverySeconds: 1, lockLifetimeMs: 2_000 },
      });
    }
    slack = {
      fake,
      roles,
      deliverOnce: () => roles.deliverOnce(),
      idle: async () => roles.app?.idle(),
    };
  }
  const app = createHttpApp(
    {
      services,
      metrics,
      log,
      ready: async () => true,
      ...(slack?.roles.events ? { slackEvents: slack.roles.events } : {}),
    },
    'http://localhost',
  );
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const addr = server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const actor: Actor = {
    tenantId: tenant.id,
    kind: 'api_key',
    id: null,
    name: 'test',
    roles: [],
    scopes: ['admin'],
    source: 'http',
  };
  const testSlack: TestSlack | null = slack
    ? {
        ...slack,
        driver: slackDriver({
          baseUrl: url,
          signingSecret: SLACK_SIGNING_SECRET,
          teamId: SLACK_TEAM_ID,
          userId: 'U0ALICE',
          responseUrlBase: slack.fake.url,
        }),
      }
    : null;
  return {
    url,
    slack: testSlack,
    engine,
    tick: () => engine.tick(clock.now()),
    db,
    orm,
    services,
    metrics,
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
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await worker?.stop();
      if (slack) {
        await slack.roles.stop();
        await slack.fake.close();
      }
      if (orm !== db.orm) await orm.close(true);
      await proxy?.close();
      await db.close();
    },
  };
}
