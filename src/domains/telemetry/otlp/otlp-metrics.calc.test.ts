import { describe, expect, it } from '@jest/globals';
import { emptyRouted } from '../ingest.calc.js';
import { BUILTIN_RULES, compileRedactor } from '../redaction.calc.js';
import { CumulativeTracker, exponentialToExplicit, routeMetrics } from './otlp-metrics.calc.js';

const NOW = new Date('2026-12-02T10:00:00Z');
const ctx = () => ({
  tenantId: 't1',
  now: NOW,
  redactor: compileRedactor(BUILTIN_RULES),
  tracker: new CumulativeTracker(),
});
const request = (metrics: unknown[]) => ({
  resourceMetrics: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'api' } }] },
      scopeMetrics: [{ metrics }],
    },
  ],
});

describe('OTLP metrics to metric points', () => {
  it('turns cumulative monotonic sums into deltas per series, and starts over on a reset', () => {
    const c = ctx();
    const sum = (v: number, start = '1') => ({
      name: 'requests',
      sum: {
        aggregationTemporality: 2,
        isMonotonic: true,
        dataPoints: [
          {
            asInt: String(v),
            startTimeUnixNano: start,
            attributes: [{ key: 'k', value: { stringValue: 'v' } }],
          },
        ],
      },
    });
    const values = [10, 15, 15, 4].map((v, i) => {
      const out = routeMetrics(c, request([sum(v, i === 3 ? '2' : '1')]), emptyRouted());
      const p = out.points[0];
      return p?.kind === 'value' ? p.value : null;
    });
    expect(values).toEqual([10, 5, 0, 4]);
  });

  it('keeps up-down counters (non-monotonic cumulative sums) as values, and redacts tags', () => {
    const out = routeMetrics(
      ctx(),
      request([
        {
          name: 'queue',
          sum: {
            aggregationTemporality: 2,
            isMonotonic: false,
            dataPoints: [
              { asDouble: 7, attributes: [{ key: 'owner', value: { stringValue: 'ops@example.com' } }] },
            ],
          },
        },
      ]),
      emptyRouted(),
    );
    expect(out.points).toEqual([
      {
        tenantId: 't1',
        service: 'api',
        name: 'queue',
        tags: { owner: '<email>' },
        at: NOW,
        kind: 'value',
        value: 7,
      },
    ]);
  });

  it('refuses histograms whose buckets do not add up, and summaries, counting them', () => {
    const out = routeMetrics(
      ctx(),
      request([
        {
          name: 'h',
          histogram: { dataPoints: [{ count: 3, sum: 1, explicitBounds: [1], bucketCounts: [1, 1] }] },
        },
        { name: 's', summary: { dataPoints: [{}, {}] } },
        { name: 'g', gauge: { dataPoints: [{ asDouble: 'NaN' }, { asDouble: 1.5 }] } },
      ]),
      emptyRouted(),
    );
    expect(out.accepted).toBe(1);
    expect(out.rejected).toBe(4);
  });

  it('converts exponential histograms to explicit buckets', () => {
    // scale 0: base 2; positive buckets (1,2], (2,4], (4,8] holding 1, 2, 3; one zero; one in (-2,-1].
    const shape = exponentialToExplicit({
      scale: 0,
      zeroCount: 1,
      positive: { offset: 0, bucketCounts: [1, 2, 3] },
      negative: { offset: 0, bucketCounts: [1] },
    });
    expect(shape).toEqual({ bounds: [-1, 1, 2, 4, 8], bucketCounts: [1, 1, 1, 2, 3, 0] });
  });
});
