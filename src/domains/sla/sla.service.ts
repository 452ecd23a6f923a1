import type { MikroORM } from '@mikro-orm/postgresql';
import { withEm, withTx } from '../../db/tx.js';
import type { Actor } from '../../shared/actor.js';
import { authorize } from '../../shared/authz.js';
import type { Clock } from '../../shared/clock.js';
import { AppError, parseInput } from '../../shared/errors.js';
import { isUuid, newId } from '../../shared/ids.js';
import { recordAudit } from '../audit/index.js';
import {
  budgetLeft,
  dayOf,
  daysBefore,
  type SlaMetric,
  type SlaWindow,
  trendOf,
  windowAttainment,
  windowStart,
} from './sla.calc.js';
import { definitionDto, snapshotDto, windowLabel } from './sla.mapper.js';
import { type DefinitionRow, slaStore } from './sla.store.js';
import {
  type BudgetLine,
  DEFAULT_ERROR_FILTER,
  type SlaDto,
  type SlaStatus,
  type SnapshotDto,
  slaInputSchema,
  snapshotsQuerySchema,
} from './sla.types.js';
import { sameContent, type VersionContent } from './sla-apply.calc.js';

/** How long a service's budget line is kept for incident cards (a card render reads no snapshots). */
const BUDGET_CACHE_MS = 5 * 60_000;

/**
 * SLA definitions (Gold): each change is a new version closing the one before, never an edit; their daily
 * snapshots (written by the nightly run, see SlaSnapshotter) and what people read of them: attainment over the
 * window, error budget left, trend.
 */
export class SlaService {
  private readonly budgetCache = new Map<
    string,
    { at: number; line: BudgetLine | null; window: SlaWindow | null }
  >();
  /** The latest burn a burn-alert run measured per tenant|service (1 h window), shown on cards. */
  private readonly burns = new Map<string, number>();

  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
  ) {}

  /** Current versions (with their status); `all` lists every version. */
  async list(actor: Actor, opts: { all?: boolean } = {}): Promise<SlaDto[]> {
    authorize(actor, 'sla:read');
    const rows = await withEm(this.orm, { tenantId: actor.tenantId }, (em) =>
      slaStore.list(em, actor.tenantId, !opts.all),
    );
    const statuses = await this.statuses(
      actor.tenantId,
      rows.filter((r) => r.active_to === null),
    );
    return rows.map((r) => ({
      ...definitionDto(r),
      ...(statuses.has(r.id) ? { status: statuses.get(r.id) } : {}),
    }));
  }

  async get(actor: Actor, id: string): Promise<SlaDto> {
    authorize(actor, 'sla:read');
    const row = await withEm(this.orm, { tenantId: actor.tenantId }, (em) =>
      this.load(em, actor.tenantId, id),
    );
    const statuses = await this.statuses(actor.tenantId, [row]);
    return { ...definitionDto(row), ...(statuses.has(row.id) ? { status: statuses.get(row.id) } : {}) };
  }

  /**
   * Defines a service's SLA on a metric, or changes it: the open version is closed at the new one's start and the
   * new one takes the next version number. Answers the new version and whether it created the SLA.
   */
  async create(actor: Actor, input: unknown): Promise<{ sla: SlaDto; created: boolean }> {
    authorize(actor, 'sla:write');
    const p = parseInput(slaInputSchema, input, 'The SLA is not valid.');
    const now = this.clock.now();
    const from = p.activeFrom ? new Date(p.activeFrom) : now;
    return withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const open = await slaStore.openFor(em, actor.tenantId, p.service, p.metric);
      if (open && new Date(open.active_from).getTime() >= from.getTime())
        throw AppError.conflict(
          `Version ${open.version} of this SLA starts at ${new Date(open.active_from).toISOString()}; a new version must start after it.`,
        );
      if (open) await slaStore.close(em, actor.tenantId, open.id, from);
      const row = await slaStore.insert(em, actor.tenantId, {
        id: newId(),
        definition_key: open?.definition_key ?? newId(),
        version: (open?.version ?? 0) + 1,
        service: p.service,
        metric: p.metric,
        target: p.target,
        time_window: p.window,
        threshold_ms: p.thresholdMs ?? null,
        metric_name: p.metricName,
        error_filter: p.errorFilter ?? { ...DEFAULT_ERROR_FILTER },
        active_from: from,
        created_at: now,
        created_by: actor.name,
      });
      if (!row) throw new Error('the SLA was not stored');
      await recordAudit(
        em,
        actor,
        {
          action: open ? 'sla.versioned' : 'sla.created',
          targetType: 'sla',
          targetId: row.id,
          data: { service: row.service, metric: row.metric, target: p.target, version: row.version },
        },
        now,
      );
      this.budgetCache.delete(`${actor.tenantId}|${p.service}`);
      return { sla: definitionDto(row), created: !open };
    });
  }

  /**
   * `opswatch apply`: the SLA as declared becomes a new version only when it says something the open version does
   * not (target, window, threshold, metric name, error filter); the same declaration again changes nothing.
   */
  async apply(
    actor: Actor,
    input: unknown,
  ): Promise<{ sla: SlaDto; outcome: 'created' | 'updated' | 'unchanged' }> {
    authorize(actor, 'sla:write');
    const p = parseInput(slaInputSchema, input, 'The SLA is not valid.');
    const open = await withEm(this.orm, { tenantId: actor.tenantId }, async (em) =>
      (await slaStore.list(em, actor.tenantId, true)).find(
        (d) => d.service === p.service && d.metric === p.metric,
      ),
    );
    if (open && sameContent(contentOf(open), p)) return { sla: definitionDto(open), outcome: 'unchanged' };
    const { sla, created } = await this.create(actor, p);
    return { sla, outcome: created ? 'created' : 'updated' };
  }

  /** Snapshots of an SLA (all its versions) between two days (default: the last 30). */
  async snapshots(actor: Actor, id: string, input: unknown): Promise<SnapshotDto[]> {
    authorize(actor, 'sla:read');
    const q = parseInput(snapshotsQuerySchema, input, 'The range is not valid.');
    const today = dayOf(this.clock.now());
    const to = q.to ?? today;
    const from = q.from ?? daysBefore(to, 30);
    if (from > to)
      throw AppError.validation('from must be on or before to.', [{ field: 'from', message: 'after to' }]);
    return withEm(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const def = await this.load(em, actor.tenantId, id);
      const rows = await slaStore.snapshots(em, actor.tenantId, def.definition_key, from, to);
      return rows.map(snapshotDto);
    });
  }

  /**
   * The error budget line of a service's card ("Error budget 38% left (30 d), burning 6.2×"): its tightest SLA's,
   * from snapshots, cached for a few minutes per service so a card render costs no query most of the time.
   */
  async budgetLine(tenantId: string, service: string): Promise<BudgetLine | null> {
    const key = `${tenantId}|${service}`;
    const now = this.clock.now().getTime();
    let hit = this.budgetCache.get(key);
    if (!hit || now - hit.at >= BUDGET_CACHE_MS) {
      const rows = await withEm(this.orm, { tenantId }, (em) => slaStore.list(em, tenantId, true));
      const mine = rows.filter((r) => r.service === service);
      const statuses = await this.statuses(tenantId, mine);
      let line: BudgetLine | null = null;
      for (const r of mine) {
        const s = statuses.get(r.id);
        if (!s || s.budgetLeft === null) continue;
        if (line && line.budgetLeft <= s.budgetLeft) continue;
        line = {
          service,
          budgetLeft: s.budgetLeft,
          window: definitionDto(r).window,
          burn: s.burn ?? 0,
          text: '',
        };
      }
      const first = mine[0];
      hit = { at: now, line, window: first ? definitionDto(first).window : null };
      this.budgetCache.set(key, hit);
    }
    const measured = this.burns.get(key);
    const { line, window } = hit;
    if (!line) {
      // No snapshot yet (a new SLA): the burn a burn-alert run measured is still worth showing.
      if (measured === undefined || !window) return null;
      return {
        service,
        budgetLeft: 100,
        window,
        burn: measured,
        text: `Error budget: first snapshot after its first whole day (${windowLabel(window)}), burning ${measured.toFixed(1)}×`,
      };
    }
    const burn = measured ?? line.burn;
    return {
      ...line,
      burn,
      text: `Error budget ${Math.round(line.budgetLeft)}% left (${windowLabel(line.window)}), burning ${burn.toFixed(1)}×`,
    };
  }

  /** The burn the latest burn-alert run measured (cards show it rather than yesterday's). */
  noteBurn(tenantId: string, service: string, burn: number): void {
    this.burns.set(`${tenantId}|${service}`, burn);
  }

  /** Attainment over the window so far, budget left, last day's burn and the 7-day trend of current versions. */
  async statuses(tenantId: string, defs: readonly DefinitionRow[]): Promise<Map<string, SlaStatus>> {
    const out = new Map<string, SlaStatus>();
    if (defs.length === 0) return out;
    const today = dayOf(this.clock.now());
    const yesterday = daysBefore(today, 1);
    const earliest = defs
      .map((d) => windowStart(d.time_window as '30d', yesterday))
      .reduce((a, b) => (a < b ? a : b), daysBefore(yesterday, 13));
    const snaps = await withEm(this.orm, { tenantId }, (em) =>
      slaStore.snapshotsOf(
        em,
        tenantId,
        [...new Set(defs.map((d) => d.definition_key))],
        earliest,
        yesterday,
      ),
    );
    for (const d of defs) {
      const mine = snaps.filter((s) => s.definition_key === d.definition_key);
      const start = windowStart(d.time_window as '30d', yesterday);
      const metric = d.metric as SlaMetric;
      const figures = (from: string, to: string) =>
        mine
          .filter((s) => s.day >= from && s.day <= to)
          .map((s) => ({
            day: s.day,
            uptimePct: s.uptime_pct,
            totalEvents: Number(s.total_events),
            maintenanceMinutes: s.maintenance_minutes,
          }));
      const att = windowAttainment(metric, figures(start, yesterday));
      const recent = windowAttainment(metric, figures(daysBefore(yesterday, 6), yesterday));
      const before = windowAttainment(metric, figures(daysBefore(yesterday, 13), daysBefore(yesterday, 7)));
      const last = mine.at(-1);
      out.set(d.id, {
        attainment: att,
        budgetLeft: att === null ? null : budgetLeft(att, Number(d.target)),
        burn: last ? last.budget_burn : null,
        trend: trendOf(recent, before),
        lastSnapshot: last?.day ?? null,
      });
    }
    return out;
  }

  private async load(
    em: Parameters<typeof slaStore.byId>[0],
    tenantId: string,
    id: string,
  ): Promise<DefinitionRow> {
    const row = isUuid(id) ? await slaStore.byId(em, tenantId, id) : undefined;
    if (!row) throw AppError.notFound(`The SLA ${id}`);
    return row;
  }
}

const contentOf = (r: DefinitionRow): VersionContent => ({
  target: Number(r.target),
  window: r.time_window,
  thresholdMs: r.threshold_ms === null ? null : Number(r.threshold_ms),
  metricName: r.metric_name,
  errorFilter: r.error_filter as Record<string, string>,
});
