import { describe, expect, it } from '@jest/globals';
import type { Actor } from '../../shared/actor.js';
import type { IngestResult } from './alerts.ingest.js';
import type { NormalizedAlert } from './alerts.types.js';
import { IngestBatcher } from './ingest-batcher.js';

const actor: Actor = {
  tenantId: 't1',
  kind: 'integration',
  id: 'k1',
  name: 'AM',
  roles: ['admin'],
  source: 'webhook',
};
const alert = (key: string) => ({ dedupKey: key }) as NormalizedAlert;
const result = (n: number): IngestResult => ({
  received: n,
  created: n,
  deduplicated: 0,
  silenced: 0,
  resolved: 0,
  acknowledged: 0,
  incidents: [],
});

describe('IngestBatcher', () => {
  it('runs a lone request at once and coalesces requests that arrive while a batch is in flight', async () => {
    const calls: string[][] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const batcher = new IngestBatcher(
      async (_a, reqs) => {
        calls.push(reqs.map((r) => r.map((a) => a.dedupKey).join('+')));
        if (calls.length === 1) await gate;
        return reqs.map((r) => result(r.length));
      },
      () => false,
      1,
    );
    const first = batcher.submit(actor, [alert('a')]);
    const rest = [batcher.submit(actor, [alert('b')]), batcher.submit(actor, [alert('c'), alert('d')])];
    release();
    expect(await first).toMatchObject({ received: 1 });
    expect((await Promise.all(rest)).map((r) => r.received)).toEqual([1, 2]);
    expect(calls).toEqual([['a'], ['b', 'c+d']]);
  });

  it('keeps up to maxInFlight transactions going per caller', async () => {
    let inFlight = 0;
    let peak = 0;
    const batcher = new IngestBatcher(
      async (_a, reqs) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 20));
        inFlight--;
        return reqs.map((r) => result(r.length));
      },
      () => false,
      2,
    );
    const all = await Promise.all(
      Array.from({ length: 10 }, (_, i) => batcher.submit(actor, [alert(`k${i}`)])),
    );
    expect(all).toHaveLength(10);
    expect(peak).toBe(2);
  });

  it('starts a second transaction only for enough queued alerts; small requests wait and go together', async () => {
    const calls: number[] = [];
    let inFlight = 0;
    let peak = 0;
    const gates: (() => void)[] = [];
    const batcher = new IngestBatcher(
      async (_a, reqs) => {
        calls.push(reqs.reduce((n, r) => n + r.length, 0));
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise<void>((r) => gates.push(r));
        inFlight--;
        return reqs.map((r) => result(r.length));
      },
      () => false,
      2,
      10,
    );
    const many = (p: string, n: number) => Array.from({ length: n }, (_, i) => alert(`${p}${i}`));
    const first = batcher.submit(actor, [alert('a')]);
    const small = [batcher.submit(actor, many('s', 3)), batcher.submit(actor, many('t', 3))];
    await Promise.resolve();
    expect(inFlight).toBe(1);
    const big = batcher.submit(actor, many('b', 5));
    await Promise.resolve();
    expect(inFlight).toBe(2);
    expect(calls).toEqual([1, 11]);
    while (gates.length) {
      gates.shift()!();
      await new Promise((r) => setTimeout(r, 0));
    }
    await Promise.all([first, ...small, big]);
    expect(peak).toBe(2);
  });

  it('retries a failed batch request by request, so one bad request fails alone', async () => {
    let gate: () => void = () => {};
    const blocked = new Promise<void>((r) => {
      gate = r;
    });
    let n = 0;
    const batcher = new IngestBatcher(
      async (_a, reqs) => {
        n++;
        if (n === 1) await blocked;
        if (reqs.some((r) => r[0]?.dedupKey === 'bad')) throw new Error('bad row');
        return reqs.map((r) => result(r.length));
      },
      () => false,
      1,
    );
    const warm = batcher.submit(actor, [alert('warm')]);
    const good = batcher.submit(actor, [alert('good')]);
    const bad = batcher.submit(actor, [alert('bad')]);
    gate();
    await warm;
    await expect(good).resolves.toMatchObject({ received: 1 });
    await expect(bad).rejects.toThrow('bad row');
  });

  it('fails the whole batch at once during an outage (the senders retry)', async () => {
    let gate: () => void = () => {};
    const blocked = new Promise<void>((r) => {
      gate = r;
    });
    let n = 0;
    const outage = new Error('db down');
    const batcher = new IngestBatcher(
      async (_a, reqs) => {
        n++;
        if (n === 1) {
          await blocked;
          return reqs.map((r) => result(r.length));
        }
        throw outage;
      },
      (e) => e === outage,
      1,
    );
    const warm = batcher.submit(actor, [alert('w')]);
    const a = batcher.submit(actor, [alert('a')]);
    const b = batcher.submit(actor, [alert('b')]);
    gate();
    await warm;
    await expect(a).rejects.toBe(outage);
    await expect(b).rejects.toBe(outage);
    expect(n).toBe(2);
  });
});
