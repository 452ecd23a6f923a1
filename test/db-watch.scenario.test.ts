import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { DatabaseWatch } from '../src/db/db-watch.js';
import { PgListener } from '../src/db/pg-listener.js';
import { AppError } from '../src/shared/errors.js';
import { createLogger } from '../src/shared/logger.js';
import { createTestDatabase, type TestDatabase } from './harness/db.js';
import { startTcpProxy, type TcpProxy } from './harness/tcp-proxy.js';
import { until } from './harness/wait.js';

const log = createLogger('silent');
let db: TestDatabase;
let proxy: TcpProxy;
let proxiedUrl: string;

beforeAll(async () => {
  db = await createTestDatabase();
  const u = new URL(db.url);
  proxy = await startTcpProxy(u.hostname, Number(u.port || 5432));
  u.hostname = '127.0.0.1';
  u.port = String(proxy.port);
  proxiedUrl = u.toString();
});
afterAll(async () => {
  await proxy.close();
  await db.close();
});

const notify = async (channel: string) => {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  await c.query('select pg_notify($1, $2)', [channel, 'x']);
  await c.end();
};

describe('the database watch', () => {
  it('calls an outage only when its own probe fails, and the return when a probe succeeds again', async () => {
    const watch = new DatabaseWatch({ url: proxiedUrl, log, probeEveryMs: 50, probeTimeoutMs: 1_000 });
    const changes: boolean[] = [];
    watch.onChange((up) => changes.push(up));
    try {
      // An error that is not about reaching the server, and an outage-looking one while the server answers.
      await watch.report(AppError.validation('bad input'));
      await watch.report(
        Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      );
      expect(watch.isUp).toBe(true);
      expect(changes).toEqual([]);

      proxy.cut();
      await until('the outage', async () => {
        await watch.report(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
        return !watch.isUp;
      });
      expect(changes).toEqual([false]);
      proxy.restore();
      await until('the return', () => watch.isUp);
      expect(changes).toEqual([false, true]);
    } finally {
      proxy.restore();
      watch.stop();
    }
  });
});

describe('a LISTEN connection', () => {
  it('reconnects by itself after its connection is cut, listens again and catches up', async () => {
    let listening = 0;
    const heard: string[] = [];
    const errors: unknown[] = [];
    const listener = new PgListener({
      url: proxiedUrl,
      channels: ['ow_watch_test'],
      onNotification: (channel) => heard.push(channel),
      onListening: () => listening++,
      onError: (err) => errors.push(err),
      minRetryMs: 20,
      maxRetryMs: 200,
    });
    try {
      await listener.start();
      expect(listening).toBe(1);
      await notify('ow_watch_test');
      await until('the first NOTIFY', () => heard.length === 1);

      proxy.cut();
      await until('the loss to be seen', () => errors.length > 0 && !listener.listening);
      proxy.restore();
      await until('LISTEN again', () => listening === 2);
      await notify('ow_watch_test');
      await until('a NOTIFY on the new connection', () => heard.length === 2);
    } finally {
      proxy.restore();
      await listener.stop();
    }
  });

  it('keeps retrying while the server refuses, and retryNow skips the wait', async () => {
    proxy.cut();
    let listening = 0;
    const errors: unknown[] = [];
    const listener = new PgListener({
      url: proxiedUrl,
      channels: ['ow_watch_test'],
      onNotification: () => {},
      onListening: () => listening++,
      onError: (err) => errors.push(err),
      minRetryMs: 60_000, // only retryNow can bring it back within this test
    });
    try {
      await listener.start();
      expect(listening).toBe(0);
      expect(errors.length).toBe(1);
      proxy.restore();
      listener.retryNow();
      await until('LISTEN after retryNow', () => listening === 1);
    } finally {
      proxy.restore();
      await listener.stop();
    }
  });
});
