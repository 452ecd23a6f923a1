import type { MikroORM } from '@mikro-orm/postgresql';
import type { Em } from '../../db/sql.js';
import { withTx } from '../../db/tx.js';
import { type RollupWrite, rollupsStore } from './rollups.store.js';
import { bucketOf, STEP_MS } from './series.calc.js';
import {
  type Aggregate,
  decodeAggregate,
  emptyAggregate,
  encodeSketch,
  mergeInto,
  percentiles,
} from './sketch.calc.js';

/** The hour rollup's advisory lock: one replica builds hours at a time. */
const HOUR_LOCK = 0x0a_5e_4b_15;
/** An hour is built this long after it ends (every replica has flushed its last minute by then: they flush every 60 s). */
export const HOUR_GRACE_MS = 3 * 60_000;
/** Hours built per run at most (a worker back after a long outage catches up over a few ticks). */
const HOURS_PER_RUN = 6;
/** Series built per statement. */
const SERIES_PER_BATCH = 500;

/**
 * Builds (or builds again) the hour starting at `hour` for these series from their minute rows: one merged
 * sketch, exact count/sum/min/max. Idempotent: the hour row is replaced whole.
 */
export async function rebuildHours(
  em: Em,
  hour: Date,
  seriesIds: readonly string[],
  at: Date,
): Promise<number> {
  const to = new Date(hour.getTime() + STEP_MS.hour);
  let rows = 0;
  for (let i = 0; i < seriesIds.length; i += SERIES_PER_BATCH) {
    const minutes = await rollupsStore.minutesOf(em, seriesIds.slice(i, i + SERIES_PER_BATCH), hour, to);
    const hours = new Map<string, { agg: Aggregate; row: (typeof minutes)[number] }>();
    for (const m of minutes) {
      const a = decodeAggregate(m.sketch, { count: Number(m.count), sum: m.sum, min: m.min, max: m.max });
      const h = hours.get(m.series_id);
      if (h) mergeInto(h.agg, a);
      else {
        const agg = emptyAggregate();
        mergeInto(agg, a);
        hours.set(m.series_id, { agg, row: m });
      }
    }
    const writes: RollupWrite[] = [...hours.entries()].map(([seriesId, { agg, row }]) => ({
      seriesId,
      tenantId: row.tenant_id,
      service: row.service,
      name: row.name,
      tags: row.tags,
      allTags: row.all_tags,
      bucket: hour,
      count: agg.count,
      sum: agg.sum,
      min: agg.min,
      max: agg.max,
      ...percentiles(agg),
      sketch: encodeSketch(agg),
    }));
    await rollupsStore.putRollups(em, 'hour', writes, at);
    rows += writes.length;
  }
  return rows;
}

/**
 * The engine's hour rollup: every completed hour (ended at least HOUR_GRACE_MS ago) not built yet is built from
 * its minutes, oldest first, at most HOURS_PER_RUN per run; the cursor (`metric_rollup_progress`) moves in the
 * same transaction. One replica at a time (an advisory lock; the others skip); running it again changes nothing.
 * Minutes flushed after their hour was built rebuild that hour (the writer does it).
 */
export async function rollHours(orm: MikroORM, now: Date): Promise<{ hours: number; rows: number }> {
  const until = bucketOf(now.getTime() - HOUR_GRACE_MS, 'hour');
  return withTx(orm, 'system', async (em) => {
    if (!(await rollupsStore.tryLock(em, HOUR_LOCK))) return { hours: 0, rows: 0 };
    let done = (await rollupsStore.hoursDoneUntil(em))?.getTime();
    if (done === undefined) {
      const first = await rollupsStore.earliestMinute(em);
      done = first ? bucketOf(first, 'hour') : until;
    }
    const start = done;
    let rows = 0;
    let hours = 0;
    while (done < until && hours < HOURS_PER_RUN) {
      const hour = new Date(done);
      const series = await rollupsStore.seriesWithMinutes(em, hour, new Date(done + STEP_MS.hour));
      rows += await rebuildHours(
        em,
        hour,
        series.map((s) => s.id),
        now,
      );
      done += STEP_MS.hour;
      hours++;
    }
    if (done !== start || (await rollupsStore.hoursDoneUntil(em)) === null)
      await rollupsStore.setHoursDoneUntil(em, new Date(done));
    return { hours, rows };
  });
}
