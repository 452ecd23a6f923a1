import { describe, expect, it } from '@jest/globals';
import { MetricBuffer } from './metric-buffer.js';
import type { MetricPoint, MetricSink } from './telemetry.types.js';

const point = (value: number): MetricPoint => ({
  tenantId: 't1',
  service: 'api',
  name: 'latency',
  tags: {},
  at: new Date('2026-12-02T10:00:00Z'),
  kind: 'value',
  value,
});
const points = (n: number, from = 0) => Array.from({ length: n }, (_, i) => point(from + i));

function sink() {
  const calls: MetricPoint[][] = [];
  const s: MetricSink = { add: (p) => void calls.push([...p]) };
  return { s, calls, values: () => calls.flat().map((p) => (p.kind === 'value' ? p.value : -1)) };
}
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('the metric buffer', () => {
  it('hands a full buffer over a slice per turn of the event loop, in order', async () => {
    const k = sink();
    const buffer = new MetricBuffer(() => k.s, 60_000, 5_000, 2_000);
    buffer.add(points(3_000));
    expect(k.calls).toHaveLength(0);
    buffer.add(points(2_000, 3_000));
    // The buffer is full: nothing is handed over in the request's own turn.
    expect(k.calls).toHaveLength(0);
    expect(buffer.size).toBe(5_000);
    await nextTurn();
    expect(k.calls.map((c) => c.length)).toEqual([2_000]);
    await nextTurn();
    await nextTurn();
    expect(k.calls.map((c) => c.length)).toEqual([2_000, 2_000, 1_000]);
    expect(k.values()).toEqual(points(5_000).map((p) => (p.kind === 'value' ? p.value : -1)));
    expect(buffer.size).toBe(0);
  });

  it('flush() hands everything over at once, slices still waiting included', async () => {
    const k = sink();
    const buffer = new MetricBuffer(() => k.s, 60_000, 4_000, 1_000);
    buffer.add(points(4_000));
    buffer.add(points(10, 4_000));
    buffer.flush();
    expect(k.values()).toHaveLength(4_010);
    expect(new Set(k.values()).size).toBe(4_010);
    expect(buffer.size).toBe(0);
    await nextTurn();
    await nextTurn();
    expect(k.values()).toHaveLength(4_010);
  });
});
