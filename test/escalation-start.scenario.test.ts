/**
 * Escalations of incidents opened together start in one statement (the policy in force for each incident's
 * service worked out by the database): what it writes is what the one-incident-at-a-time path writes — the policy
 * in force frozen onto each incident (the service's, else the tenant's default, else none), urgency from the
 * severity and the policy's `urgency.high`, and timeline notices whose data fit the typed timeline events.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withEm } from '../src/db/tx.js';
import { parseTimelineEvent } from '../src/domains/incidents/index.js';
import { startTestApp, type TestApp } from './harness/app.js';
import { addPolicy, addUser, setServicePolicy } from './harness/escalation-fixtures.js';

let t: TestApp;
const policy = {} as Record<'payments' | 'fallback', string>;

beforeAll(async () => {
  t = await startTestApp();
  const alice = await addUser(t, 'Alice', 'U0ALICE');
  const step = { delayMinutes: 5, targets: [{ type: 'user', id: alice }] };
  // Written as stored by hand (no defaults filled in), then changed once: version 2.
  policy.payments = await addPolicy(t, 'Payments', { steps: [step], urgency: { high: [3] } });
  await t.sql('update escalation_policies set version = 2 where id = ?', [policy.payments]);
  policy.fallback = await addPolicy(t, 'Fallback', { steps: [step, step], repeat: 2, ackTimeoutMinutes: 30 });
  await setServicePolicy(t, 'payments', policy.payments);
  await setServicePolicy(t, 'batch', null);
});
afterAll(async () => {
  await t?.close();
});

const setDefault = (id: string | null) =>
  t.sql('update escalation_policies set is_default = (id is not distinct from ?::uuid) where tenant_id = ?', [
    id,
    t.actor.tenantId,
  ]);

/** One webhook request (one environment: its alerts group apart from other environments') opening an incident per [service, severity]: their ids by service. */
async function open(
  key: string,
  services: [string, number][],
  environment = 'prod',
): Promise<Map<string, string>> {
  const alerts = services.map(([service, severity]) => ({
    title: `${service} is down`,
    service,
    environment,
    dedup_key: `${key}-${service}`,
    severity,
  }));
  const res = await t.request('POST', '/api/v1/webhooks/generic', { alerts });
  expect(res.status).toBeLessThan(300);
  const rows = await t.sql<{ id: string; service: string }>(
    `select i.id, i.service from incidents i join alerts a on a.incident_id = i.id
     where a.dedup_key = any(string_to_array(?, ','))`,
    [services.map(([s]) => `${key}-${s}`).join(',')],
  );
  return new Map(rows.map((r) => [r.service, r.id]));
}

interface Row {
  policy_id: string | null;
  policy_name: string;
  policy_version: number;
  snapshot: unknown;
  urgency: string;
  state: string;
  generation: number;
  step: number;
  next_at: Date | null;
  started_at: Date | null;
}
const escalationOf = async (incidentId: string): Promise<Row | undefined> => {
  const [row] = await t.sql<Row>(
    `select policy_id, policy_name, policy_version, snapshot, urgency, state, generation, step, next_at,
       started_at from escalations where incident_id = ?`,
    [incidentId],
  );
  const date = (d: Date | string | null) => (d === null ? null : new Date(d));
  return row && { ...row, next_at: date(row.next_at), started_at: date(row.started_at) };
};
const notices = (incidentId: string) =>
  t.sql<{ kind: string; data: unknown; actor_kind: string; actor_name: string }>(
    `select kind, data, actor_kind, actor_name from timeline_entries
     where incident_id = ? and kind like 'escalation%' order by created_at, id`,
    [incidentId],
  );
/** The snapshot the one-incident-at-a-time path freezes (the directory's `policyFor`). */
const policyFor = (service: string) =>
  withEm(t.orm, { tenantId: t.actor.tenantId }, (em) =>
    t.services.directory.policyFor(em, t.actor.tenantId, service),
  );

describe('starting the escalations of the incidents a request opens', () => {
  it('each incident gets the policy in force for its service, frozen as policyFor gives it, with its urgency', async () => {
    await setDefault(policy.fallback);
    t.clock.set('2026-03-02T10:00:00Z');
    const ids = await open('a', [
      ['payments', 3],
      ['payments-eu', 4],
      ['batch', 1],
    ]);
    expect(ids.size).toBe(3);
    const expected = {
      payments: { policyId: policy.payments, name: 'Payments', version: 2, urgency: 'high' },
      // No service row yet when the alert came: the tenant's default.
      'payments-eu': { policyId: policy.fallback, name: 'Fallback', version: 1, urgency: 'low' },
      batch: { policyId: policy.fallback, name: 'Fallback', version: 1, urgency: 'high' },
    } as const;
    for (const [service, want] of Object.entries(expected)) {
      const id = ids.get(service) ?? '';
      const row = await escalationOf(id);
      const snapshot = await policyFor(service);
      expect(snapshot?.policyId).toBe(want.policyId);
      expect(row).toEqual({
        policy_id: want.policyId,
        policy_name: want.name,
        policy_version: want.version,
        snapshot,
        urgency: want.urgency,
        state: 'active',
        generation: 0,
        step: 0,
        next_at: new Date('2026-03-02T10:00:00Z'),
        started_at: new Date('2026-03-02T10:00:00Z'),
      });
      const data = {
        policyId: want.policyId,
        policyName: want.name,
        version: want.version,
        generation: 0,
        reason: 'triggered',
      };
      const rows = await notices(id);
      expect(rows).toEqual([
        { kind: 'escalation_started', data, actor_kind: 'system', actor_name: 'OpsWatch' },
      ]);
      // The stored data is exactly the typed event's.
      expect(parseTimelineEvent(rows[0]?.kind ?? '', rows[0]?.data)).toEqual({
        kind: 'escalation_started',
        data,
      });
    }
    // The defaults the policy was stored without are frozen too.
    const payments = (await escalationOf(ids.get('payments') ?? ''))?.snapshot as { spec: unknown };
    expect(payments.spec).toEqual({
      steps: [expect.anything()],
      repeat: 0,
      urgency: { high: [3] },
    });
  });

  it('no policy in force: escalation_none, nothing started; the others of the request still start', async () => {
    await setDefault(null);
    const ids = await open(
      'b',
      [
        ['batch', 2],
        ['payments', 5],
        ['search', 2],
      ],
      'staging',
    );
    for (const service of ['batch', 'search']) {
      const id = ids.get(service) ?? '';
      expect(await escalationOf(id)).toBeUndefined();
      const rows = await notices(id);
      expect(rows.map((r) => ({ kind: r.kind, data: r.data }))).toEqual([
        { kind: 'escalation_none', data: { service } },
      ]);
      expect(parseTimelineEvent(rows[0]?.kind ?? '', rows[0]?.data)).toEqual({
        kind: 'escalation_none',
        data: { service },
      });
    }
    const payments = await escalationOf(ids.get('payments') ?? '');
    expect(payments).toMatchObject({ policy_id: policy.payments, urgency: 'low', state: 'active' });
  });

  it('acknowledging freezes the ack timeout of the frozen policy; resolving clears it', async () => {
    await setDefault(policy.fallback);
    t.clock.set('2026-03-02T11:00:00Z');
    const ids = await open('c', [['web', 2]]);
    const id = ids.get('web') ?? '';
    const [inc] = await t.sql<{ number: number }>('select number from incidents where id = ?', [id]);
    t.clock.set('2026-03-02T11:01:00Z');
    const ack = await t.request('POST', `/api/v1/incidents/INC-${inc?.number}/acknowledge`);
    expect(ack.status).toBe(200);
    expect(await escalationOf(id)).toMatchObject({
      state: 'acknowledged',
      next_at: new Date('2026-03-02T11:31:00Z'),
    });
    const resolve = await t.request('POST', `/api/v1/incidents/INC-${inc?.number}/resolve`);
    expect(resolve.status).toBe(200);
    expect(await escalationOf(id)).toMatchObject({ state: 'resolved', next_at: null });
  });
});
