/**
 * Timeline entries and update cadences reach their tenant through their incident (their own foreign key to
 * `tenants` is gone: it was checked on every row ingestion writes). Deleting a tenant still removes them, and a
 * row still cannot name an incident that does not exist.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from './harness/app.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

const count = async (table: string): Promise<number> => {
  const [row] = await t.sql<{ n: number }>(`select count(*)::int as n from ${table} where tenant_id = ?`, [
    t.actor.tenantId,
  ]);
  return row!.n;
};

describe('rows that belong to an incident', () => {
  it('cannot name an incident that does not exist', async () => {
    await expect(
      t.sql(
        `insert into timeline_entries (tenant_id, incident_id, kind, actor_kind, actor_name, data, created_at)
         values (?, gen_random_uuid(), 'note', 'user', 'someone', '{}', now())`,
        [t.actor.tenantId],
      ),
    ).rejects.toThrow(/timeline_entries_incident_id_fkey/);
  });

  it('go when their tenant is deleted, through the incident', async () => {
    const res = await t.request('POST', '/api/v1/webhooks/alertmanager', {
      version: '4',
      status: 'firing',
      receiver: 'opswatch',
      groupKey: '{}:{alertname="CheckoutDown"}',
      groupLabels: { alertname: 'CheckoutDown' },
      commonLabels: { alertname: 'CheckoutDown', severity: 'critical', service: 'checkout' },
      commonAnnotations: { summary: 'Checkout is down' },
      externalURL: 'http://alertmanager.example:9093',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'CheckoutDown', severity: 'critical', service: 'checkout' },
          annotations: { summary: 'Checkout is down' },
          startsAt: '2026-03-02T08:59:00Z',
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: 'http://prometheus.example:9090/graph',
          fingerprint: 'c0ffee0000000001',
        },
      ],
    });
    expect(res.status).toBe(200);
    expect(await count('timeline_entries')).toBeGreaterThanOrEqual(2);
    // A P1 opens with its status update cadence.
    expect(await count('incident_update_cadences')).toBe(1);

    await t.sql('delete from tenants where id = ?', [t.actor.tenantId]);

    expect(await count('incidents')).toBe(0);
    expect(await count('timeline_entries')).toBe(0);
    expect(await count('incident_update_cadences')).toBe(0);
  });
});
