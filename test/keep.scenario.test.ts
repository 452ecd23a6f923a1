import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { localFixture, startTestApp, type TestApp } from './harness/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const keep = (body: string | unknown) =>
  t.request('POST', '/api/v1/webhooks/keep', typeof body === 'string' ? JSON.parse(body) : body);

interface Detail {
  status: string;
  severity: number;
  service: string;
  alerts: unknown[];
  timeline: { kind: string; actor: { name: string } }[];
}

describe('Keep’s webhook provider posts an alert, then its resolution', () => {
  it('opens a P1 incident for Keep’s example alert', async () => {
    const res = await keep(localFixture('keep/alert-firing.json'));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { created: number; incidents: { id: string; created: boolean }[] };
    expect(body).toMatchObject({ received: 1, created: 1 });
    expect(body.incidents[0]?.created).toBe(true);
    const detail = (await (
      await t.request('GET', `/api/v1/incidents/${body.incidents[0]?.id}`)
    ).json()) as Detail;
    expect(detail).toMatchObject({ status: 'triggered', severity: 1, service: 'backend' });
    expect(detail.alerts).toHaveLength(1);
    expect(detail.timeline[0]?.actor.name).toMatch(/^Keep \(/);
    const [alert] = await t.sql<{ dedup_key: string; source: string; labels: Record<string, string> }>(
      `select dedup_key, source, labels from alerts`,
    );
    expect(alert).toMatchObject({ dedup_key: '1234', source: 'keep' });
    expect(alert?.labels).toMatchObject({ pod: 'api-service-production', keep_source: 'prometheus' });
  });

  it('treats the same alert sent again as a duplicate', async () => {
    t.clock.advance(60_000);
    expect(await (await keep(localFixture('keep/alert-firing.json'))).json()).toMatchObject({
      created: 0,
      deduplicated: 1,
    });
  });

  it('resolves the alert, and with it the incident', async () => {
    t.clock.advance(14 * 60_000);
    expect(await (await keep(localFixture('keep/alert-resolved.json'))).json()).toMatchObject({
      resolved: 1,
    });
    const [inc] = await t.sql<{ status: string }>(`select status from incidents`);
    expect(inc?.status).toBe('resolved');
    const [alert] = await t.sql<{ status: string; ends_at: string }>(`select status, ends_at from alerts`);
    expect(alert?.status).toBe('resolved');
    expect(new Date(alert?.ends_at ?? '')).toEqual(new Date('2021-01-01T00:15:00.000Z'));
  });

  it('answers a payload that is no Keep alert with a 400 naming the fields, and stores nothing', async () => {
    const res = await keep({ name: 'x', status: 'on fire' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const problem = (await res.json()) as { detail: string; errors?: { field: string }[] };
    expect(JSON.stringify(problem)).toContain('status');
    expect(await t.sql(`select 1 from alerts`)).toHaveLength(1);
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await (await t.request('GET', '/api/v1/openapi.json')).json()) as { paths: object };
    expect(Object.keys(doc.paths)).toContain('/api/v1/webhooks/keep');
  });
});
