/**
 * Services over REST: an alert's `service` names one (created on first sight, with no policy), each may have an
 * escalation policy and a Slack channel, and the Slack routes are those channels — read and written as one map,
 * and read by routing when an incident opens.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DESTINATION_SPECS, type Destination } from '../src/domains/notify/index.js';
import { startTestApp, type TestApp } from './harness/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

interface ServiceJson {
  id: string;
  name: string;
  escalationPolicyId: string | null;
  slackChannel: string | null;
  description: string | null;
}
interface Problem {
  status: number;
  detail: string;
  errors?: { field: string; message: string }[];
}
const json = async <T>(res: Response) => (await res.json()) as T;
const services = async () =>
  (await json<{ items: ServiceJson[] }>(await t.request('GET', '/api/v1/services'))).items;
let seq = 0;
async function fire(service: string): Promise<void> {
  const res = await t.request('POST', '/api/v1/webhooks/generic', {
    title: `${service} problem ${++seq}`,
    severity: 'P2',
    service,
    dedupKey: `${service}-${seq}`,
  });
  expect(res.status).toBe(200);
}
const policy = async (name: string) =>
  json<{ id: string }>(
    await t.request('POST', '/api/v1/escalation-policies', {
      name,
      steps: [{ delayMinutes: 5, targets: [{ type: 'slack_channel', id: 'C0OPS' }] }],
    }),
  );

describe('services over REST', () => {
  it('creates, reads, replaces and deletes a service', async () => {
    const p = await policy('Payments policy');
    const res = await t.request('POST', '/api/v1/services', {
      name: 'payments',
      escalationPolicyId: p.id,
      slackChannel: '#payments-oncall',
      description: 'Card payments',
    });
    expect(res.status).toBe(201);
    const created = await json<ServiceJson>(res);
    expect(created).toMatchObject({
      name: 'payments',
      escalationPolicyId: p.id,
      slackChannel: 'payments-oncall',
      description: 'Card payments',
    });
    expect(await json(await t.request('GET', `/api/v1/services/${created.id}`))).toEqual(created);
    const put = await t.request('PUT', `/api/v1/services/${created.id}`, {
      name: 'payments',
      slackChannel: 'C0PAY',
    });
    expect(await json<ServiceJson>(put)).toMatchObject({ escalationPolicyId: null, slackChannel: 'C0PAY' });
    expect((await services()).map((s) => s.name)).toEqual(['payments']);
    expect((await t.request('DELETE', `/api/v1/services/${created.id}`)).status).toBe(204);
    expect(await services()).toEqual([]);
  });

  it('answers 404, 409 and 400 with problems a person can read', async () => {
    const missing = await t.request('GET', '/api/v1/services/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect((await json<Problem>(missing)).detail).toBe(
      'Service 00000000-0000-4000-8000-000000000000 was not found.',
    );
    expect((await t.request('DELETE', '/api/v1/services/nope')).status).toBe(404);

    const a = await json<ServiceJson>(await t.request('POST', '/api/v1/services', { name: 'search' }));
    await t.request('POST', '/api/v1/services', { name: 'billing' });
    const dup = await t.request('POST', '/api/v1/services', { name: 'search' });
    expect([dup.status, (await json<Problem>(dup)).detail]).toEqual([
      409,
      'A service named "search" already exists.',
    ]);
    const rename = await t.request('PUT', `/api/v1/services/${a.id}`, { name: 'billing' });
    expect(rename.status).toBe(409);

    const bad = await t.request('POST', '/api/v1/services', {
      name: ' ',
      slackChannel: 'Not A Channel',
      escalationPolicyId: 'x',
    });
    expect(bad.status).toBe(400);
    expect((await json<Problem>(bad)).errors?.map((e) => e.field).sort()).toEqual([
      'escalationPolicyId',
      'name',
      'slackChannel',
    ]);
    const unknownPolicy = await t.request('POST', '/api/v1/services', {
      name: 'ledger',
      escalationPolicyId: '00000000-0000-4000-8000-000000000000',
    });
    expect(await json<Problem>(unknownPolicy)).toMatchObject({
      status: 400,
      errors: [
        {
          field: 'escalationPolicyId',
          message: 'No escalation policy has the id 00000000-0000-4000-8000-000000000000.',
        },
      ],
    });
    expect((await services()).map((s) => s.name)).toEqual(['billing', 'search']);
  });

  it('adds the service an alert names on first sight, with no policy, and leaves known ones as they are', async () => {
    await t.request('PUT', `/api/v1/services/${(await services()).find((s) => s.name === 'search')?.id}`, {
      name: 'search',
      slackChannel: 'C0SEARCH',
    });
    await fire('inventory');
    await fire('inventory'); // a second incident of it (another dedup key): still one service
    await fire('search');
    const after = await services();
    expect(after.map((s) => s.name)).toEqual(['billing', 'inventory', 'search']);
    expect(after.find((s) => s.name === 'inventory')).toMatchObject({
      escalationPolicyId: null,
      slackChannel: null,
      description: null,
    });
    expect(after.find((s) => s.name === 'search')?.slackChannel).toBe('C0SEARCH');
  });
});

describe('the Slack routes are the services’ channels', () => {
  it('reads the channels set on services, and writes them', async () => {
    expect(await json(await t.request('GET', '/api/v1/slack/routes'))).toEqual({
      routes: { search: 'C0SEARCH' },
      defaultChannel: null,
    });
    const put = await t.request('PUT', '/api/v1/slack/routes', {
      routes: { payments: '#payments-oncall', inventory: 'C0INV' },
    });
    expect(await json(put)).toEqual({ routes: { payments: 'payments-oncall', inventory: 'C0INV' } });
    const after = await services();
    expect(after.map((s) => [s.name, s.slackChannel])).toEqual([
      ['billing', null],
      ['inventory', 'C0INV'],
      ['payments', 'payments-oncall'], // created by the route
      ['search', null], // not in the routes any more
    ]);
    const bad = await t.request('PUT', '/api/v1/slack/routes', { routes: { payments: 'Not A Channel' } });
    expect((await json<Problem>(bad)).errors?.map((e) => e.field)).toEqual(['routes.payments']);
    expect((await services()).find((s) => s.name === 'payments')?.slackChannel).toBe('payments-oncall');
    const [tenant] = await t.sql<{ routes: unknown }>(
      `select settings #> '{slack,routes}' as routes from tenants`,
    );
    expect(tenant?.routes).toBeNull();
  });

  it('posts an incident’s card to its service’s channel, and says so when none takes it', async () => {
    const before = await t.sql<{ n: number }>('select count(*)::int as n from outbox');
    await fire('inventory');
    await fire('billing');
    const rows = await t.sql<{ lane: string; destination: string }>(
      'select destination, lane from outbox order by id offset ?',
      [before[0]?.n ?? 0],
    );
    expect(rows.filter((r) => DESTINATION_SPECS[r.destination as Destination]?.postsCard)).toEqual([
      expect.objectContaining({ lane: 'C0INV' }),
    ]);
    const unrouted = await t.sql<{ data: { service: string } }>(
      `select data from timeline_entries where kind = 'notification_unrouted' order by id`,
    );
    expect(unrouted.map((r) => r.data.service)).toContain('billing');
  });
});
