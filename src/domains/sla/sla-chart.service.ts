import type { MikroORM } from '@mikro-orm/postgresql';
import { withEm } from '../../db/tx.js';
import { HOUR_MS } from '../../shared/durations.js';
import { chartPng } from './chart.png.js';
import type { ChartPoint } from './chart.svg.js';
import type { SlaMetric } from './sla.calc.js';
import { metricLabel } from './sla.mapper.js';
import type { SlaMetricsPort } from './sla.ports.js';
import { type DefinitionRow, slaStore } from './sla.store.js';

const WEEK_MS = 7 * 24 * HOUR_MS;

export interface SlaChart {
  filename: string;
  title: string;
  png: Buffer;
}

/**
 * Charts of an SLA's metric: the 24 hours before `at`, hour by hour, against the same hours a week before
 * (error rate in percent, or p99 in ms for LATENCY_P99), with the SLO as a dashed line; as PNG bytes.
 */
export class SlaCharts {
  constructor(
    private readonly orm: MikroORM,
    private readonly metrics: SlaMetricsPort | null,
  ) {}

  async forKey(tenantId: string, definitionKey: string, at: Date): Promise<SlaChart | null> {
    const def = await withEm(this.orm, { tenantId }, async (em) =>
      (await slaStore.list(em, tenantId, true)).find((d) => d.definition_key === definitionKey),
    );
    return def ? this.render(def, at) : null;
  }

  async render(def: DefinitionRow, at: Date): Promise<SlaChart> {
    const metric = def.metric as SlaMetric;
    const to = Math.floor(at.getTime() / HOUR_MS) * HOUR_MS + HOUR_MS;
    const from = to - 24 * HOUR_MS;
    const current = await this.hours(def, metric, from, 0);
    const previous = await this.hours(def, metric, from, WEEK_MS);
    const latency = metric === 'LATENCY_P99';
    const title = `${def.service}: ${Number(def.target)}% ${metricLabel(metric, def.threshold_ms)}`;
    const png = chartPng({
      title,
      unit: latency ? 'p99 ms' : 'error rate %',
      current,
      previous,
      from,
      to,
      threshold: latency ? def.threshold_ms : 100 - Number(def.target),
    });
    const day = new Date(from).toISOString().slice(0, 13).replace('T', '-');
    return {
      filename: `sla-${def.service}-${day}h.png`,
      title: `${title} — last 24 h vs a week before`,
      png,
    };
  }

  /** One value per hour of [from, from + 24 h) `shift` earlier, placed on the current hours. */
  private async hours(
    def: DefinitionRow,
    metric: SlaMetric,
    from: number,
    shift: number,
  ): Promise<ChartPoint[]> {
    const out: ChartPoint[] = [];
    if (!this.metrics) return out;
    for (let h = 0; h < 24; h++) {
      const a = from + h * HOUR_MS;
      const q = {
        service: def.service,
        name: def.metric_name,
        errorFilter: def.error_filter as Record<string, string>,
        from: new Date(a - shift),
        to: new Date(a - shift + HOUR_MS),
      };
      const f = await this.metrics.range(def.tenant_id, q, metric === 'LATENCY_P99');
      if (f.count === 0) continue;
      out.push({ at: a, value: metric === 'LATENCY_P99' ? (f.p99 ?? 0) : (100 * f.errors) / f.count });
    }
    return out;
  }
}
