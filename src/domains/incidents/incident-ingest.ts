import { command, type Em, sql } from '../../db/sql.js';
import type { Actor } from '../../shared/actor.js';
import type { IncidentEventSink } from './incident-events.js';
import {
  applyTransition,
  type OpenedIncidents,
  openIncident,
  openIncidents,
  recordChanges,
} from './incident-lifecycle.js';
import {
  type IncidentRow,
  incidentAlertsStore,
  incidentsStore,
  type TimelineInput,
} from './incidents.store.js';
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

export interface IngestPolicy {
  autoResolve: boolean;
  retriggerAfterAckMinutes: number;
}

/** Serialises work on one (tenant, group key) across transactions and replicas. */
export async function lockGroup(
  em: Em,
  tenantId: string,
  groupKey: string,
  sink?: IncidentEventSink,
): Promise<void> {
  await lockGroups(em, tenantId, [groupKey], sink);
}

/**
 * Takes the group locks of many keys in one statement, always in the same (sorted) order, so two transactions
 * never wait on each other in a cycle. Every path that changes a grouped incident takes its group lock first.
 * `sink` is told which groups the transaction works on (see IncidentEventSink.expect).
 */
export async function lockGroups(
  em: Em,
  tenantId: string,
  groupKeys: string[],
  sink?: IncidentEventSink,
): Promise<void> {
  const unique = [...new Set(groupKeys)].sort();
  if (unique.length === 0) return;
  const keys = unique.map((k) => `${tenantId}|${k}`);
  await command(
    em,
    sql`select count(pg_advisory_xact_lock(hashtextextended(k, 0)))
        from (select k from unnest(${keys}::text[]) as k order by k) as ordered`,
  );
  sink?.expect?.(em, { tenantId, groupKeys: unique });
}

/** The open incidents of these groups (the caller holds the group locks), locked for update. */
export async function openIncidentsOf(
  em: Em,
  tenantId: string,
  groupKeys: string[],
): Promise<Map<string, IncidentRow>> {
  const rows = await incidentsStore.lockOpenByGroups(em, tenantId, groupKeys);
  return new Map(rows.map((r) => [r.group_key ?? '', r]));
}

function joinedRows(incidentId: string, alerts: NewAlertInGroup[]): TimelineInput[] {
  if (alerts.length <= TIMELINE_DETAIL_LIMIT) {
    return alerts.map((a) => ({
      incidentId,
      event: {
        kind: 'alert_fired',
        data: { count: 1, titles: [a.title], alertIds: [a.id], severity: a.severity },
      },
    }));
  }
  const data = {
    count: alerts.length,
    titles: alerts.slice(0, 5).map((a) => a.title),
    alertIds: alerts.slice(0, 100).map((a) => a.id),
    severity: Math.min(...alerts.map((a) => a.severity)),
  };
  return [{ incidentId, event: { kind: 'alert_fired', data } }];
}

/**
 * Records resolved alerts on their incidents and resolves each incident whose alerts have all resolved
 * (when the incident resolves itself). Returns the ids of incidents resolved now.
 */
export async function alertsResolved(
  em: Em,
  sink: IncidentEventSink,
  actor: Actor,
  byIncident: Map<string, string[]>,
  now: Date,
): Promise<string[]> {
  const ids = [...byIncident.keys()].sort();
  if (ids.length === 0) return [];
  const incidents = await incidentsStore.lockMany(em, actor.tenantId, ids);
  const resolved: string[] = [];
  for (const inc of incidents) {
    const titles = byIncident.get(inc.id) ?? [];
    const rows: TimelineInput[] =
      titles.length <= TIMELINE_DETAIL_LIMIT
        ? titles.map((t) => ({
            incidentId: inc.id,
            event: { kind: 'alert_resolved', data: { count: 1, titles: [t] } },
          }))
        : [
            {
              incidentId: inc.id,
              event: { kind: 'alert_resolved', data: { count: titles.length, titles: titles.slice(0, 5) } },
            },
          ];
    await recordChanges(em, sink, actor, rows, now);
    if (
      inc.status !== 'resolved' &&
      inc.auto_resolve &&
      (await incidentAlertsStore.countFiring(em, actor.tenantId, inc.id)) === 0
    ) {
      await applyTransition(em, sink, actor, inc, 'resolve', now, 'all alerts resolved');
      resolved.push(inc.id);
    }
  }
  return resolved;
}

/** PagerDuty-style acknowledge through an alert: acknowledges its incident when it is triggered. */
export async function acknowledgeThroughAlert(
  em: Em,
  sink: IncidentEventSink,
  actor: Actor,
  incidentId: string,
  now: Date,
): Promise<boolean> {
  const [inc] = await incidentsStore.lockMany(em, actor.tenantId, [incidentId]);
  if (inc?.status !== 'triggered') return false;
  await applyTransition(em, sink, actor, inc, 'acknowledge', now);
  return true;
}

/** Opens the incident of a group whose new alerts found none open (the caller holds the group lock). */
export async function openForGroup(
  em: Em,
  sink: IncidentEventSink,
  actor: Actor,
  groupKey: string,
  source: string,
  alerts: NewAlertInGroup[],
  policy: IngestPolicy,
  now: Date,
): Promise<IncidentRow> {
  const first = alerts[0];
  if (!first) throw new Error('openForGroup needs at least one alert');
  return openIncident(
    em,
    sink,
    actor,
    {
      title: first.title,
      description: first.description,
      service: first.service,
      environment: first.environment,
      severity: Math.min(...alerts.map((a) => a.severity)),
      groupKey,
      source,
      autoResolve: policy.autoResolve,
    },
    'opened',
    now,
    (id) => joinedRows(id, alerts),
  );
}

/**
 * Opens the incidents of several groups whose new alerts found none open (the caller holds the group locks), in
 * the order given, with a constant number of statements. Returns one incident per group, in that order (their
 * rows arrive later on a light transaction: see OpenedIncidents).
 */
export async function openForGroups(
  em: Em,
  sink: IncidentEventSink,
  actor: Actor,
  groups: { groupKey: string; alerts: NewAlertInGroup[] }[],
  source: string,
  policy: IngestPolicy,
  now: Date,
): Promise<OpenedIncidents> {
  const list = groups.map(({ groupKey, alerts }) => {
    const first = alerts[0];
    if (!first) throw new Error('openForGroups needs at least one alert per group');
    return {
      fields: {
        title: first.title,
        description: first.description,
        service: first.service,
        environment: first.environment,
        severity: Math.min(...alerts.map((a) => a.severity)),
        groupKey,
        source,
        autoResolve: policy.autoResolve,
      },
      extra: (id: string) => joinedRows(id, alerts),
    };
  });
  return openIncidents(em, sink, actor, list, 'opened', now);
}

/**
 * Records new alerts that joined open incidents: timeline rows (one statement for all incidents), severity
 * raised to the most urgent alert, and re-triggering of acknowledgements older than the policy's window.
 * Returns the ids of incidents re-triggered.
 */
export async function alertsJoined(
  em: Em,
  sink: IncidentEventSink,
  actor: Actor,
  joined: { incident: IncidentRow; alerts: NewAlertInGroup[] }[],
  policy: IngestPolicy,
  now: Date,
): Promise<string[]> {
  const rows: TimelineInput[] = [];
  const retriggered: string[] = [];
  for (const { incident, alerts } of joined) {
    rows.push(...joinedRows(incident.id, alerts));
    const minSeverity = Math.min(...alerts.map((a) => a.severity));
    if (minSeverity < incident.severity) {
      await incidentsStore.update(em, actor.tenantId, incident.id, { severity: minSeverity }, now);
      rows.push({
        incidentId: incident.id,
        event: {
          kind: 'severity_changed',
          data: { from: incident.severity, to: minSeverity, cause: 'alert' },
        },
      });
    }
  }
  await recordChanges(em, sink, actor, rows, now);
  for (const { incident } of joined) {
    if (shouldRetrigger(incident.status, incident.acknowledged_at, now, policy.retriggerAfterAckMinutes)) {
      await applyTransition(em, sink, actor, incident, 'retrigger', now);
      retriggered.push(incident.id);
    }
  }
  return retriggered;
}
