import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { NormalizedAlert } from '../src/domains/alerts/alerts.types.js';
import { startTestApp, type TestApp } from './harness/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

/** A firing alert of a group of its own: each opens a new incident. */
const alert = (key: string, title = `Disk full on ${key}`): NormalizedAlert => ({
  source: 'generic',
  dedupKey: key,
  action: 'firing',
  title,
  description: null,
  service: 'storage',
  environment: 'prod',
  severity: 2,
  labels: { host: key },
  annotations: {},
  links: [],
  startsAt: null,
  endsAt: null,
  sourceGroupKey: `group-${key}`,
  raw: {},
});

describe('group commit across concurrent webhook requests', () => {
  it('stores requests that arrive while a transaction is in flight in one shared transaction, each answered after it commits', async () => {
    const shared = jest.spyOn(t.services.alerts, 'ingestMany');
    try {
      // The first request starts a transaction at once; the next three queue behind it and go together.
      const first = t.services.alerts.ingest(t.actor, [alert('gc-first')]);
      const queued = ['gc-a', 'gc-b', 'gc-c'].map((k) => t.services.alerts.ingest(t.actor, [alert(k)]));
      const results = await Promise.all([first, ...queued]);
      expect(results.map((r) => r.created)).toEqual([1, 1, 1, 1]);
      expect(results.map((r) => r.incidents[0]?.created)).toEqual([true, true, true, true]);
      expect(shared.mock.calls.map((c) => c[1].length)).toEqual([1, 3]);
      // Each answer came after its commit: what it reports is visible to anyone now.
      const rows = await t.sql<{ dedup_key: string; incident_id: string | null }>(
        `select dedup_key, incident_id from alerts where dedup_key like 'gc-%' order by dedup_key`,
      );
      expect(rows.map((r) => r.dedup_key)).toEqual(['gc-a', 'gc-b', 'gc-c', 'gc-first']);
      expect(rows.every((r) => r.incident_id !== null)).toBe(true);
      // Each answer names its incident by the number it was stored with (read back with the COMMIT).
      const stored = await t.sql<{ id: string; number: number }>(
        `select id::text as id, number from incidents where group_key like '%gc-%'`,
      );
      const numberOf = new Map(stored.map((s) => [s.id, s.number]));
      expect(results.map((r) => r.incidents[0]?.number)).toEqual(
        results.map((r) => numberOf.get(r.incidents[0]?.id ?? '')),
      );
      expect(new Set(stored.map((s) => s.number)).size).toBe(4);
      expect(stored.every((s) => s.number > 0)).toBe(true);
    } finally {
      shared.mockRestore();
    }
  });

  it('gives a request whose alert the database refuses its own error, while the others of its batch commit', async () => {
    const shared = jest.spyOn(t.services.alerts, 'ingestMany');
    try {
      const first = t.services.alerts.ingest(t.actor, [alert('gcf-first')]);
      // PostgreSQL refuses a NUL character in text: this request fails wherever it runs.
      const good1 = t.services.alerts.ingest(t.actor, [alert('gcf-good-1')]);
      const bad = t.services.alerts.ingest(t.actor, [alert('gcf-bad', 'nul \u0000 inside')]);
      const good2 = t.services.alerts.ingest(t.actor, [alert('gcf-good-2')]);
      const settled = await Promise.allSettled([first, good1, bad, good2]);
      expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
      for (const s of settled) if (s.status === 'fulfilled') expect(s.value.created).toBe(1);
      const refused = settled[2] as PromiseRejectedResult;
      expect(String(refused.reason)).toMatch(/unicode|0x00/i);
      // The three queued requests were tried together first, then one by one.
      expect(shared.mock.calls.map((c) => c[1].length)).toEqual([1, 3, 1, 1, 1]);
      const rows = await t.sql<{ dedup_key: string }>(
        `select dedup_key from alerts where dedup_key like 'gcf-%' order by dedup_key`,
      );
      expect(rows.map((r) => r.dedup_key)).toEqual(['gcf-first', 'gcf-good-1', 'gcf-good-2']);
    } finally {
      shared.mockRestore();
    }
  });

  it("numbers the incidents concurrent webhooks open once each, in a row, from the tenant's sequence", async () => {
    const keys = Array.from({ length: 12 }, (_, n) => `gcn-${n}`);
    const results = await Promise.all(keys.map((k) => t.services.alerts.ingest(t.actor, [alert(k)])));
    const numbers = results.map((r) => r.incidents[0]?.number ?? 0).sort((x, y) => x - y);
    const first = numbers[0]!;
    expect(numbers).toEqual(keys.map((_, n) => first + n));
    // A declaration takes the next number from the same sequence.
    const declared = await t.request('POST', '/api/v1/incidents', {
      title: 'Checkout down',
      service: 'checkout',
    });
    expect(declared.status).toBe(201);
    expect(await declared.json()).toMatchObject({ ref: `INC-${first + keys.length}` });
  });
});
