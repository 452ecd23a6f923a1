import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { tenantsStore } from '../src/domains/tenants/tenants.store.js';
import { startTestApp, type TestApp } from './harness/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('API key look-up', () => {
  it('concurrent requests with a key not cached yet share one look-up (one read, one last-used update)', async () => {
    const { key } = await t.services.tenants.createApiKey(t.actor, 'burst sender');
    const read = jest.spyOn(tenantsStore, 'keysByLookup');
    const touched = jest.spyOn(tenantsStore, 'touchKey');
    try {
      const actors = await Promise.all(
        Array.from({ length: 20 }, () => t.services.tenants.authenticate(key)),
      );
      expect(new Set(actors.map((a) => a?.name))).toEqual(new Set(['API key "burst sender"']));
      expect(read).toHaveBeenCalledTimes(1);
      expect(touched).toHaveBeenCalledTimes(1);
      // Cached now: no further look-up.
      expect(await t.services.tenants.authenticate(key)).toMatchObject({ name: 'API key "burst sender"' });
      expect(read).toHaveBeenCalledTimes(1);
      // An unknown key is looked up (and refused) as before.
      expect(await t.services.tenants.authenticate(`${key}-unknown`)).toBeNull();
      expect(read).toHaveBeenCalledTimes(2);
    } finally {
      read.mockRestore();
      touched.mockRestore();
    }
  });
});
