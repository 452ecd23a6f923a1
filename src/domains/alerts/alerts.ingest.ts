import type { Em } from '../../db/sql.js';
import type { Actor } from '../../shared/actor.js';
import { newId } from '../../shared/ids.js';
import type {
  AlertGroupChange,
  IncidentIngestPort,
  IngestPolicy,
  LockedGroups,
  NewAlertInGroup,
} from '../incidents/index.js';
import { alertsStore, type FiringRow, type UpsertedRow } from './alerts.store.js';
import type { IngestSource, NormalizedAlert } from './alerts.types.js';
import { groupKeyFor } from './grouping.calc.js';
import type { IngestionSettings } from './ingestion-settings.js';
import type { OpenIncidentHints } from './open-incident-hints.js';

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

/** A group's new alerts in this batch: who sent them, and which of them are not (or not rightly) linked yet. */
interface GroupFired {
  alerts: NewAlertInGroup[];
  reqs: number[];
  unlinked: string[];
}

/**
 * Stores the alert events of several webhook requests in the caller's transaction and says, per request,
 * what happened. The incidents' port locks every group touched in one sorted statement before any alert row
 * is written (so concurrent transactions, and REST actions, which take the same group lock, never deadlock),
 * then hears, in one call, what the alerts did to their groups.
 */
export async function ingestInTx(
  em: Em,
  actor: Actor,
  requests: NormalizedAlert[][],
  settings: IngestionSettings,
  now: Date,
  incidents: IncidentIngestPort,
  hints: OpenIncidentHints,
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
  const bySource = new Map<IngestSource, Item[]>();
  requests.forEach((alerts, req) => {
    for (const alert of alerts) push(bySource, alert.source, { alert, req });
  });
  for (const [source, items] of bySource) {
    await ingestSource({ em, actor, source, settings, now, results, incidents, hints, later }, items);
  }
  for (const r of results) r.incidents = dedupeIncidents(r.incidents);
  const complete = Promise.all(later).then(() => undefined);
  complete.catch(() => {}); // awaited after the transaction; a failed attempt's is never read
  return { results, complete };
}

interface Ctx {
  em: Em;
  actor: Actor;
  source: IngestSource;
  settings: IngestionSettings;
  now: Date;
  results: IngestResult[];
  incidents: IncidentIngestPort;
  hints: OpenIncidentHints;
  /** What completes the results once the transaction's answers are in (see IngestOutcome.complete). */
  later: Promise<void>[];
}

async function ingestSource(ctx: Ctx, items: Item[]): Promise<void> {
  const { em, actor, source, results } = ctx;
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
  const firing = unique.filter((i) => i.alert.action === 'firing');
  const others = unique.filter((i) => i.alert.action !== 'firing');
  const otherGroups = await alertsStore.firingGroupKeys(
    em,
    actor.tenantId,
    source,
    others.map((i) => i.alert.dedupKey),
  );
  const fireGroups = firing.map((i) => groupKeyFor(i.alert, ctx.settings.grouping));
  // The locks and the open incidents' read go out first, the upsert (joining new alerts to the incidents this
  // process saw open) in the same write; the guesses are checked against the answer below.
  const locking = ctx.incidents.lockGroups(em, actor.tenantId, [...fireGroups, ...otherGroups]);
  const upserting = upsert(ctx, firing, fireGroups, events);
  const [groups, stored] = await Promise.all([locking, upserting]);
  const fired = collectFired(ctx, groups, stored);
  for (const key of new Set(fireGroups)) ctx.hints.set(actor.tenantId, key, groups.open(key)?.id);

  const resolved = await resolve(
    ctx,
    others.filter((i) => i.alert.action === 'resolved'),
  );
  const acks = others.filter((i) => i.alert.action === 'acknowledged');
  const ackIncidents = await alertsStore.firingIncidents(
    em,
    actor.tenantId,
    source,
    acks.map((i) => i.alert.dedupKey),
  );

  const policy: IngestPolicy = {
    autoResolve: ctx.settings.autoResolve[source] ?? true,
    retriggerAfterAckMinutes: ctx.settings.retriggerAfterAckMinutes,
  };
  const firedGroups = [...fired];
  const ackedItems = acks.filter((i) => ackIncidents.has(i.alert.dedupKey));
  for (const it of acks) if (!ackIncidents.has(it.alert.dedupKey)) results[it.req]!.deduplicated++;
  const changes: AlertGroupChange[] = [
    ...firedGroups.map(
      ([groupKey, g]): AlertGroupChange => ({ kind: 'fired', groupKey, source, policy, alerts: g.alerts }),
    ),
    ...resolved,
    ...ackedItems.map(
      (it): AlertGroupChange => ({ kind: 'acknowledged', incidentId: ackIncidents.get(it.alert.dedupKey)! }),
    ),
  ];
  if (changes.length === 0) return;
  const { outcomes, numbered } = await ctx.incidents.apply(em, actor, groups, changes, ctx.now);

  // The new alerts of every group go to its incident (opened now, or open but not the one guessed): one statement.
  const links: { incidentId: string; alertIds: string[] }[] = [];
  const opened: { entry: IngestResult['incidents'][number]; ref: { number: number } }[] = [];
  for (const [n, [groupKey, g]] of firedGroups.entries()) {
    const outcome = outcomes[n];
    if (outcome?.kind !== 'fired') throw new Error('the incidents port answered a fired group out of order');
    if (g.unlinked.length) links.push({ incidentId: outcome.incident.id, alertIds: g.unlinked });
    const { id, number } = outcome.incident;
    if (outcome.created) ctx.hints.set(actor.tenantId, groupKey, id);
    const entry = { id, number, created: outcome.created };
    if (outcome.created) opened.push({ entry, ref: outcome.incident });
    for (const req of g.reqs) results[req]!.incidents.push(entry);
  }
  await alertsStore.linkMany(em, actor.tenantId, links);
  // The opened incidents' numbers arrive with the transaction's COMMIT: filled into the results then.
  if (opened.length)
    ctx.later.push(
      numbered.then(() => {
        for (const { entry, ref } of opened) entry.number = ref.number;
      }),
    );
  const ackOutcomes = outcomes.slice(firedGroups.length + resolved.length);
  for (const [n, it] of ackedItems.entries()) {
    const outcome = ackOutcomes[n];
    if (outcome?.kind === 'acknowledged' && outcome.acknowledged) results[it.req]!.acknowledged++;
    else results[it.req]!.deduplicated++;
  }
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

interface Stored {
  firing: Item[];
  rows: FiringRow[];
  upserted: UpsertedRow[];
}

/** Upserts the firing events; a new alert joins the incident this process last saw open in its group. */
async function upsert(
  ctx: Ctx,
  firing: Item[],
  groupKeys: string[],
  events: Map<string, number>,
): Promise<Stored> {
  if (firing.length === 0) return { firing, rows: [], upserted: [] };
  const { em, actor, now } = ctx;
  const rows = firing.map((it, n) => toRow(it.alert, groupKeys[n]!, events.get(it.alert.dedupKey) ?? 1));
  const guesses: Record<string, string> = {};
  for (const key of new Set(groupKeys)) {
    const id = ctx.hints.get(actor.tenantId, key);
    if (id) guesses[key] = id;
  }
  const upserted = await alertsStore.upsertFiring(em, actor.tenantId, rows, guesses, now);
  return { firing, rows, upserted };
}

/**
 * Counts what the upsert did and collects, per group, the alerts that are new to it: those the incident
 * records. A new alert whose guessed incident is not the group's open one (as locked) is relinked.
 */
function collectFired(
  ctx: Ctx,
  groups: LockedGroups,
  { firing, rows, upserted }: Stored,
): Map<string, GroupFired> {
  const out = new Map<string, GroupFired>();
  const { results } = ctx;
  const byKey = new Map(firing.map((it, n) => [it.alert.dedupKey, { it, row: rows[n]! }]));
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
    let g = out.get(u.group_key);
    if (!g) {
      g = { alerts: [], reqs: [], unlinked: [] };
      out.set(u.group_key, g);
    }
    g.alerts.push({
      id: u.id,
      title: r.title,
      description: r.description,
      service: r.service,
      environment: r.environment,
      severity: r.severity,
    });
    g.reqs.push(hit.it.req);
    if (!u.incident_id || u.incident_id !== groups.open(u.group_key)?.id) g.unlinked.push(u.id);
  }
  return out;
}

function dedupeIncidents(list: IngestResult['incidents']): IngestResult['incidents'] {
  const seen = new Map<string, IngestResult['incidents'][number]>();
  for (const i of list) if (!seen.has(i.id) || i.created) seen.set(i.id, i);
  return [...seen.values()];
}

/** Ends the resolved episodes; one change per incident they belonged to, with what still fires in it. */
async function resolve(ctx: Ctx, resolved: Item[]): Promise<AlertGroupChange[]> {
  if (resolved.length === 0) return [];
  const { em, actor, now, results } = ctx;
  const changed = await alertsStore.resolve(
    em,
    actor.tenantId,
    ctx.source,
    resolved.map((i) => ({ k: i.alert.dedupKey, e: i.alert.endsAt?.toISOString() ?? null })),
    now,
  );
  const changedKeys = new Set(changed.map((c) => c.dedup_key));
  for (const i of resolved) {
    if (changedKeys.has(i.alert.dedupKey)) results[i.req]!.resolved++;
    else results[i.req]!.deduplicated++;
  }
  const byIncident = new Map<string, string[]>();
  for (const c of changed) if (c.incident_id) push(byIncident, c.incident_id, c.title);
  const ids = [...byIncident.keys()].sort();
  const counts = await alertsStore.counts(em, actor.tenantId, ids);
  return ids.map((incidentId) => ({
    kind: 'resolved',
    incidentId,
    titles: byIncident.get(incidentId)!,
    stillFiring: counts.get(incidentId)?.firing ?? 0,
  }));
}
