import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DeclareInput } from '../src/domains/incidents/index.js';
import { AppError } from '../src/shared/errors.js';
import { fixture, startTestApp, TEST_API_KEY, type TestApp } from './harness/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ viaProxy: true });
});
afterAll(async () => {
  await t.close();
});

const snapshot = async () =>
  (
    await t.sql<{ a: string; i: string; tl: string }>(
      'select (select count(*) from alerts) as a, (select count(*) from incidents) as i, (select count(*) from timeline_entries) as tl',
    )
  )[0];

describe('bad input gets a clear 4xx and stores nothing', () => {
  const url = '/api/v1/webhooks/alertmanager';

  it.each([
    ['no key', undefined, { authorization: '' }, 401],
    ['a wrong bearer key', undefined, { authorization: 'Bearer not-a-real-key-123456' }, 401],
    ['a wrong X-API-Key', undefined, { authorization: '', 'x-api-key': 'nope-nope-nope-nope' }, 401],
    ['a body that is not JSON', '{"version": "4", alerts: [', {}, 400],
    ['an empty body', '', {}, 400],
  ])('%s', async (_what, body, headers, status) => {
    const before = await snapshot();
    const res = await t.request(
      'POST',
      url,
      body ?? fixture('prometheus-rule-firing.json'),
      headers as Record<string, string>,
    );
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await res.json()) as { status: number; title: string; detail: string };
    expect(problem.status).toBe(status);
    expect(problem.detail.length).toBeGreaterThan(10);
    expect(await snapshot()).toEqual(before);
  });

  it('names the fields at fault when the shape is wrong', async () => {
    const before = await snapshot();
    const body = JSON.parse(fixture('grouped-two-alerts-firing.json'));
    body.alerts[1].labels = 'not-an-object';
    const res = await t.request('POST', url, body);
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { errors: { field: string }[] };
    expect(problem.errors.map((e) => e.field)).toContain('alerts.1.labels');
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a body over 10 MiB with 413', async () => {
    const before = await snapshot();
    const big = JSON.stringify({ title: 'x', description: 'y'.repeat(11 * 1024 * 1024) });
    const res = await t.request('POST', '/api/v1/webhooks/generic', big);
    expect(res.status).toBe(413);
    expect(await snapshot()).toEqual(before);
  });

  it('counts a chunked body (no Content-Length) as it arrives: 413 over 10 MiB, stored when under', async () => {
    const chunked = (path: string, chunks: string[]) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request(`${t.url}${path}`, {
          agent: false,
          method: 'POST',
          headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
        });
        req.on('response', (res) => {
          let body = '';
          res.on('data', (d: Buffer) => {
            body += d.toString();
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        void (async () => {
          for (const c of chunks)
            if (!req.write(c)) await new Promise((r) => req.once('drain', () => r(undefined)));
          req.end();
        })();
      });
    const before = await snapshot();
    const filler = 'y'.repeat(1024 * 1024);
    const big = await chunked('/api/v1/webhooks/generic', [
      '{"title": "x", "description": "',
      ...Array.from({ length: 11 }, () => filler),
      '"}',
    ]);
    expect(big.status).toBe(413);
    expect(await snapshot()).toEqual(before);
    const text = fixture('prometheus-rule-firing.json');
    const small = await chunked(url, [text.slice(0, 100), text.slice(100)]);
    expect(small.status).toBe(200);
    expect(JSON.parse(small.body)).toMatchObject({ status: 'ok', received: 1 });
  });

  it('accepts a 10,000-alert Alertmanager group (about 3.4 MB) in one request', async () => {
    const base = JSON.parse(fixture('grouped-two-alerts-firing.json'));
    const template = base.alerts[0];
    base.groupKey = '{}:{alertname="Big"}';
    base.alerts = Array.from({ length: 10_000 }, (_, i) => ({
      ...template,
      labels: { ...template.labels, instance: `web-${i}`, pod: `checkout-${i}-abcdef` },
      annotations: {
        summary: `Error rate high on web-${i}`,
        description: 'More than 5% of requests failed in the last 5 minutes.',
      },
      fingerprint: `big${i.toString(16).padStart(13, '0')}`,
    }));
    const text = JSON.stringify(base);
    expect(text.length).toBeGreaterThan(3_000_000);
    const res = await t.request('POST', url, text);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ created: 10_000 });
    const [row] = await t.sql<{ n: string; incidents: string }>(
      `select count(*) as n, count(distinct incident_id) as incidents from alerts where dedup_key like 'big%'`,
    );
    expect(row).toEqual({ n: '10000', incidents: '1' });
  });
});

describe('PagerDuty Events API v2', () => {
  const enqueue = (body: unknown) => t.request('POST', '/v2/enqueue', body, { authorization: '' });

  it('triggers, acknowledges and resolves by dedup_key', async () => {
    const trigger = await enqueue({
      routing_key: TEST_API_KEY,
      event_action: 'trigger',
      dedup_key: 'pd-db-1',
      payload: { summary: 'DB replica lag', source: 'db-2', severity: 'error', component: 'postgres' },
    });
    expect(trigger.status).toBe(202);
    expect(await trigger.json()).toEqual({
      status: 'success',
      message: 'Event processed',
      dedup_key: 'pd-db-1',
    });
    const [inc] = await t.sql<{ id: string; status: string; severity: number; service: string }>(
      `select i.id, i.status, i.severity, i.service from incidents i join alerts a on a.incident_id = i.id where a.dedup_key = 'pd-db-1'`,
    );
    expect(inc).toMatchObject({ status: 'triggered', severity: 2, service: 'postgres' });
    expect(
      (await enqueue({ routing_key: TEST_API_KEY, event_action: 'acknowledge', dedup_key: 'pd-db-1' }))
        .status,
    ).toBe(202);
    let [now] = await t.sql<{ status: string }>(`select status from incidents where id = '${inc?.id}'`);
    expect(now?.status).toBe('acknowledged');
    expect(
      (await enqueue({ routing_key: TEST_API_KEY, event_action: 'resolve', dedup_key: 'pd-db-1' })).status,
    ).toBe(202);
    [now] = await t.sql<{ status: string }>(`select status from incidents where id = '${inc?.id}'`);
    expect(now?.status).toBe('resolved');
  });

  it('generates a dedup_key for a trigger without one, as PagerDuty does', async () => {
    const res = await enqueue({
      routing_key: TEST_API_KEY,
      event_action: 'trigger',
      payload: { summary: 'Queue backlog', source: 'worker-1', severity: 'warning' },
    });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { dedup_key: string };
    expect(body.dedup_key.length).toBeGreaterThan(8);
  });

  it('answers invalid events and unknown routing keys with 400 in PagerDuty shape, storing nothing', async () => {
    const before = await snapshot();
    const noPayload = await enqueue({ routing_key: TEST_API_KEY, event_action: 'trigger' });
    expect(noPayload.status).toBe(400);
    expect(await noPayload.json()).toMatchObject({
      status: 'invalid event',
      message: 'Event object is invalid',
    });
    const badKey = await enqueue({
      routing_key: 'unknown-routing-key-000',
      event_action: 'trigger',
      payload: { summary: 'x', source: 'y', severity: 'info' },
    });
    expect(badKey.status).toBe(400);
    expect(await snapshot()).toEqual(before);
  });
});

describe('database outage', () => {
  it('answers 503 while the database is unreachable, and the retry stores the alert exactly once', async () => {
    const body = JSON.parse(fixture('prometheus-rule-firing.json'));
    body.alerts[0].fingerprint = 'outage0000000001';
    body.groupKey = '{}:{alertname="Outage"}';
    t.proxy!.cut();
    const during = await t.request('POST', '/api/v1/webhooks/alertmanager', body);
    expect(during.status).toBe(503);
    expect(during.headers.get('retry-after')).toBeTruthy();
    t.proxy!.restore();
    const after = await t.request('POST', '/api/v1/webhooks/alertmanager', body);
    expect(after.status).toBe(200);
    const again = await t.request('POST', '/api/v1/webhooks/alertmanager', body);
    expect(await again.json()).toMatchObject({ created: 0, deduplicated: 1 });
    const rows = await t.sql(`select id from alerts where dedup_key = 'outage0000000001'`);
    expect(rows).toHaveLength(1);
  });
});

describe('services refuse bad input with a validation error naming the fields (a 400 on every transport)', () => {
  // Adapters validate before calling, but services are the boundary (the CLI and later adapters call them
  // directly): a ZodError escaping one was an unexpected error, answered 500 by the HTTP problem mapper.
  const refusal = async (call: Promise<unknown>) => {
    const err = await call.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    const { code, message, fields } = err as AppError;
    return { code, message, fields: fields.map((f) => f.field) };
  };

  it('declaring an incident', async () => {
    const before = await snapshot();
    expect(
      await refusal(t.services.incidents.declare(t.actor, { title: '  ', severity: 9 } as DeclareInput)),
    ).toEqual({ code: 'validation', message: 'The incident is not valid.', fields: ['title', 'severity'] });
    expect(await snapshot()).toEqual(before);
  });

  it('creating or upserting a user', async () => {
    expect(
      await refusal(
        t.services.users.create(t.actor, { name: '', email: 'not-an-email', timeZone: 'Mars/Olympus' }),
      ),
    ).toEqual({
      code: 'validation',
      message: 'The user is not valid.',
      fields: ['name', 'email', 'timeZone'],
    });
    expect(
      await refusal(
        t.services.users.upsertByEmail(t.actor, {
          name: 'Zed',
          email: 'zed@example.com',
          timeZone: '+03:00',
        }),
      ),
    ).toEqual({ code: 'validation', message: 'The user is not valid.', fields: ['timeZone'] });
    expect(await t.sql(`select 1 from users where email = 'zed@example.com' or name = ''`)).toEqual([]);
  });

  it('setting Slack routes', async () => {
    expect(
      await refusal(t.services.catalog.setRoutes(t.actor, { payments: 'Not A Channel', search: 'C0SEARCH' })),
    ).toEqual({ code: 'validation', message: 'The Slack routes are not valid.', fields: ['payments'] });
  });
});
