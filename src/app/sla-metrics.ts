import type { RollupsService } from '../domains/rollups/index.js';
import { errorConditions, type SlaMetricsPort } from '../domains/sla/index.js';

/** SLAs read Silver through the rollups service: exact counts and merged-sketch p99s over any range. */
export function slaMetricsFrom(rollups: RollupsService): SlaMetricsPort {
  return {
    async range(tenantId, q, withP99) {
      const base = { service: q.service, name: q.name, from: q.from, to: q.to };
      const counts = await rollups.counts(tenantId, { ...base, tagFilter: errorConditions(q.errorFilter) });
      const p99 = withP99 && counts.total > 0 ? (await rollups.totals(tenantId, base)).p99 : null;
      return { count: counts.total, errors: counts.matching, p99 };
    },
    async minutes(tenantId, q) {
      const points = await rollups.series(tenantId, { ...q, step: 'minute' });
      return points.map((p) => ({ bucket: p.bucket, count: p.count, p99: p.p99 }));
    },
  };
}
