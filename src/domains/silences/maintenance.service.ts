import type { MikroORM } from '@mikro-orm/postgresql';
import type { Em } from '../../db/sql.js';
import { withEm, withTx } from '../../db/tx.js';
import type { Actor } from '../../shared/actor.js';
import { authorize } from '../../shared/authz.js';
import type { Clock } from '../../shared/clock.js';
import { AppError, parseInput } from '../../shared/errors.js';
import { isUuid, newId } from '../../shared/ids.js';
import { withoutHash } from '../../shared/slack-channel.js';
import { recordAudit } from '../audit/index.js';
import type { ChannelRoutes, NewOutboxRow } from '../notify/index.js';
import { activeOccurrence, occurrencesBetween } from './maintenance.calc.js';
import type { Silencer } from './silencer.js';
import type { HoldsEnder } from './silences.service.js';
import { silencesStore, type WindowRow } from './silences.store.js';
import { type WindowDto, windowInputSchema } from './silences.types.js';

/** Announcements are looked for this far back (a worker that was down announces an end it missed). */
const LOOKBACK_MS = 3_600_000;

export interface MaintenanceDeps {
  orm: MikroORM;
  clock: Clock;
  silencer: Silencer;
  endHolds: HoldsEnder;
  /** The services' Slack channels (routing's own source), and SLACK_DEFAULT_CHANNEL. */
  channels: ChannelRoutes;
  defaultChannel: string | null;
  enqueue: (em: Em, rows: readonly NewOutboxRow[]) => Promise<void>;
}

/** JSON with keys sorted (jsonb keeps its own key order), to tell an unchanged rule. */
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1)))
      : x,
  );

export type UpsertOutcome = 'created' | 'updated' | 'unchanged';

const toDto = (r: WindowRow, now: Date): WindowDto => {
  const spec = { rule: r.rule, timeZone: r.time_zone };
  const active = activeOccurrence(spec, now);
  const next = active ?? occurrencesBetween(spec, now, new Date(now.getTime() + 366 * 86_400_000))[0] ?? null;
  return {
    id: r.id,
    service: r.service,
    name: r.name,
    timeZone: r.time_zone,
    rule: r.rule,
    active: active !== null,
    current: next && { startsAt: next.start.toISOString(), endsAt: next.end.toISOString() },
    createdBy: r.created_by,
    createdAt: new Date(r.created_at).toISOString(),
  };
};

/**
 * Maintenance windows per service: while one is under way, the service's alerts are held back exactly as by a
 * silence; the start and the end of each occurrence are announced in the service's Slack channel (once, however
 * many workers tick). `maintenanceMinutes` (maintenance.calc.ts) gives the minutes they cover in a range.
 */
export class MaintenanceService {
  constructor(private readonly d: MaintenanceDeps) {}

  async list(actor: Actor): Promise<WindowDto[]> {
    authorize(actor, 'silence:read');
    const rows = await withEm(this.d.orm, { tenantId: actor.tenantId }, (em) =>
      silencesStore.windows(em, actor.tenantId),
    );
    const now = this.d.clock.now();
    return rows.map((r) => toDto(r, now));
  }

  async get(actor: Actor, id: string): Promise<WindowDto> {
    authorize(actor, 'silence:read');
    const row = await withEm(this.d.orm, { tenantId: actor.tenantId }, (em) =>
      this.load(em, actor.tenantId, id),
    );
    return toDto(row, this.d.clock.now());
  }

  async create(actor: Actor, input: unknown): Promise<WindowDto> {
    return (await this.write(actor, input, false)).window;
  }

  /** Creates the window of this service and name, or replaces its rule (`opswatch apply`). */
  upsertByName(actor: Actor, input: unknown): Promise<{ outcome: UpsertOutcome; window: WindowDto }> {
    return this.write(actor, input, true);
  }

  async remove(actor: Actor, id: string): Promise<void> {
    authorize(actor, 'maintenance:write');
    const now = this.d.clock.now();
    await withTx(this.d.orm, { tenantId: actor.tenantId }, async (em) => {
      const row = await this.load(em, actor.tenantId, id);
      await silencesStore.deleteWindow(em, actor.tenantId, row.id, now);
      await this.d.endHolds(em, actor.tenantId, { windowId: row.id }, now);
      await this.audit(em, actor, 'maintenance_window.deleted', row);
    });
    this.d.silencer.invalidate(actor.tenantId);
  }

  private async write(
    actor: Actor,
    input: unknown,
    byName: boolean,
  ): Promise<{ outcome: UpsertOutcome; window: WindowDto }> {
    authorize(actor, 'maintenance:write');
    const data = parseInput(windowInputSchema, input, 'The maintenance window is not valid.');
    const now = this.d.clock.now();
    const result = await withTx(this.d.orm, { tenantId: actor.tenantId }, async (em) => {
      const before = byName
        ? await silencesStore.windowByName(em, actor.tenantId, data.service, data.name)
        : undefined;
      if (before) {
        if (before.time_zone === data.timeZone && canonical(before.rule) === canonical(data.rule))
          return { outcome: 'unchanged' as const, row: before };
        const row = await silencesStore.updateWindow(em, actor.tenantId, before.id, data, now);
        if (!row) throw AppError.notFound(`Maintenance window ${before.id}`);
        await this.d.endHolds(em, actor.tenantId, { windowId: row.id }, now);
        await this.audit(em, actor, 'maintenance_window.updated', row);
        return { outcome: 'updated' as const, row };
      }
      const row = await silencesStore.insertWindow(
        em,
        actor.tenantId,
        { id: newId(), ...data, createdBy: actor.name },
        now,
      );
      if (!row) throw new Error('the maintenance window was not stored');
      await this.audit(em, actor, 'maintenance_window.created', row);
      return { outcome: 'created' as const, row };
    });
    this.d.silencer.invalidate(actor.tenantId);
    return { outcome: result.outcome, window: toDto(result.row, now) };
  }

  /**
   * The engine's module: announces, once, each occurrence that has started (and is under way) or has ended within
   * the last hour, in its service's channel, through the outbox. One worker at a time (an advisory lock); the
   * announcements' primary key and the outbox keys make a second run, or a second worker, announce nothing more.
   */
  async announce(now: Date): Promise<{ announced: number }> {
    return withTx(this.d.orm, 'system', async (em) => {
      if (!(await silencesStore.announceLock(em))) return { announced: 0 };
      const windows = await silencesStore.allWindows(em);
      const since = new Date(now.getTime() - LOOKBACK_MS);
      const wanted: {
        tenantId: string;
        windowId: string;
        occurrenceStart: string;
        phase: 'started' | 'ended';
      }[] = [];
      const byKey = new Map<string, { w: (typeof windows)[number]; start: Date; end: Date }>();
      for (const w of windows) {
        const created = new Date(w.created_at).getTime();
        for (const o of occurrencesBetween(
          { rule: w.rule, timeZone: w.time_zone },
          since,
          new Date(now.getTime() + 1),
        )) {
          if (o.end.getTime() <= created) continue;
          const phase = o.end <= now ? 'ended' : o.start <= now ? 'started' : null;
          if (!phase) continue;
          const occurrenceStart = o.start.toISOString();
          wanted.push({ tenantId: w.tenant_id, windowId: w.id, occurrenceStart, phase });
          byKey.set(`${w.id}|${occurrenceStart}|${phase}`, { w, start: o.start, end: o.end });
        }
      }
      const claimed = await silencesStore.claimAnnouncements(em, wanted, now);
      const rows: NewOutboxRow[] = [];
      for (const c of claimed) {
        const start = new Date(c.occurrence_start).toISOString();
        const hit = byKey.get(`${c.window_id}|${start}|${c.phase}`);
        if (!hit) continue;
        const channel = await this.channelOf(em, hit.w.tenant_id, hit.w.service);
        if (!channel) continue;
        rows.push({
          tenantId: hit.w.tenant_id,
          incidentId: null,
          destination: 'slack.post',
          lane: channel,
          payload: {
            type: 'maintenance',
            phase: c.phase === 'ended' ? 'ended' : 'started',
            service: hit.w.service,
            name: hit.w.name,
            timeZone: hit.w.time_zone,
            startsAt: hit.start.toISOString(),
            endsAt: hit.end.toISOString(),
          },
          key: `maintenance:${c.window_id}:${start}:${c.phase}`,
        });
      }
      await this.d.enqueue(em, rows);
      await silencesStore.pruneAnnouncements(em, new Date(now.getTime() - 30 * 86_400_000));
      return { announced: rows.length };
    });
  }

  private async channelOf(em: Em, tenantId: string, service: string): Promise<string | null> {
    const routed = await silencesStore.channelOf(em, this.d.channels.channels(tenantId), service);
    const channel = routed ?? this.d.defaultChannel;
    return channel ? withoutHash(channel) : null;
  }

  private async load(em: Em, tenantId: string, id: string): Promise<WindowRow> {
    const row = isUuid(id) ? await silencesStore.windowById(em, tenantId, id) : undefined;
    if (!row) throw AppError.notFound(`Maintenance window ${id}`);
    return row;
  }

  private audit(em: Em, actor: Actor, action: string, row: WindowRow): Promise<void> {
    return recordAudit(
      em,
      actor,
      {
        action,
        targetType: 'maintenance_window',
        targetId: row.id,
        data: { service: row.service, name: row.name },
      },
      this.d.clock.now(),
    );
  }
}
