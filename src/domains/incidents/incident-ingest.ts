import { command, type Em, sql } from '../../db/sql.js';
import type { Actor } from '../../shared/actor.js';
import type { IncidentAlertsPort } from './incident-alerts.port.js';
import type { IncidentEventSink } from './incident-events.js';
import type {
  AlertGroupChange,
  AppliedChanges,
  GroupOutcome,
  IncidentIngestPort,
  IncidentRef,
  IngestPolicy,
  LockedGroups,
  NewAlertInGroup,
} from './incident-ingest.port.js';
import { applyTransition, openIncidents, recordChanges } from './incident-lifecycle.js';
import { type IncidentRow, incidentsStore, type TimelineInput } from './incidents.store.js';
import { shouldRetrigger } from './transitions.calc.js';

/** Above this many alerts joining at once, the timeline gets one summary row instead of one per alert. */
const TIMELINE_DETAIL_LIMIT = 20;

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

function resolvedRows(incidentId: string, titles: string[]): TimelineInput[] {
  if (titles.length <= TIMELINE_DETAIL_LIMIT)
    return titles.map((t) => ({
      incidentId,
      event: { kind: 'alert_resolved', data: { count: 1, titles: [t] } },
    }));
  return [
    {
      incidentId,
      event: { kind: 'alert_resolved', data: { count: titles.length, titles: titles.slice(0, 5) } },
    },
  ];
}

/** The groups an ingest transaction has locked, with their open incidents' rows (the port's own handle). */
class Locked implements LockedGroups {
  constructor(
    readonly tenantId: string,
    readonly rows: Map<string, IncidentRow>,
  ) {}

  open(groupKey: string): IncidentRef | undefined {
    const row = this.rows.get(groupKey);
    return row && { id: row.id, number: row.number };
  }
}

/**
 * Each group's open incident: the one whose own group it is, else the one an incident of the group was merged into
 * (only one of them is open at a time: a merge moves the group to its target, and the group's alerts join it while
 * it is open).
 */
export function openByGroup(
  groupKeys: readonly string[],
  rows: readonly IncidentRow[],
): Map<string, IncidentRow> {
  const out = new Map<string, IncidentRow>();
  const wanted = new Set(groupKeys);
  for (const r of rows)
    for (const k of r.merged_group_keys ?? []) if (wanted.has(k) && !out.has(k)) out.set(k, r);
  for (const r of rows) if (r.group_key !== null && wanted.has(r.group_key)) out.set(r.group_key, r);
  return out;
}

type Fired = Extract<AlertGroupChange, { kind: 'fired' }>;
type FiredOutcome = Extract<GroupOutcome, { kind: 'fired' }>;

/** The incidents domain's side of alert ingestion (see IncidentIngestPort). */
export class IncidentIngest implements IncidentIngestPort {
  constructor(
    private readonly sink: IncidentEventSink,
    private readonly alerts: IncidentAlertsPort,
  ) {}

  /**
   * Both statements are sent before this returns (the lock first), so on a light transaction they leave in
   * one write with whatever the caller sends next, and run after it in order, under the locks.
   */
  async lockGroups(em: Em, tenantId: string, groupKeys: string[]): Promise<LockedGroups> {
    const keys = [...new Set(groupKeys)];
    const [, rows] = await Promise.all([
      lockGroups(em, tenantId, keys, this.sink),
      incidentsStore.lockOpenByGroups(em, tenantId, keys),
    ]);
    return new Locked(tenantId, openByGroup(keys, rows));
  }

  async refs(em: Em, tenantId: string, incidentIds: string[]): Promise<Map<string, IncidentRef>> {
    const rows = await incidentsStore.numbers(em, tenantId, [...new Set(incidentIds)]);
    return new Map(rows.map((r) => [r.id, r]));
  }

  /**
   * Fired changes first (new incidents in group key order, in one statement, then one timeline insert for every
   * joined alert, then re-triggers), then resolved ones, then acknowledgements: the order the events' effects
   * build on.
   */
  async apply(
    em: Em,
    actor: Actor,
    groups: LockedGroups,
    changes: AlertGroupChange[],
    now: Date,
  ): Promise<AppliedChanges> {
    if (!(groups instanceof Locked) || groups.tenantId !== actor.tenantId)
      throw new Error('IncidentIngest.apply needs the groups its lockGroups locked for this tenant');
    const out: GroupOutcome[] = new Array(changes.length);
    const fired = changes.flatMap((c, n) => (c.kind === 'fired' ? [{ c, n }] : []));
    const newGroups = fired
      .filter(({ c }) => !groups.rows.has(c.groupKey))
      .sort((x, y) => (x.c.groupKey < y.c.groupKey ? -1 : 1));
    const opened = await this.openForGroups(
      em,
      actor,
      newGroups.map(({ c }) => c),
      now,
    );
    newGroups.forEach(({ n }, i) => {
      out[n] = opened.outcomes[i]!;
    });
    const joined = fired.filter(({ c }) => groups.rows.has(c.groupKey));
    const joinedOut = await this.alertsJoined(
      em,
      actor,
      joined.map(({ c }) => ({ incident: groups.rows.get(c.groupKey)!, change: c })),
      now,
    );
    joined.forEach(({ n }, i) => {
      out[n] = joinedOut[i]!;
    });
    const touched = changes.flatMap((c) => (c.kind === 'fired' ? [] : [c.incidentId]));
    if (touched.length) {
      const locked = await incidentsStore.lockMany(em, actor.tenantId, [...new Set(touched)].sort());
      const byId = new Map(locked.map((r) => [r.id, r]));
      await this.alertsResolved(em, actor, byId, changes, out, now);
      for (const [n, c] of changes.entries()) {
        if (c.kind !== 'acknowledged') continue;
        const inc = byId.get(c.incidentId);
        const acknowledged = inc?.status === 'triggered';
        if (inc && acknowledged)
          byId.set(inc.id, await applyTransition(em, this.sink, this.alerts, actor, inc, 'acknowledge', now));
        out[n] = { kind: 'acknowledged', incidentId: c.incidentId, acknowledged };
      }
    }
    return { outcomes: out, numbered: opened.numbered };
  }

  /**
   * Opens the incidents of the groups whose new alerts found none open (the caller holds the group locks), in
   * the order given: one insert for all of them, their numbers reserved in it (see `openIncidents`). Their
   * outcomes get their numbers when `numbered` resolves.
   */
  private async openForGroups(
    em: Em,
    actor: Actor,
    changes: Fired[],
    now: Date,
  ): Promise<{ outcomes: FiredOutcome[]; numbered: Promise<void> }> {
    if (changes.length === 0) return { outcomes: [], numbered: Promise.resolve() };
    const list = changes.map((c) => {
      const first = c.alerts[0];
      if (!first) throw new Error('a fired change needs at least one alert');
      return {
        fields: {
          title: first.title,
          description: first.description,
          service: first.service,
          environment: first.environment,
          severity: Math.min(...c.alerts.map((a) => a.severity)),
          groupKey: c.groupKey,
          source: c.source,
          autoResolve: c.policy.autoResolve,
        },
        id: c.incidentId,
        extra: (id: string) => joinedRows(id, c.alerts),
      };
    });
    const opened = await openIncidents(em, this.sink, actor, list, 'opened', now);
    const outcomes: FiredOutcome[] = opened.ids.map((id) => ({
      kind: 'fired',
      incident: { id, number: 0 },
      created: true,
      retriggered: false,
    }));
    const numbered = opened.rows.then((rows) => {
      rows.forEach((row, i) => {
        outcomes[i]!.incident.number = row.number;
      });
    });
    numbered.catch(() => {}); // read (and thrown) by whoever awaits it, after the transaction
    return { outcomes, numbered };
  }

  /**
   * Records new alerts that joined open incidents: timeline rows (one statement for all incidents), severity
   * raised to the most urgent alert, and re-triggering of acknowledgements older than the policy's window.
   */
  private async alertsJoined(
    em: Em,
    actor: Actor,
    joined: { incident: IncidentRow; change: Fired }[],
    now: Date,
  ): Promise<FiredOutcome[]> {
    const rows: TimelineInput[] = [];
    for (const { incident, change } of joined) {
      rows.push(...joinedRows(incident.id, change.alerts));
      const minSeverity = Math.min(...change.alerts.map((a) => a.severity));
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
    await recordChanges(em, this.sink, actor, rows, now);
    const out: FiredOutcome[] = [];
    const retriggered = new Set<string>();
    for (const { incident, change } of joined) {
      const policy: IngestPolicy = change.policy;
      const again =
        !retriggered.has(incident.id) &&
        shouldRetrigger(incident.status, incident.acknowledged_at, now, policy.retriggerAfterAckMinutes);
      if (again) {
        await applyTransition(em, this.sink, this.alerts, actor, incident, 'retrigger', now);
        retriggered.add(incident.id);
      }
      const ref = { id: incident.id, number: incident.number };
      out.push({ kind: 'fired', incident: ref, created: false, retriggered: again });
    }
    return out;
  }

  /**
   * Records resolved alerts on their incidents and resolves each incident whose alerts have all resolved
   * (when the incident resolves itself).
   */
  private async alertsResolved(
    em: Em,
    actor: Actor,
    byId: Map<string, IncidentRow>,
    changes: AlertGroupChange[],
    out: GroupOutcome[],
    now: Date,
  ): Promise<void> {
    for (const [n, c] of changes.entries()) {
      if (c.kind !== 'resolved') continue;
      const inc = byId.get(c.incidentId);
      if (!inc) {
        out[n] = { kind: 'resolved', incidentId: c.incidentId, resolved: false };
        continue;
      }
      await recordChanges(em, this.sink, actor, resolvedRows(inc.id, c.titles), now);
      const resolve = inc.status !== 'resolved' && inc.auto_resolve && c.stillFiring === 0;
      if (resolve)
        byId.set(
          inc.id,
          await applyTransition(
            em,
            this.sink,
            this.alerts,
            actor,
            inc,
            'resolve',
            now,
            'all alerts resolved',
          ),
        );
      out[n] = { kind: 'resolved', incidentId: c.incidentId, resolved: resolve };
    }
  }
}
