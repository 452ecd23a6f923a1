import type { MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { Em } from '../../db/sql.js';
import { withEm, withTx } from '../../db/tx.js';
import type { Actor } from '../../shared/actor.js';
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import {
  acknowledgeThroughAlert,
  alertsResolved,
  attachNewAlerts,
  lockGroup,
  type NewAlertInGroup,
} from '../incidents/index.js';
import { alertsStore, type FiringRow } from './alerts.store.js';
import type { AlertSource, NormalizedAlert } from './alerts.types.js';
import { DEFAULT_GROUPING, groupingSettingsSchema, groupKeyFor } from './grouping.calc.js';

export const ingestionSettingsSchema = z.object({
  grouping: groupingSettingsSchema.default(DEFAULT_GROUPING),
  /** Per source: does an incident resolve itself when all its alerts have resolved? Default yes. */
  autoResolve: z.record(z.string(), z.boolean()).default({}),
  /** An acknowledged incident goes back to triggered when a new alert fires into it this long after the ack. */
  retriggerAfterAckMinutes: z.number().int().min(0).max(10_080).default(30),
});
export type IngestionSettings = z.infer<typeof ingestionSettingsSchema>;

export interface IngestResult {
  received: number;
  created: number;
  deduplicated: number;
  resolved: number;
  acknowledged: number;
  incidents: { id: string; number: number; created: boolean }[];
}

export type SettingsProvider = (tenantId: string) => Promise<Record<string, unknown>>;

/** Keeps the last event per dedup key; the others in the same request count as duplicates. */
function lastPerKey(alerts: NormalizedAlert[]): { unique: NormalizedAlert[]; dropped: number } {
  const byKey = new Map<string, NormalizedAlert>();
  for (const a of alerts) {
    byKey.delete(a.dedupKey);
    byKey.set(a.dedupKey, a);
  }
  return { unique: [...byKey.values()], dropped: alerts.length - byKey.size };
}

export class AlertsService {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly settingsOf: SettingsProvider,
  ) {}

  async settings(tenantId: string): Promise<IngestionSettings> {
    const raw = (await this.settingsOf(tenantId)).ingestion ?? {};
    const parsed = ingestionSettingsSchema.safeParse(raw);
    return parsed.success ? parsed.data : ingestionSettingsSchema.parse({});
  }

  /**
   * Stores a batch of alert events in one transaction: deduplicates, groups new alerts into incidents,
   * ends resolved episodes (resolving incidents whose alerts all resolved) and applies acknowledgements.
   * Returns only after commit.
   */
  async ingest(actor: Actor, alerts: NormalizedAlert[]): Promise<IngestResult> {
    const settings = await this.settings(actor.tenantId);
    const bySource = new Map<AlertSource, NormalizedAlert[]>();
    for (const a of alerts) bySource.set(a.source, [...(bySource.get(a.source) ?? []), a]);
    const result: IngestResult = {
      received: alerts.length,
      created: 0,
      deduplicated: 0,
      resolved: 0,
      acknowledged: 0,
      incidents: [],
    };
    await withTx(this.orm, async (em) => {
      const now = this.clock.now();
      for (const [source, list] of bySource) {
        const { unique, dropped } = lastPerKey(list);
        result.deduplicated += dropped;
        await this.fire(
          em,
          actor,
          source,
          unique.filter((a) => a.action === 'firing'),
          settings,
          now,
          result,
        );
        await this.resolve(
          em,
          actor,
          source,
          unique.filter((a) => a.action === 'resolved'),
          now,
          result,
        );
        await this.acknowledge(
          em,
          actor,
          source,
          unique.filter((a) => a.action === 'acknowledged'),
          now,
          result,
        );
      }
    });
    return result;
  }

  private async fire(
    em: Em,
    actor: Actor,
    source: AlertSource,
    firing: NormalizedAlert[],
    settings: IngestionSettings,
    now: Date,
    result: IngestResult,
  ): Promise<void> {
    if (firing.length === 0) return;
    const withStart = firing
      .filter((a) => a.startsAt)
      .map((a) => ({ k: a.dedupKey, s: a.startsAt!.toISOString() }));
    const seen = await alertsStore.resolvedEpisodes(em, actor.tenantId, source, withStart);
    const fresh = firing.filter(
      (a) => !(a.startsAt && seen.has(`${a.dedupKey}|${a.startsAt.toISOString()}`)),
    );
    result.deduplicated += firing.length - fresh.length;
    const rows: FiringRow[] = fresh.map((a) => ({
      id: newId(),
      source,
      dedup_key: a.dedupKey,
      status: 'firing',
      title: a.title,
      description: a.description,
      service: a.service,
      environment: a.environment,
      severity: a.severity,
      group_key: groupKeyFor(a, settings.grouping),
      labels: a.labels,
      annotations: a.annotations,
      links: a.links,
      starts_at: a.startsAt?.toISOString() ?? null,
      ends_at: a.endsAt?.toISOString() ?? null,
      raw: a.raw,
    }));
    const byId = new Map(rows.map((r) => [r.dedup_key, r]));
    const upserted = await alertsStore.upsertFiring(em, actor.tenantId, rows, now);
    const groups = new Map<string, NewAlertInGroup[]>();
    for (const u of upserted) {
      if (u.inserted) result.created++;
      else result.deduplicated++;
      if (u.incident_id) continue;
      const r = byId.get(u.dedup_key);
      if (!r) continue;
      const item = {
        id: u.id,
        title: r.title,
        description: r.description,
        service: r.service,
        environment: r.environment,
        severity: r.severity,
      };
      groups.set(u.group_key, [...(groups.get(u.group_key) ?? []), item]);
    }
    const policy = {
      autoResolve: settings.autoResolve[source] ?? true,
      retriggerAfterAckMinutes: settings.retriggerAfterAckMinutes,
    };
    for (const key of [...groups.keys()].sort()) {
      const members = groups.get(key) ?? [];
      await lockGroup(em, actor.tenantId, key);
      const attached = await attachNewAlerts(em, actor, key, source, members, policy, now);
      await alertsStore.link(
        em,
        members.map((m) => m.id),
        attached.incidentId,
      );
      result.incidents.push({ id: attached.incidentId, number: attached.number, created: attached.created });
    }
  }

  private async resolve(
    em: Em,
    actor: Actor,
    source: AlertSource,
    resolved: NormalizedAlert[],
    now: Date,
    result: IngestResult,
  ) {
    if (resolved.length === 0) return;
    const changed = await alertsStore.resolve(
      em,
      actor.tenantId,
      source,
      resolved.map((a) => ({ k: a.dedupKey, e: a.endsAt?.toISOString() ?? null })),
      now,
    );
    result.resolved += changed.length;
    result.deduplicated += resolved.length - changed.length;
    const byIncident = new Map<string, string[]>();
    for (const c of changed)
      if (c.incident_id) byIncident.set(c.incident_id, [...(byIncident.get(c.incident_id) ?? []), c.title]);
    await alertsResolved(em, actor, byIncident, now);
  }

  private async acknowledge(
    em: Em,
    actor: Actor,
    source: AlertSource,
    acks: NormalizedAlert[],
    now: Date,
    result: IngestResult,
  ) {
    for (const a of acks) {
      const found = await alertsStore.findFiring(em, actor.tenantId, source, a.dedupKey);
      if (found?.incident_id && (await acknowledgeThroughAlert(em, actor, found.incident_id, now)))
        result.acknowledged++;
      else result.deduplicated++;
    }
  }

  async list(actor: Actor, f: { status?: string; source?: string; service?: string; limit: number }) {
    if (f.status && !['firing', 'resolved'].includes(f.status)) {
      throw AppError.validation('status must be firing or resolved', [
        { field: 'status', message: 'expected firing or resolved' },
      ]);
    }
    const rows = await withEm(this.orm, (em) => alertsStore.list(em, actor.tenantId, f));
    return rows.map((r) => ({
      id: r.id,
      incident: r.incident_id ? { id: r.incident_id, ref: `INC-${r.incident_number}` } : null,
      source: r.source,
      dedupKey: r.dedup_key,
      status: r.status,
      title: r.title,
      service: r.service,
      environment: r.environment,
      severity: r.severity,
      labels: r.labels,
      firstSeenAt: new Date(r.first_seen_at).toISOString(),
      lastSeenAt: new Date(r.last_seen_at).toISOString(),
      resolvedAt: r.resolved_at ? new Date(r.resolved_at).toISOString() : null,
      occurrences: r.occurrences,
    }));
  }
}
