/**
 * What the escalation engine reads through its port (EscalationDirectory), over the real domains: the policy in
 * force for a service (its own, else the tenant's default, else none), people's notification rules (the defaults
 * where they set none, and said so), and managers (a schedule's = the manager of whoever is on call then, from the
 * roster calculator, overrides included). Also how managers and notification rules are set, and refused.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Em } from '../src/db/sql.js';
import { withEm } from '../src/db/tx.js';
import type { Actor } from '../src/shared/actor.js';
import { isAppError } from '../src/shared/errors.js';
import { startTestApp, type TestApp } from './harness/app.js';
import { addPerson, addTenant } from './harness/tenants.js';

let t: TestApp;
const ids: Record<string, string> = {};
const json = async <T>(res: Response) => (await res.json()) as T;
interface Problem {
  status: number;
  detail: string;
  errors?: { field: string; message: string }[];
}
const inTenant = <T>(fn: (em: Em) => Promise<T>) => withEm(t.orm, { tenantId: t.actor.tenantId }, fn);
const dir = () => t.services.directory;

beforeAll(async () => {
  t = await startTestApp();
  for (const name of ['dana', 'erin', 'alice', 'bob']) {
    const res = await t.request('POST', '/api/v1/users', { name, email: `${name}@example.com` });
    ids[name] = (await json<{ id: string }>(res)).id;
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
  ids.payments = (await json<{ id: string }>(s)).id;
});
afterAll(async () => {
  await t?.close();
});

describe('managers', () => {
  it('are set through the users routes: a user of the same tenant, not themselves', async () => {
    const other = await addTenant(t, 'elsewhere');
    const stranger = await addPerson(t, other.id, { name: 'Stranger', role: 'manager' });
    const foreign = await t.request('POST', '/api/v1/users', { name: 'Frank', managerId: stranger });
    expect(await json<Problem>(foreign)).toMatchObject({
      status: 400,
      errors: [{ field: 'managerId', message: `No user has the id ${stranger}.` }],
    });
    const self = await t.request('PATCH', `/api/v1/users/${ids.alice}`, { managerId: ids.alice });
    expect(await json<Problem>(self)).toMatchObject({
      status: 400,
      errors: [{ field: 'managerId', message: 'A user cannot be their own manager.' }],
    });
    const ok = await t.request('PATCH', `/api/v1/users/${ids.alice}`, { managerId: ids.dana });
    expect(await json(ok)).toMatchObject({ id: ids.alice, name: 'alice', managerId: ids.dana });
    const frank = await json<{ managerId: string }>(
      await t.request('POST', '/api/v1/users', { name: 'Frank', managerId: ids.erin }),
    );
    expect(frank.managerId).toBe(ids.erin);
    await t.request('PATCH', `/api/v1/users/${ids.bob}`, { managerId: ids.erin });
    expect(
      (await json<{ managerId: string }>(await t.request('GET', `/api/v1/users/${ids.bob}`))).managerId,
    ).toBe(ids.erin);
    expect((await t.request('PATCH', '/api/v1/users/nope', { managerId: ids.erin })).status).toBe(404);
  });

  it('of a user, and of a schedule: the manager of whoever is on call at that instant', async () => {
    const at = (iso: string) => new Date(iso);
    await inTenant(async (em) => {
      expect(
        await dir().managerOf(
          em,
          t.actor.tenantId,
          { of: 'user', id: ids.alice ?? '' },
          at('2026-03-02T10:00Z'),
        ),
      ).toBe(ids.dana);
      expect(
        await dir().managerOf(
          em,
          t.actor.tenantId,
          { of: 'user', id: ids.dana ?? '' },
          at('2026-03-02T10:00Z'),
        ),
      ).toBeNull();
      const schedule = { of: 'schedule' as const, id: ids.payments ?? '' };
      // Monday: Alice (managed by Dana); Tuesday: Bob (managed by Erin).
      expect(await dir().managerOf(em, t.actor.tenantId, schedule, at('2026-03-02T10:00:00Z'))).toBe(
        ids.dana,
      );
      expect(await dir().managerOf(em, t.actor.tenantId, schedule, at('2026-03-03T10:00:00Z'))).toBe(
        ids.erin,
      );
    });
    // An override: Bob covers Monday afternoon, so Erin manages whoever is on call then.
    const o = await t.request('POST', `/api/v1/schedules/${ids.payments}/overrides`, {
      userId: ids.bob,
      start: '2026-03-02T12:00:00Z',
      end: '2026-03-02T14:00:00Z',
    });
    expect(o.status).toBe(201);
    await inTenant(async (em) => {
      const schedule = { of: 'schedule' as const, id: ids.payments ?? '' };
      expect(await dir().managerOf(em, t.actor.tenantId, schedule, new Date('2026-03-02T13:00:00Z'))).toBe(
        ids.erin,
      );
      expect(await dir().managerOf(em, t.actor.tenantId, schedule, new Date('2026-03-02T14:00:00Z'))).toBe(
        ids.dana,
      );
    });
  });
});

describe('notification rules', () => {
  const rules = (id: string) => `/api/v1/users/${id}/notification-rules`;

  it('are the defaults, and say so, until set', async () => {
    expect(await json(await t.request('GET', rules(ids.alice ?? '')))).toEqual({
      userId: ids.alice,
      high: [{ method: 'slack_dm', delayMinutes: 0 }],
      low: [{ method: 'slack_dm', delayMinutes: 0 }],
      defaulted: { high: true, low: true },
    });
    expect((await t.request('GET', rules('00000000-0000-4000-8000-000000000000'))).status).toBe(404);
  });

  it('are set per urgency; an urgency left empty keeps the defaults', async () => {
    const put = await t.request('PUT', rules(ids.alice ?? ''), {
      high: [
        { method: 'slack_dm', delayMinutes: 0 },
        { method: 'slack_dm', delayMinutes: 2.5 },
      ],
      low: [],
    });
    expect(await json(put)).toEqual({
      userId: ids.alice,
      high: [
        { method: 'slack_dm', delayMinutes: 0 },
        { method: 'slack_dm', delayMinutes: 2.5 },
      ],
      low: [{ method: 'slack_dm', delayMinutes: 0 }],
      defaulted: { high: false, low: true },
    });
  });

  it('refuses SMS and voice without a verified phone, and a negative delay, naming the field', async () => {
    const res = await t.request('PUT', rules(ids.alice ?? ''), {
      high: [
        { method: 'slack_dm', delayMinutes: 0 },
        { method: 'sms', delayMinutes: 1 },
      ],
      low: [{ method: 'voice', delayMinutes: 5, contactMethodId: '00000000-0000-4000-8000-000000000009' }],
    });
    expect(await json<Problem>(res)).toMatchObject({
      status: 400,
      errors: [
        {
          field: 'high.1.method',
          message: 'sms needs a verified phone contact method: name one with contactMethodId.',
        },
        {
          field: 'low.0.contactMethodId',
          message: expect.stringContaining(
            'voice needs a verified phone contact method; 00000000-0000-4000-8000-000000000009 is not a verified voice',
          ),
        },
      ],
    });
    const negative = await t.request('PUT', rules(ids.alice ?? ''), {
      high: [{ method: 'slack_dm', delayMinutes: -1 }],
      low: [{ method: 'pigeon', delayMinutes: 0 }],
    });
    expect((await json<Problem>(negative)).errors?.map((e) => e.field)).toEqual([
      'high.0.delayMinutes',
      'low.0.method',
    ]);
    // Nothing was written by the refused requests.
    expect(
      (await json<{ high: unknown[] }>(await t.request('GET', rules(ids.alice ?? '')))).high,
    ).toHaveLength(2);
  });

  it('a responder edits their own, a manager anyone’s', async () => {
    const person = (id: string, role: 'responder' | 'manager'): Actor => ({
      tenantId: t.actor.tenantId,
      kind: 'user',
      id,
      name: role,
      roles: [role],
      source: 'slack',
    });
    const mine = { high: [{ method: 'slack_dm' as const, delayMinutes: 1 }], low: [] };
    expect(
      (await t.services.notificationRules.set(person(ids.bob ?? '', 'responder'), ids.bob ?? '', mine)).high,
    ).toEqual(mine.high);
    const refused = await t.services.notificationRules
      .set(person(ids.bob ?? '', 'responder'), ids.alice ?? '', mine)
      .catch((err: unknown) => err);
    expect(isAppError(refused) && refused.code).toBe('forbidden');
    await t.services.notificationRules.set(person(ids.dana ?? '', 'manager'), ids.erin ?? '', mine);
  });

  it('reach the engine per urgency, the defaults (and that they are) for people with none', async () => {
    const found = await inTenant((em) =>
      dir().rulesOf(em, t.actor.tenantId, [ids.alice ?? '', ids.bob ?? '', ids.dana ?? ''], 'high'),
    );
    expect(Object.fromEntries(found)).toEqual({
      [ids.alice ?? '']: {
        rules: [
          { method: 'slack_dm', delayMinutes: 0 },
          { method: 'slack_dm', delayMinutes: 2.5 },
        ],
        defaulted: false,
      },
      [ids.bob ?? '']: { rules: [{ method: 'slack_dm', delayMinutes: 1 }], defaulted: false },
      [ids.dana ?? '']: { rules: [{ method: 'slack_dm', delayMinutes: 0 }], defaulted: true },
    });
    const low = await inTenant((em) => dir().rulesOf(em, t.actor.tenantId, [ids.alice ?? ''], 'low'));
    expect(low.get(ids.alice ?? '')).toEqual({
      rules: [{ method: 'slack_dm', delayMinutes: 0 }],
      defaulted: true,
    });
  });
});

describe('the policy in force for a service', () => {
  it('is the service’s own, else the tenant’s default, else none', async () => {
    const policy = async (name: string) =>
      json<{ id: string; version: number }>(
        await t.request('POST', '/api/v1/escalation-policies', {
          name,
          steps: [{ delayMinutes: 5, targets: [{ type: 'schedule', id: ids.payments }] }],
        }),
      );
    const own = await policy('Payments');
    const fallback = await policy('Everything else');
    await t.request('POST', '/api/v1/services', { name: 'payments', escalationPolicyId: own.id });
    await t.request('POST', '/api/v1/services', { name: 'search' });
    const forService = (service: string) => inTenant((em) => dir().policyFor(em, t.actor.tenantId, service));

    expect(await forService('search')).toBeNull();
    expect(await forService('payments')).toMatchObject({
      policyId: own.id,
      name: 'Payments',
      version: 1,
      spec: { steps: [{ delayMinutes: 5 }], repeat: 0, urgency: { high: [1, 2] } },
    });
    await t.request('PUT', '/api/v1/settings', { escalation: { defaultPolicyId: fallback.id } });
    expect((await forService('search'))?.policyId).toBe(fallback.id);
    expect((await forService('never-seen'))?.policyId).toBe(fallback.id);
    expect((await forService('payments'))?.policyId).toBe(own.id);
    await t.request('PUT', `/api/v1/escalation-policies/${own.id}`, {
      name: 'Payments',
      steps: [{ delayMinutes: 10, targets: [{ type: 'user', id: ids.alice }] }],
    });
    expect(await forService('payments')).toMatchObject({
      version: 2,
      spec: { steps: [{ delayMinutes: 10 }] },
    });
  });
});
