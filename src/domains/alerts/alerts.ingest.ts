import type { Em } from '../../db/sql.js';
import type { Actor } from '../../shared/actor.js';
import { newId } from '../../shared/ids.js';
import {
  acknowledgeThroughAlert,
  alertsJoined,
  alertsResolved,
  type IncidentEventSink,
  type IngestPolicy,
  lockGroups,
  type NewAlertInGroup,
  openForGroups,
  openIncidentsOf,
} from '../incidents/index.js';
import { alertsStore, type FiringRow } from './alerts.store.js';
import type { AlertSource, NormalizedAlert } from './alerts.types.js';
import { groupKeyFor } from './grouping.calc.js';
import type { IngestionSettings } from './ingestion-settings.js';

export interface IngestResult {
  received: number;
  created: number;
  deduplicated: number;
  resolved: number;
  acknowledged: number;
  incidents: { id: string; number: number; created: boolean }[];
}

/**
 * What `ingestInTx` gives back: a result per request, complete once `complete` resolves — await it after the
 * transaction has committed (what the transaction wrote but did not wait for, such as the numbers of the incidents
 * it opened, arrives with its COMMIT).
 */
export interface IngestOutcome {
  results: IngestResult[];
  complete: Promise<void>;
}

interface Item {
  alert: NormalizedAlert;
  req: number;
}

const push = <K, V>(m: Map<K, V[]>, k: K, v: V) => {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
};

/**
 * Stores the alert events of several webhook requests in the caller's transaction and says, per request,
 * what happened. Locks are taken group by group in one sorted statement before any incident or alert row,
 * so concurrent transactions (and REST actions, which take the same group lock) never deadlock.
 */
export async function ingestInTx(
  em: Em,
  actor: Actor,
  requests: NormalizedAlert[][],
  settings: IngestionSettings,
  now: Date,
  sink: IncidentEventSink,
): Promise<IngestOutcome> {
  const later: Promise<void>[] = [];
  const results: IngestResult[] = requests.map((r) => ({
    received: r.length,
    created: 0,
    deduplicated: 0,
    resolved: 0,
    acknowledged: 0,
    incidents: [],
  }));
  const bySource = new Map<AlertSource, Item[]>();
  requests.forEach((alerts, req) => {
    for (const alert of alerts) push(bySource, alert.source, { alert, req });
  });
  for (const [source, items] of bySource) {
    // The last event per dedup key wins; earlier ones in the same batch are duplicates.
    const last = new Map<string, Item>();
    const events = new Map<string, number>();
    for (const it of items) {
      const prev = last.get(it.alert.dedupKey);
      if (prev) results[prev.req]!.deduplicated++;
      last.set(it.alert.dedupKey, it);
      events.set(it.alert.dedupKey, (events.get(it.alert.dedupKey) ?? 0) + 1);
    }
    const unique = [...last.values()];
    const ctx = { em, sink, actor, source, settings, now, results, events, later };
    const firing = unique.filter((i) => i.alert.action === 'firing');
    const others = unique.filter((i) => i.alert.action !== 'firing');
    const otherGroups = await alertsStore.firingGroupKeys(
      em,
      actor.tenantId,
      source,
      others.map((i) => i.alert.dedupKey),
    );
    const fireGroups = firing.map((i) => groupKeyFor(i.alert, settings.grouping));
    await lockGroups(em, actor.tenantId, [...fireGroups, ...otherGroups], sink);
    await fire(ctx, firing, fireGroups);
    await resolve(
      ctx,
      others.filter((i) => i.alert.action === 'resolved'),
    );
    for (const it of others.filter((i) => i.alert.action === 'acknowledged')) {
      const found = await alertsStore.findFiring(em, actor.tenantId, source, it.alert.dedupKey);
      const acked =
        found?.incident_id && (await acknowledgeThroughAlert(em, sink, actor, found.incident_id, now));
      if (acked) results[it.req]!.acknowledged++;
      else results[it.req]!.deduplicated++;
    }
  }
  const complete = Promise.all(later).then(() => undefined);
  complete.catch(() => {}); // awaited after the transaction; a failed attempt's is never read
  return { results, complete };
}

interface Ctx {
  em: Em;
  sink: IncidentEventSink;
  actor: Actor;
  source: AlertSource;
  settings: IngestionSettings;
  now: Date;
  results: IngestResult[];
  /** How many events of each dedup key this batch carried (each is an occurrence). */
  events: Map<string, number>;
  /** What completes the results once the transaction's answers are in (see IngestOutcome.complete). */
  later: Promise<void>[];
}

function toRow(a: NormalizedAlert, groupKey: string, occurrences: number): FiringRow {
  return {
    id: newId(),
    occurrences,
    source: a.source,
    dedup_key: a.dedupKey,
    title: a.title,
    description: a.description,
    service: a.service,
    environment: a.environment,
    severity: a.severity,
    group_key: groupKey,
    labels: a.labels,
    annotations: a.annotations,
    links: a.links,
    starts_at: a.startsAt?.toISOString() ?? null,
    ends_at: a.endsAt?.toISOString() ?? null,
    raw: a.raw,
  };
}

async function fire(ctx: Ctx, firing: Item[], groupKeys: string[]): Promise<void> {
  if (firing.length === 0) return;
  const { em, sink, actor, now, results } = ctx;
  const rows = firing.map((it, n) => toRow(it.alert, groupKeys[n]!, ctx.events.get(it.alert.dedupKey) ?? 1));
  const byKey = new Map(firing.map((it, n) => [it.alert.dedupKey, { it, row: rows[n]! }]));
  // Both go out together (one round trip on a light transaction): the open incidents are locked first,
  // then the upsert, run after it, puts new alerts into them.
  const [open, upserted] = await Promise.all([
    openIncidentsOf(em, actor.tenantId, [...new Set(groupKeys)]),
    alertsStore.upsertFiring(em, actor.tenantId, rows, now),
  ]);
  const joined = new Map<string, NewAlertInGroup[]>();
  const orphans = new Map<string, { ids: string[]; alerts: NewAlertInGroup[]; reqs: number[] }>();
  // A firing event the upsert left out re-sent an episode that has already resolved: a duplicate.
  const stored = new Set(upserted.map((u) => u.dedup_key));
  for (const it of firing) if (!stored.has(it.alert.dedupKey)) results[it.req]!.deduplicated++;
  for (const u of upserted) {
    const hit = byKey.get(u.dedup_key);
    if (!hit) continue;
    if (!u.inserted) results[hit.it.req]!.deduplicated++;
    else results[hit.it.req]!.created++;
    if (!u.inserted && u.incident_id) continue;
    const r = hit.row;
    const alert = {
      id: u.id,
      title: r.title,
      description: r.description,
      service: r.service,
      environment: r.environment,
      severity: r.severity,
    };
    if (u.incident_id) {
      push(joined, u.incident_id, alert);
      const inc = open.get(u.group_key)!;
      results[hit.it.req]!.incidents.push({ id: inc.id, number: inc.number, created: false });
    } else {
      const o = orphans.get(u.group_key) ?? { ids: [], alerts: [], reqs: [] };
      o.ids.push(u.id);
      o.alerts.push(alert);
      o.reqs.push(hit.it.req);
      orphans.set(u.group_key, o);
    }
  }
  const policy: IngestPolicy = {
    autoResolve: ctx.settings.autoResolve[ctx.source] ?? true,
    retriggerAfterAckMinutes: ctx.settings.retriggerAfterAckMinutes,
  };
  // Every group without an open incident gets one: one statement for all of them, numbered in group-key order.
  const newGroups = [...orphans].sort(([a], [b]) => (a < b ? -1 : 1));
  const opened = await openForGroups(
    em,
    sink,
    actor,
    newGroups.map(([groupKey, o]) => ({ groupKey, alerts: o.alerts })),
    ctx.source,
    policy,
    now,
  );
  await alertsStore.linkMany(
    em,
    actor.tenantId,
    newGroups.map(([, o], n) => ({ incidentId: opened.ids[n]!, alertIds: o.ids })),
  );
  const entries = newGroups.map(([, o], n) => {
    const entry = { id: opened.ids[n]!, number: 0, created: true };
    for (const req of o.reqs) results[req]!.incidents.push(entry);
    return entry;
  });
  // Their numbers arrive with the transaction's COMMIT (or an earlier awaited statement): filled in then.
  if (entries.length)
    ctx.later.push(
      opened.rows.then((rows) => {
        rows.forEach((row, n) => {
          entries[n]!.number = row.number;
        });
      }),
    );
  const incidentsById = new Map([...open.values()].map((i) => [i.id, i]));
  const joinedList = [...joined].map(([id, alerts]) => ({ incident: incidentsById.get(id)!, alerts }));
  if (joinedList.length) await alertsJoined(em, sink, actor, joinedList, policy, now);
  for (const r of results) r.incidents = dedupeIncidents(r.incidents);
}

function dedupeIncidents(list: IngestResult['incidents']): IngestResult['incidents'] {
  const seen = new Map<string, IngestResult['incidents'][number]>();
  for (const i of list) if (!seen.has(i.id) || i.created) seen.set(i.id, i);
  return [...seen.values()];
}

async function resolve(ctx: Ctx, resolved: Item[]): Promise<void> {
  if (resolved.length === 0) return;
  const { em, actor, now, results } = ctx;
  const changed = await alertsStore.resolve(
    em,
    actor.tenantId,
    ctx.source,
    resolved.map((i) => ({ k: i.alert.dedupKey, e: i.alert.endsAt?.toISOString() ?? null })),
    now,
  );
  const reqOf = new Map(resolved.map((i) => [i.alert.dedupKey, i.req]));
  const changedKeys = new Set(changed.map((c) => c.dedup_key));
  for (const i of resolved) {
    if (changedKeys.has(i.alert.dedupKey)) results[i.req]!.resolved++;
    else results[i.req]!.deduplicated++;
  }
  const byIncident = new Map<string, string[]>();
  for (const c of changed)
    if (c.incident_id && reqOf.has(c.dedup_key)) push(byIncident, c.incident_id, c.title);
  await alertsResolved(em, ctx.sink, actor, byIncident, now);
}
