import { type Em, query, sql } from '../../db/sql.js';
import type { Actor } from '../../shared/actor.js';
import { applyTransition, openIncident, recordChanges } from './incident-lifecycle.js';
import { incidentAlertsStore, incidentsStore, type TimelineInput } from './incidents.store.js';
import { shouldRetrigger } from './transitions.calc.js';

/** Above this many alerts joining at once, the timeline gets one summary row instead of one per alert. */
const TIMELINE_DETAIL_LIMIT = 20;

export interface NewAlertInGroup {
  id: string;
  title: string;
  description: string | null;
  service: string;
  environment: string;
  severity: number;
}

export interface GroupAttachResult {
  incidentId: string;
  number: number;
  created: boolean;
  retriggered: boolean;
}

export interface IngestPolicy {
  autoResolve: boolean;
  retriggerAfterAckMinutes: number;
}

/** Serialises work on one (tenant, group key) across transactions and replicas. Call in sorted key order. */
export async function lockGroup(em: Em, tenantId: string, groupKey: string): Promise<void> {
  await query(em, sql`select pg_advisory_xact_lock(hashtextextended(${`${tenantId}|${groupKey}`}, 0))`);
}

function joinedRows(incidentId: string, alerts: NewAlertInGroup[]): TimelineInput[] {
  if (alerts.length <= TIMELINE_DETAIL_LIMIT) {
    return alerts.map((a) => ({
      incidentId,
      kind: 'alert_fired',
      message: `Alert fired: ${a.title}`,
      data: { alertId: a.id, severity: a.severity },
    }));
  }
  return [
    {
      incidentId,
      kind: 'alert_fired',
      message: `${alerts.length} alerts fired, including: ${alerts
        .slice(0, 5)
        .map((a) => a.title)
        .join('; ')}`,
      data: { alertIds: alerts.slice(0, 100).map((a) => a.id), count: alerts.length },
    },
  ];
}

/**
 * Finds the open incident of a group (the caller holds the group lock) or opens one, and records the new alerts
 * on its timeline. Raises the incident's severity to its most urgent alert and re-triggers an acknowledged
 * incident when the acknowledgement is older than the policy's window.
 */
export async function attachNewAlerts(
  em: Em,
  actor: Actor,
  groupKey: string,
  source: string,
  alerts: NewAlertInGroup[],
  policy: IngestPolicy,
  now: Date,
): Promise<GroupAttachResult> {
  const first = alerts[0];
  if (!first) throw new Error('attachNewAlerts needs at least one alert');
  const minSeverity = Math.min(...alerts.map((a) => a.severity));
  const open = await incidentsStore.lockOpenByGroup(em, actor.tenantId, groupKey);
  if (!open) {
    const inc = await openIncident(
      em,
      actor,
      {
        title: first.title,
        description: first.description,
        service: first.service,
        environment: first.environment,
        severity: minSeverity,
        groupKey,
        source,
        autoResolve: policy.autoResolve,
      },
      'opened',
      now,
      (id) => joinedRows(id, alerts),
    );
    return { incidentId: inc.id, number: inc.number, created: true, retriggered: false };
  }
  const rows = joinedRows(open.id, alerts);
  if (minSeverity < open.severity) {
    await incidentsStore.update(em, open.id, { severity: minSeverity }, now);
    rows.push({
      incidentId: open.id,
      kind: 'severity_changed',
      message: `Severity raised from P${open.severity} to P${minSeverity} by a new alert`,
      data: { from: open.severity, to: minSeverity },
    });
  }
  await recordChanges(em, actor, rows, now);
  let retriggered = false;
  if (shouldRetrigger(open.status, open.acknowledged_at, now, policy.retriggerAfterAckMinutes)) {
    await applyTransition(em, actor, open, 'retrigger', now);
    retriggered = true;
  }
  return { incidentId: open.id, number: open.number, created: false, retriggered };
}

/**
 * Records resolved alerts on their incidents and resolves each incident whose alerts have all resolved
 * (when the incident resolves itself). Returns the ids of incidents resolved now.
 */
export async function alertsResolved(
  em: Em,
  actor: Actor,
  byIncident: Map<string, string[]>,
  now: Date,
): Promise<string[]> {
  const ids = [...byIncident.keys()].sort();
  if (ids.length === 0) return [];
  const incidents = await incidentsStore.lockMany(em, ids);
  const resolved: string[] = [];
  for (const inc of incidents) {
    const titles = byIncident.get(inc.id) ?? [];
    const rows: TimelineInput[] =
      titles.length <= TIMELINE_DETAIL_LIMIT
        ? titles.map((t) => ({ incidentId: inc.id, kind: 'alert_resolved', message: `Alert resolved: ${t}` }))
        : [
            {
              incidentId: inc.id,
              kind: 'alert_resolved',
              message: `${titles.length} alerts resolved`,
              data: { count: titles.length },
            },
          ];
    await recordChanges(em, actor, rows, now);
    if (
      inc.status !== 'resolved' &&
      inc.auto_resolve &&
      (await incidentAlertsStore.countFiring(em, inc.id)) === 0
    ) {
      await applyTransition(em, actor, inc, 'resolve', now, 'all alerts resolved');
      resolved.push(inc.id);
    }
  }
  return resolved;
}

/** PagerDuty-style acknowledge through an alert: acknowledges its incident when it is triggered. */
export async function acknowledgeThroughAlert(
  em: Em,
  actor: Actor,
  incidentId: string,
  now: Date,
): Promise<boolean> {
  const [inc] = await incidentsStore.lockMany(em, [incidentId]);
  if (inc?.status !== 'triggered') return false;
  await applyTransition(em, actor, inc, 'acknowledge', now);
  return true;
}
