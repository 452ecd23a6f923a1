import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TenantsService } from '../src/domains/tenants/index.js';
import { startTestApp, type TestApp } from './harness/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('a Slack workspace maps to a tenant', () => {
  it('links a new workspace once even when its first requests arrive together', async () => {
    // Separate services (no shared cache), as on separate replicas or concurrent first clicks.
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, () => new TenantsService(t.orm, t.clock).forSlackTeam('T0RACE')),
    );
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused).toEqual([]);
    const ids = new Set(results.map((r) => (r.status === 'fulfilled' ? r.value.id : null)));
    expect(ids).toEqual(new Set([t.actor.tenantId]));
    expect(await t.sql(`select slack_team_id from tenants`)).toEqual([{ slack_team_id: 'T0RACE' }]);
  });

  it('refuses a second workspace', async () => {
    await expect(new TenantsService(t.orm, t.clock).forSlackTeam('T0OTHER')).rejects.toMatchObject({
      code: 'forbidden',
    });
  });
});
