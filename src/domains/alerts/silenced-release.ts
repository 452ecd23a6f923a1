import type { MikroORM } from '@mikro-orm/postgresql';
import { withEm, withTx } from '../../db/tx.js';
import { systemActor } from '../../shared/actor.js';
import type { AlertGroupChange, IncidentIngestPort, NewAlertInGroup } from '../incidents/index.js';
import { alertsStore } from './alerts.store.js';
import { type HeldRow, heldAlertsStore } from './held-alerts.store.js';
import type { IngestionSettings } from './ingestion-settings.js';
import type { SilenceHold, SilencingPort } from './silencing.port.js';

/** Held alerts taken per tenant transaction, and tenants per run (the next tick takes the rest). */
const BATCH = 500;
const TENANTS_PER_RUN = 50;

export interface ReleaseReport {
  released: number;
  stillHeld: number;
}

export interface ReleaseDeps {
  orm: MikroORM;
  incidents: IncidentIngestPort;
  silencing: SilencingPort;
  settings: (tenantId: string) => Promise<IngestionSettings>;
}

/**
 * The engine module's work for held alerts: every firing alert whose silence or maintenance window is over (its
 * `silenced_until` has passed, or the silence was expired early) is looked at again — held on when another
 * silence or window now covers it, otherwise handed to its group's incident as if it had just fired (an incident
 * opens, or it joins the open one, and paging follows). Per tenant: one transaction holding the tenant's release
 * lock (another replica skips the tenant), the group locks taken before the alert rows (ingestion's order), the
 * rows locked `FOR UPDATE SKIP LOCKED` and re-checked, so an alert is released once however many workers tick.
 */
export async function releaseSilenced(deps: ReleaseDeps, now: Date): Promise<ReleaseReport> {
  const report: ReleaseReport = { released: 0, stillHeld: 0 };
  const tenants = await withEm(deps.orm, 'system', (em) =>
    heldAlertsStore.tenantsWithDueHolds(em, now, TENANTS_PER_RUN),
  );
  for (const tenantId of tenants) {
    const settings = await deps.settings(tenantId);
    const r = await withTx(deps.orm, { tenantId }, (em) => releaseTenant(deps, em, tenantId, settings, now));
    report.released += r.released;
    report.stillHeld += r.stillHeld;
  }
  return report;
}

async function releaseTenant(
  deps: ReleaseDeps,
  em: Parameters<SilencingPort['holds']>[0],
  tenantId: string,
  settings: IngestionSettings,
  now: Date,
): Promise<ReleaseReport> {
  const none = { released: 0, stillHeld: 0 };
  if (!(await heldAlertsStore.releaseLock(em, tenantId))) return none;
  const due = await heldAlertsStore.dueHolds(em, tenantId, now, BATCH);
  if (due.length === 0) return none;
  const groups = await deps.incidents.lockGroups(
    em,
    tenantId,
    due.map((r) => r.group_key),
  );
  const rows = await heldAlertsStore.lockDueHolds(
    em,
    tenantId,
    due.map((r) => r.id),
    now,
  );
  const holds = await deps.silencing.holds(em, tenantId, rows, now);
  const again: { id: string; hold: SilenceHold }[] = [];
  const released: HeldRow[] = [];
  rows.forEach((r, n) => {
    const h = holds[n];
    if (h) again.push({ id: r.id, hold: h });
    else released.push(r);
  });
  await heldAlertsStore.markHeld(em, tenantId, again);
  if (released.length === 0) return { released: 0, stillHeld: again.length };

  const byGroup = new Map<string, { source: string; alerts: NewAlertInGroup[] }>();
  for (const r of released) {
    const g = byGroup.get(r.group_key) ?? { source: r.source, alerts: [] };
    g.alerts.push({
      id: r.id,
      title: r.title,
      description: r.description,
      service: r.service,
      environment: r.environment,
      severity: r.severity,
    });
    byGroup.set(r.group_key, g);
  }
  const keys = [...byGroup.keys()];
  const changes: AlertGroupChange[] = keys.map((groupKey) => {
    const g = byGroup.get(groupKey)!;
    const policy = {
      autoResolve: settings.autoResolve[g.source as keyof typeof settings.autoResolve] ?? true,
      retriggerAfterAckMinutes: settings.retriggerAfterAckMinutes,
    };
    return { kind: 'fired', groupKey, source: g.source, policy, alerts: g.alerts };
  });
  const actor = systemActor(tenantId, 'OpsWatch (silence ended)');
  const { outcomes } = await deps.incidents.apply(em, actor, groups, changes, now);
  const links = keys.map((groupKey, n) => {
    const outcome = outcomes[n];
    if (outcome?.kind !== 'fired') throw new Error('the incidents port answered a fired group out of order');
    return { incidentId: outcome.incident.id, alertIds: byGroup.get(groupKey)!.alerts.map((a) => a.id) };
  });
  await alertsStore.linkMany(em, tenantId, links);
  return { released: released.length, stillHeld: again.length };
}
