import type { MikroORM } from '@mikro-orm/postgresql';
import { withTx } from '../../db/tx.js';
import { DAY_MS } from '../../shared/durations.js';
import type { Logger } from '../../shared/logger.js';
import { rollupsUpkeepStore } from './rollups-upkeep.store.js';
import type { Step } from './series.calc.js';

/** Rows deleted per statement (each its own short transaction: no long lock). */
export const PURGE_BATCH = 5_000;
/** Batches per step and run at most (the rest goes at the next run). */
const MAX_BATCHES = 200;

/** How long each tier is kept. Gold (SLA snapshots) is kept for ever and never touched here. */
export interface RetentionPolicy {
  /** Bronze (log_entries), 3–30 days. */
  bronzeDays: number;
  /** Silver minute rollups. */
  minuteDays: number;
  /** Silver hour rollups. */
  hourDays: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { bronzeDays: 7, minuteDays: 30, hourDays: 90 };

/**
 * Bronze's purge (the telemetry domain's `purgeBronze`: drops whole day partitions, keeping rows linked to an
 * incident as evidence).
 */
export interface BronzePurge {
  purgeBronze(
    now: Date,
    retentionDays: number,
  ): Promise<{ droppedPartitions: string[]; keptEvidence: number }>;
}

export interface JanitorReport {
  minutes: number;
  hours: number;
  series: number;
  bronze: { droppedPartitions: string[]; keptEvidence: number } | null;
}

/**
 * The smart janitor: Silver minutes and hours older than their retention go in batches of PURGE_BATCH rows, each
 * batch its own short transaction (`DELETE … WHERE ctid IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED)`), so no lock
 * is held long and replicas running it at once share the rows instead of waiting; series left without rows go
 * too; then Bronze's purge. Idempotent; safe on any number of replicas.
 */
export class RollupsJanitor {
  constructor(
    private readonly orm: MikroORM,
    private readonly policy: RetentionPolicy,
    private readonly bronze: BronzePurge | null,
    private readonly log?: Logger,
  ) {}

  async run(now: Date, batch = PURGE_BATCH): Promise<JanitorReport> {
    const minutes = await this.purge(
      'minute',
      new Date(now.getTime() - this.policy.minuteDays * DAY_MS),
      batch,
    );
    const hours = await this.purge('hour', new Date(now.getTime() - this.policy.hourDays * DAY_MS), batch);
    const seriesCutoff = new Date(
      now.getTime() - Math.max(this.policy.minuteDays, this.policy.hourDays) * DAY_MS,
    );
    let series = 0;
    for (let i = 0; i < MAX_BATCHES; i++) {
      const n = await withTx(this.orm, 'system', (em) =>
        rollupsUpkeepStore.purgeSeries(em, seriesCutoff, batch),
      );
      series += n;
      if (n < batch) break;
    }
    const bronze = this.bronze ? await this.bronze.purgeBronze(now, this.policy.bronzeDays) : null;
    if (minutes || hours || series || bronze?.droppedPartitions.length)
      this.log?.info({ minutes, hours, series, bronze }, 'telemetry janitor purged');
    return { minutes, hours, series, bronze };
  }

  private async purge(step: Step, before: Date, batch: number): Promise<number> {
    let total = 0;
    for (let i = 0; i < MAX_BATCHES; i++) {
      const n = await withTx(this.orm, 'system', (em) =>
        rollupsUpkeepStore.purgeBatch(em, step, before, batch),
      );
      total += n;
      if (n < batch) break;
    }
    return total;
  }
}
