/**
 * Escalation policies over REST: validated down to each target (a user or schedule that does not exist is a 400
 * naming the field), versioned on every change, the tenant's default, and guarded: a policy in use, and the users
 * and schedules a policy names, are not deleted (409 listing what uses them).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { startTestApp, type TestApp } from './harness/app.js';
import { until } from './harness/wait.js';

let t: TestApp;
const ids: Record<string, string> = {};
beforeAll(async () => {
  t = await startTestApp();
  for (const name of ['alice', 'bob']) {
    const res = await t.request('POST', '/api/v1/users', { name, email: `${name}@example.com` });
    ids[name] = ((await res.json()) as { id: string }).id;
  }
  const s = await t.request('POST', '/api/v1/schedules', {
    name: 'Payments',
    timeZone: 'Europe/London',
    layers: [
      {
        name: 'Primary',
        participants: [ids.alice, ids.bob],
        start: '2026-03-02T09:00:00Z',
        turn: { unit: 'days', count: 1 },
        handoffTime: '09:00',
      },
    ],
  });
  ids.payments = ((await s.json()) as { id: string }).id;
});
afterAll(async () => {
  await t?.close();
});

interface PolicyJson {
  id: string;
  name: string;
  version: number;
  isDefault: boolean;
  repeat: number;
  steps: { delayMinutes: number; targets: { type: string; id: string }[] }[];
  urgency: { high: number[] };
}
interface Problem {
  status: number;
  detail: string;
  errors?: { field: string; message: string }[];
}
const json = async <T>(res: Response) => (await res.json()) as T;
const body = (name = 'Payments escalation') => ({
  name,
  steps: [
    { delayMinutes: 5, targets: [{ type: 'schedule', id: ids.payments }] },
    {
      delayMinutes: 0.25,
      targets: [
        { type: 'user', id: ids.bob },
        { type: 'manager_of', of: 'schedule', id: ids.payments },
        { type: 'slack_channel', id: 'C0OPS' },
      ],
    },
  ],
  repeat: 2,
  ackTimeoutMinutes: 60,
});
let payments: PolicyJson;

describe('escalation policies over REST', () => {
  it('creates a policy at version 1 with the defaults filled in, and reads it back', async () => {
    const res = await t.request('POST', '/api/v1/escalation-policies', body());
    expect(res.status).toBe(201);
    payments = await json<PolicyJson>(res);
    expect(payments).toMatchObject({
      name: 'Payments escalation',
      version: 1,
      isDefault: false,
      repeat: 2,
      urgency: { high: [1, 2] },
    });
    expect(payments.steps[1]?.targets).toHaveLength(3);
    expect(await json(await t.request('GET', `/api/v1/escalation-policies/${payments.id}`))).toEqual(
      payments,
    );
    const list = await json<{ items: PolicyJson[] }>(await t.request('GET', '/api/v1/escalation-policies'));
    expect(list.items.map((p) => p.name)).toEqual(['Payments escalation']);
  });

  it('bumps the version on every change, and not when nothing changed', async () => {
    const same = await json<PolicyJson>(
      await t.request('PUT', `/api/v1/escalation-policies/${payments.id}`, body()),
    );
    expect(same.version).toBe(1);
    const changed = await json<PolicyJson>(
      await t.request('PUT', `/api/v1/escalation-policies/${payments.id}`, { ...body(), repeat: 3 }),
    );
    expect(changed).toMatchObject({ version: 2, repeat: 3 });
    const renamed = await json<PolicyJson>(
      await t.request('PUT', `/api/v1/escalation-policies/${payments.id}`, {
        ...body('Payments'),
        repeat: 3,
      }),
    );
    expect(renamed).toMatchObject({ version: 3, name: 'Payments' });
  });

  it('refuses unknown users and schedules, a step with no target and a negative delay, naming each field', async () => {
    const res = await t.request('POST', '/api/v1/escalation-policies', {
      name: 'Broken',
      steps: [
        { delayMinutes: 5, targets: [{ type: 'user', id: ids.alice }] },
        {
          delayMinutes: 5,
          targets: [
            { type: 'schedule', id: ids.payments },
            { type: 'user', id: '00000000-0000-4000-8000-000000000000' },
            { type: 'manager_of', of: 'schedule', id: 'Nowhere' },
          ],
        },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect((await json<Problem>(res)).errors).toEqual([
      { field: 'steps.1.targets.1.id', message: 'No user has the id 00000000-0000-4000-8000-000000000000.' },
      { field: 'steps.1.targets.2.id', message: '"Nowhere" is not a schedule id.' },
    ]);
    const shape = await t.request('POST', '/api/v1/escalation-policies', {
      name: 'Broken',
      steps: [
        { delayMinutes: -1, targets: [{ type: 'user', id: ids.alice }] },
        { delayMinutes: 5, targets: [] },
      ],
      repeat: 10,
    });
    expect((await json<Problem>(shape)).errors).toEqual([
      { field: 'steps.0.delayMinutes', message: 'delayMinutes must be at least 0.25.' },
      { field: 'steps.1.targets', message: 'A step needs at least one target.' },
      { field: 'repeat', message: 'repeat must be at most 9.' },
    ]);
    const dup = await t.request('POST', '/api/v1/escalation-policies', body('payments'));
    expect([dup.status, (await json<Problem>(dup)).detail]).toEqual([
      409,
      'An escalation policy named "payments" already exists.',
    ]);
    expect((await t.request('GET', '/api/v1/escalation-policies/nope')).status).toBe(404);
    const list = await json<{ items: PolicyJson[] }>(await t.request('GET', '/api/v1/escalation-policies'));
    expect(list.items.map((p) => p.name)).toEqual(['Payments']);
  });
});

describe('the tenant’s default policy', () => {
  it('is set and read through the settings; an unknown id is a 400', async () => {
    const before = await json<{ escalation: unknown }>(await t.request('GET', '/api/v1/settings'));
    expect(before.escalation).toEqual({ defaultPolicyId: null });
    const put = await t.request('PUT', '/api/v1/settings', { escalation: { defaultPolicyId: payments.id } });
    expect(put.status).toBe(200);
    const now = await json<{ escalation: unknown; ingestion: unknown }>(
      await t.request('GET', '/api/v1/settings'),
    );
    expect(now.escalation).toEqual({ defaultPolicyId: payments.id });
    expect(now.ingestion).toMatchObject({ grouping: expect.any(Object) });
    const bad = await t.request('PUT', '/api/v1/settings', {
      escalation: { defaultPolicyId: '00000000-0000-4000-8000-000000000000' },
    });
    expect(await json<Problem>(bad)).toMatchObject({
      status: 400,
      errors: [{ field: 'escalation.defaultPolicyId' }],
    });
    // Ingestion settings alone leave the default policy as it is.
    await t.request('PUT', '/api/v1/settings', { ingestion: { retriggerAfterAckMinutes: 15 } });
    const after = await json<{ escalation: unknown }>(await t.request('GET', '/api/v1/settings'));
    expect(after.escalation).toEqual({ defaultPolicyId: payments.id });
    expect(
      (await json<PolicyJson>(await t.request('GET', `/api/v1/escalation-policies/${payments.id}`)))
        .isDefault,
    ).toBe(true);
  });
});

describe('deleting what is in use', () => {
  it('refuses to delete a policy a service or the default setting uses, listing them', async () => {
    for (const name of ['checkout', 'payments'])
      await t.request('POST', '/api/v1/services', { name, escalationPolicyId: payments.id });
    const res = await t.request('DELETE', `/api/v1/escalation-policies/${payments.id}`);
    expect(res.status).toBe(409);
    expect((await json<Problem>(res)).detail).toBe(
      'The escalation policy "Payments" is in use by services "checkout", "payments" and the tenant’s default policy setting; give them another policy first.',
    );
  });

  it('refuses to delete a user or a schedule a policy names, listing the policies', async () => {
    const user = await t.request('DELETE', `/api/v1/users/${ids.bob}`);
    expect([user.status, (await json<Problem>(user)).detail]).toEqual([
      409,
      'bob is named by the escalation policy "Payments"; take them out of it first.',
    ]);
    const schedule = await t.request('DELETE', `/api/v1/schedules/${ids.payments}`);
    expect([schedule.status, (await json<Problem>(schedule)).detail]).toEqual([
      409,
      'The schedule "Payments" is named by the escalation policy "Payments"; take it out of it first.',
    ]);
    expect((await t.request('GET', `/api/v1/users/${ids.bob}`)).status).toBe(200);
    expect((await t.request('GET', `/api/v1/schedules/${ids.payments}`)).status).toBe(200);
  });

  it('refuses a delete racing a policy that names the user, once that policy commits', async () => {
    const carol = (
      await json<{ id: string }>(
        await t.request('POST', '/api/v1/users', { name: 'carol', email: 'carol@example.com' }),
      )
    ).id;
    // A policy write in flight: it has checked Carol exists (holding her row) and written the policy, uncommitted.
    const writer = new pg.Client({ connectionString: t.db.url });
    await writer.connect();
    try {
      await writer.query('begin');
      await writer.query('select id from users where id = $1 for share', [carol]);
      await writer.query(
        `insert into escalation_policies (id, tenant_id, name, spec, version, created_at, updated_at)
         values (gen_random_uuid(), $1, 'Racing', $2::jsonb, 1, now(), now())`,
        [
          t.actor.tenantId,
          JSON.stringify({ steps: [{ delayMinutes: 1, targets: [{ type: 'user', id: carol }] }] }),
        ],
      );
      const deleting = t.request('DELETE', `/api/v1/users/${carol}`);
      // The delete waits for the policy's transaction…
      await until('the delete to wait for the policy’s lock', async () => {
        const [w] = await t.sql<{ n: number }>(
          `select count(*)::int as n from pg_stat_activity
           where datname = current_database() and wait_event_type = 'Lock' and query ilike 'delete from%users%'`,
        );
        return (w?.n ?? 0) > 0;
      });
      await writer.query('commit');
      // …and then sees it.
      const res = await deleting;
      expect([res.status, (await json<Problem>(res)).detail]).toEqual([
        409,
        'carol is named by the escalation policy "Racing"; take them out of it first.',
      ]);
    } finally {
      await writer.end();
    }
    expect((await t.request('GET', `/api/v1/users/${carol}`)).status).toBe(200);
    const racing = await json<{ items: PolicyJson[] }>(await t.request('GET', '/api/v1/escalation-policies'));
    const id = racing.items.find((p) => p.name === 'Racing')?.id;
    expect((await t.request('DELETE', `/api/v1/escalation-policies/${id}`)).status).toBe(204);
  });

  it('deletes them once nothing uses them', async () => {
    for (const s of (
      await json<{ items: { id: string; name: string }[] }>(await t.request('GET', '/api/v1/services'))
    ).items)
      await t.request('PUT', `/api/v1/services/${s.id}`, { name: s.name });
    await t.request('PUT', '/api/v1/settings', { escalation: { defaultPolicyId: null } });
    expect((await t.request('DELETE', `/api/v1/escalation-policies/${payments.id}`)).status).toBe(204);
    expect((await t.request('DELETE', `/api/v1/schedules/${ids.payments}`)).status).toBe(204);
    expect((await t.request('DELETE', `/api/v1/users/${ids.bob}`)).status).toBe(204);
    expect((await t.request('GET', `/api/v1/users/${ids.bob}`)).status).toBe(404);
  });
});
