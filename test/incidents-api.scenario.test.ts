import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from './harness/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

interface Inc {
  id: string;
  number: number;
  ref: string;
  status: string;
  severity: number;
  assignee: { name: string } | null;
}

const json = async <T>(res: Response) => (await res.json()) as T;

describe('incidents over REST', () => {
  it('declares, acknowledges, assigns, notes and resolves, with a timeline row for each', async () => {
    const declared = await t.request('POST', '/api/v1/incidents', {
      title: 'Checkout latency',
      service: 'checkout',
      environment: 'prod',
      severity: 'P2',
    });
    expect(declared.status).toBe(201);
    const inc = await json<Inc>(declared);
    expect(inc).toMatchObject({ ref: `INC-${inc.number}`, status: 'triggered', severity: 2 });

    const ack = await t.request('POST', `/api/v1/incidents/${inc.ref}/acknowledge`);
    expect(await json<Inc>(ack)).toMatchObject({ status: 'acknowledged' });
    const again = await t.request('POST', `/api/v1/incidents/${inc.ref}/acknowledge`);
    expect(again.status).toBe(409);
    expect((await json<{ detail: string }>(again)).detail).toBe(`${inc.ref} is already acknowledged.`);

    await t.request('POST', '/api/v1/users', {
      name: 'Alice Example',
      email: 'alice@example.com',
      timeZone: 'Europe/London',
    });
    const assigned = await t.request('POST', `/api/v1/incidents/${inc.number}/assign`, {
      user: 'alice@example.com',
    });
    expect((await json<Inc>(assigned)).assignee?.name).toBe('Alice Example');
    expect(
      (await t.request('POST', `/api/v1/incidents/${inc.ref}/assign`, { user: 'nobody@example.com' })).status,
    ).toBe(400);

    expect(
      (await t.request('POST', `/api/v1/incidents/${inc.ref}/notes`, { text: 'Rolled back deploy 42' }))
        .status,
    ).toBe(201);
    const resolved = await t.request('POST', `/api/v1/incidents/${inc.ref}/resolve`, {
      note: 'fixed by rollback',
    });
    expect((await json<Inc>(resolved)).status).toBe('resolved');
    const twice = await t.request('POST', `/api/v1/incidents/${inc.ref}/resolve`);
    expect(twice.status).toBe(409);
    expect((await json<{ detail: string }>(twice)).detail).toBe(`${inc.ref} is already resolved.`);

    const detail = await json<{ timeline: { kind: string; message: string }[] }>(
      await t.request('GET', `/api/v1/incidents/${inc.id}`),
    );
    expect(detail.timeline.map((e) => e.kind)).toEqual([
      'created',
      'escalation_none',
      'notification_unrouted',
      'acknowledged',
      'assigned',
      'note',
      'resolved',
    ]);
    // What people read is rendered from each event's data.
    const by = 'API key "bootstrap"';
    expect(detail.timeline.map((e) => e.message)).toEqual([
      `${inc.ref} declared by ${by}: Checkout latency`,
      'No escalation policy applies to service "checkout" and there is no default policy: nobody is paged.',
      expect.stringMatching(
        /^No Slack channel takes incidents of service "checkout", and there is no default/,
      ),
      `${inc.ref} acknowledged by ${by}`,
      `${inc.ref} assigned to Alice Example by ${by}`,
      'Rolled back deploy 42',
      `${inc.ref} resolved by ${by}: fixed by rollback`,
    ]);
  });

  it('rejects bad input with the fields at fault', async () => {
    const res = await t.request('POST', '/api/v1/incidents', { title: '', severity: 9 });
    expect(res.status).toBe(400);
    const body = await json<{ errors: { field: string }[] }>(res);
    expect(body.errors.map((e) => e.field).sort()).toEqual(['severity', 'title']);
    expect((await t.request('GET', '/api/v1/incidents/INC-99999')).status).toBe(404);
    expect((await t.request('GET', '/api/v1/incidents/not-a-ref')).status).toBe(400);
    expect((await t.request('GET', '/api/v1/incidents?severity=P9')).status).toBe(400);
    expect((await t.request('GET', '/api/v1/incidents?cursor=garbage')).status).toBe(400);
  });

  it('filters and pages with a cursor', async () => {
    for (let i = 0; i < 7; i++) {
      t.clock.advance(1000);
      await t.request('POST', '/api/v1/incidents', {
        title: `Batch ${i}`,
        service: i % 2 ? 'api' : 'web',
        severity: (i % 5) + 1,
      });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `/api/v1/incidents?service=api&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page: { items: { title: string }[]; nextCursor: string | null } = await json(
        await t.request('GET', q),
      );
      seen.push(...page.items.map((x) => x.title));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['Batch 5', 'Batch 3', 'Batch 1']);
    const sev = await json<{ items: Inc[] }>(
      await t.request('GET', '/api/v1/incidents?severity=P1,P2&status=triggered'),
    );
    expect(sev.items.every((x) => x.severity <= 2 && x.status === 'triggered')).toBe(true);
    // Batches 0, 1, 5 and 6 are P1 or P2 (severity (i % 5) + 1), newest first.
    expect(sev.items.map((x) => (x as unknown as { title: string }).title)).toEqual([
      'Batch 6',
      'Batch 5',
      'Batch 1',
      'Batch 0',
    ]);
    const since = await json<{ items: Inc[] }>(
      await t.request(
        'GET',
        `/api/v1/incidents?since=${encodeURIComponent(new Date(t.clock.now().getTime() - 1500).toISOString())}`,
      ),
    );
    expect(since.items.map((x) => (x as unknown as { title: string }).title)).toEqual(['Batch 6', 'Batch 5']);
  });

  it('serves an OpenAPI document, health and readiness', async () => {
    const doc = await json<{ openapi: string; paths: Record<string, unknown> }>(
      await fetch(`${t.url}/api/v1/openapi.json`),
    );
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/incidents', '/api/v1/incidents/{ref}/resolve', '/v2/enqueue']),
    );
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
  });

  it('creates API keys that work (webhooks only unless scoped), and records it in the audit log', async () => {
    const sender = await json<{ key: string; scopes: string[] }>(
      await t.request('POST', '/api/v1/api-keys', { name: 'grafana' }),
    );
    expect(sender.scopes).toEqual(['webhooks']);
    const refused = await fetch(`${t.url}/api/v1/incidents`, { headers: { 'x-api-key': sender.key } });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    const reader = await json<{ key: string; scopes: string[] }>(
      await t.request('POST', '/api/v1/api-keys', { name: 'dashboards', scopes: ['read'] }),
    );
    expect(reader.scopes).toEqual(['read']);
    const res = await fetch(`${t.url}/api/v1/incidents`, { headers: { 'x-api-key': reader.key } });
    expect(res.status).toBe(200);
    const bad = await t.request('POST', '/api/v1/api-keys', { name: 'x', scopes: ['root'] });
    expect(bad.status).toBe(400);
    const audit = await json<{ items: { action: string; data: { scopes?: string[] } }[] }>(
      await t.request('GET', '/api/v1/audit'),
    );
    expect(audit.items.filter((a) => a.action === 'api_key.created').map((a) => a.data.scopes)).toEqual([
      ['read'],
      ['webhooks'],
    ]);
  });
});
