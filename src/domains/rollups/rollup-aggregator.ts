import { storableText } from '../../shared/storable-text.js';
import type { MetricPoint, MetricSink } from '../telemetry/index.js';
import { bucketOf, canonicalTags } from './series.calc.js';
import { type Aggregate, emptyAggregate, mergeInto, observe, observeHistogram } from './sketch.calc.js';

/** One series' minute in memory. */
export interface MinuteAggregate extends Aggregate {
  tenantId: string;
  service: string;
  name: string;
  tags: Record<string, string>;
  /** The minute's start (ms since the epoch). */
  bucket: number;
  /** How many data points went in (what the dropped-points metric counts). */
  points: number;
}

const keyOf = (tenantId: string, service: string, name: string, tags: string, bucket: number) =>
  `${tenantId}\u0000${service}\u0000${name}\u0000${tags}\u0000${bucket}`;

/**
 * The in-memory Silver aggregator: per (tenant, service, metric, tag set, minute) an exact count, sum, min and
 * max and a DDSketch. Ingestion adds to it synchronously; `drain` hands over everything gathered so far (the
 * flush) and starts afresh; `restore` puts back what a failed flush could not store, merged with what came since.
 */
export class RollupAggregator implements MetricSink {
  private minutes = new Map<string, MinuteAggregate>();

  add(points: readonly MetricPoint[]): void {
    for (const p of points) {
      const at = p.at.getTime();
      if (!Number.isFinite(at)) continue;
      const entry = this.entry(p.tenantId, p.service, p.name, p.tags, bucketOf(at, 'minute'));
      if (p.kind === 'value') observe(entry, p.value, p.count ?? 1);
      else observeHistogram(entry, p);
      entry.points++;
    }
  }

  /** How many series-minutes are held (for the flush's log and metrics). */
  get size(): number {
    return this.minutes.size;
  }

  /** Everything gathered since the last drain; the aggregator is empty afterwards. */
  drain(): MinuteAggregate[] {
    const out = [...this.minutes.values()].filter((m) => m.count > 0);
    this.minutes = new Map();
    return out;
  }

  /** Puts back minutes a flush did not store (they merge exactly with whatever arrived meanwhile). */
  restore(minutes: readonly MinuteAggregate[]): void {
    for (const m of minutes) {
      const e = this.entry(m.tenantId, m.service, m.name, m.tags, m.bucket);
      mergeInto(e, m);
      e.points += m.points;
    }
  }

  /** A series' minute; names and tags with a NUL (which PostgreSQL cannot store) are kept with U+FFFD for it. */
  private entry(
    tenantId: string,
    givenService: string,
    givenName: string,
    givenTags: Record<string, string>,
    bucket: number,
  ): MinuteAggregate {
    let service = givenService;
    let name = givenName;
    let tags = givenTags;
    let tagText = canonicalTags(givenTags);
    if (service.includes('\u0000') || name.includes('\u0000') || tagText.includes('\\u0000')) {
      service = storableText(service);
      name = storableText(name);
      tags = Object.fromEntries(Object.entries(tags).map(([k, v]) => [storableText(k), storableText(v)]));
      tagText = canonicalTags(tags);
    }
    const key = keyOf(tenantId, service, name, tagText, bucket);
    let e = this.minutes.get(key);
    if (!e) {
      e = { ...emptyAggregate(), tenantId, service, name, tags: { ...tags }, bucket, points: 0 };
      this.minutes.set(key, e);
    }
    return e;
  }
}
