import type { MikroORM } from '@mikro-orm/postgresql';
import type { Em } from '../../db/sql.js';
import { withTx } from '../../db/tx.js';
import { type Actor, systemActor } from '../../shared/actor.js';
import type { Clock } from '../../shared/clock.js';
import type { IngestResult, NormalizedAlert } from '../alerts/index.js';
import {
  BURN_LOOKBACK_MINUTES,
  BURN_WINDOWS,
  type BurnVerdict,
  evaluateBurn,
  type WindowCounts,
  windowsFromMinutes,
} from './burn.calc.js';
import { burnFiringAlert, burnResolvedAlert } from './burn-alert.calc.js';
import type { SlaMetric } from './sla.calc.js';
import { metricLabel } from './sla.mapper.js';
import type { SlaLogsPort, SlaMetricsPort } from './sla.ports.js';
import { type BurnCheckRow, slaStore } from './sla.store.js';

/** How burn alerts raise and resolve their alerts: the alerts domain's ingestion, in the caller's transaction. */
export interface SlaAlertsPort {
  raiseInTx(em: Em, actor: Actor, alerts: NormalizedAlert[]): Promise<IngestResult>;
}

/** What happens once a burn opened an incident (the chart into its thread), in the same transaction. */
export type BurnOpenedHook = (
  em: Em,
  opened: { tenantId: string; incidentId: string; service: string; definitionKey: string; now: Date },
) => Promise<void>;

export interface BurnRunReport {
  checked: number;
  fired: number;
  resolved: number;
}

/** How often each SLA's burn is measured, and how many per run. */
const CHECK_EVERY_MS = 60_000;
const PER_RUN = 100;

/**
 * Burn alerts (the engine's module): every open SLA's error budget burn is measured about once a minute over
 * Silver's minute rollups against the multi-window, multi-burn-rate rules; a burn opens an incident of source
 * `sla` through the alerts domain (deduplicated like any alert: one episode per burn), with the service's recent
 * Bronze errors in its description, and the burn stopping resolves it. Claims rows `for update skip locked`, so
 * three replicas check each SLA once.
 */
export class SlaBurnAlerts {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly d: {
      alerts: SlaAlertsPort;
      metrics: SlaMetricsPort | null;
      logs?: SlaLogsPort | null;
      onOpened?: BurnOpenedHook;
      onBurn?: (tenantId: string, service: string, burn: number) => void;
    },
  ) {}

  async run(now: Date = this.clock.now()): Promise<BurnRunReport> {
    const metrics = this.d.metrics;
    if (!metrics) return { checked: 0, fired: 0, resolved: 0 };
    return withTx(this.orm, 'system', async (em) => {
      const rows = await slaStore.claimBurnChecks(em, new Date(now.getTime() - CHECK_EVERY_MS), PER_RUN);
      let fired = 0;
      let resolved = 0;
      for (const row of rows) {
        const verdict = evaluateBurn(await this.windows(metrics, row, now), Number(row.target));
        this.d.onBurn?.(row.tenant_id, row.service, verdict.rates[60] ?? 0);
        const outcome = await this.apply(em, row, verdict, now);
        if (outcome === 'fired') fired += 1;
        if (outcome === 'resolved') resolved += 1;
      }
      return { checked: rows.length, fired, resolved };
    });
  }

  /**
   * Each window's events and bad events: for LATENCY_P99 from the last 6 h of minutes (a minute whose p99 is
   * over the threshold is bad with all its events); otherwise error counts straight from Silver per window.
   */
  private async windows(
    metrics: SlaMetricsPort,
    row: BurnCheckRow,
    now: Date,
  ): Promise<Record<number, WindowCounts>> {
    const base = { service: row.service, name: row.metric_name };
    if (row.metric === 'LATENCY_P99') {
      const from = new Date(now.getTime() - BURN_LOOKBACK_MINUTES * 60_000);
      const minutes = await metrics.minutes(row.tenant_id, { ...base, from, to: now });
      const limit = row.threshold_ms ?? Number.POSITIVE_INFINITY;
      return windowsFromMinutes(
        minutes.map((m) => ({ at: m.bucket.getTime(), total: m.count, bad: m.p99 > limit ? m.count : 0 })),
        now,
      );
    }
    const out: Record<number, WindowCounts> = {};
    for (const w of BURN_WINDOWS) {
      const q = {
        ...base,
        errorFilter: row.error_filter as Record<string, string>,
        from: new Date(now.getTime() - w * 60_000),
        to: now,
      };
      const f = await metrics.range(row.tenant_id, q, false);
      out[w] = { total: f.count, bad: f.errors };
    }
    return out;
  }

  private async apply(
    em: Em,
    row: BurnCheckRow,
    verdict: BurnVerdict,
    now: Date,
  ): Promise<'fired' | 'resolved' | 'unchanged'> {
    const key = { tenantId: row.tenant_id, key: row.definition_key, service: row.service };
    const since = row.firing_since ? new Date(row.firing_since) : now;
    const actor = systemActor(row.tenant_id, `SLA ${row.service}`);
    let outcome: 'fired' | 'resolved' | 'unchanged' = 'unchanged';
    if (verdict.firing && !row.firing) {
      const recentErrors = this.d.logs
        ? await this.d.logs.recentErrors(row.tenant_id, row.service, 5, now)
        : [];
      const result = await this.d.alerts.raiseInTx(em, actor, [
        burnFiringAlert(this.facts(row, verdict, now, recentErrors)),
      ]);
      for (const inc of result.incidents.filter((i) => i.created))
        await this.d.onOpened?.(em, {
          tenantId: row.tenant_id,
          incidentId: inc.id,
          service: row.service,
          definitionKey: row.definition_key,
          now,
        });
      outcome = 'fired';
    } else if (!verdict.firing && row.firing) {
      await this.d.alerts.raiseInTx(em, actor, [burnResolvedAlert(this.facts(row, verdict, since, []), now)]);
      outcome = 'resolved';
    }
    await slaStore.saveBurn(
      em,
      key,
      {
        firing: verdict.firing,
        firingSince: verdict.firing ? (row.firing ? since : now) : null,
        rule: verdict.rule,
        rates: verdict.rates,
      },
      now,
    );
    return outcome;
  }

  private facts(row: BurnCheckRow, verdict: BurnVerdict, since: Date, recentErrors: BurnAlertErrors) {
    return {
      definitionKey: row.definition_key,
      service: row.service,
      target: Number(row.target),
      metricLabel: metricLabel(row.metric as SlaMetric, row.threshold_ms),
      since,
      verdict,
      recentErrors,
    };
  }
}

type BurnAlertErrors = Awaited<ReturnType<SlaLogsPort['recentErrors']>>;
