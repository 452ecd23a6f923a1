import { describe, expect, it } from '@jest/globals';
import { cardinalityPost } from './cardinality.blocks.js';
import { checkLimits } from './limits.js';

describe('cardinalityPost', () => {
  const v = { metric: 'http.server.duration', series: 10_001, warnAt: 10_000, limit: 50_000 };

  it('warns with the threshold, the count so far and the limit', () => {
    const msg = cardinalityPost({ ...v, kind: 'warning' });
    expect(msg.text).toBe('Metric http.server.duration has more than 10,000 tag combinations');
    expect(JSON.stringify(msg.blocks)).toContain('(10,001 so far). Past 50,000');
  });

  it('says new combinations are dropped at the limit, and where they are counted', () => {
    const msg = cardinalityPost({ ...v, kind: 'limit', series: 50_000 });
    expect(msg.text).toBe('Metric http.server.duration reached the tag combination limit');
    expect(JSON.stringify(msg.blocks)).toContain('opswatch_telemetry_dropped_points_total');
  });

  it('stays within Slack limits with a huge metric name', () => {
    for (const kind of ['warning', 'limit'] as const)
      expect(checkLimits('message', cardinalityPost({ ...v, kind, metric: 'm'.repeat(5_000) }))).toEqual([]);
  });
});
