import type { MikroORM } from '@mikro-orm/postgresql';
import type { Em } from '../../db/sql.js';
import { withEm, withTx } from '../../db/tx.js';
import type { Actor } from '../../shared/actor.js';
import { authorize } from '../../shared/authz.js';
import type { Clock } from '../../shared/clock.js';
import { AppError, parseInput } from '../../shared/errors.js';
import { isUuid, newId } from '../../shared/ids.js';
import { recordAudit } from '../audit/index.js';
import type { IncidentsService } from '../incidents/index.js';
import { parseDuration } from './duration.calc.js';
import { incidentMatchers } from './incident-matchers.calc.js';
import { type Matcher, matcherProblems, matchersText } from './matchers.calc.js';
import type { Silencer } from './silencer.js';
import { type SilenceRow, silencesStore } from './silences.store.js';
import { type SilenceDto, type SilenceState, silenceInputSchema } from './silences.types.js';

/** Held alerts of a silence or window that ended early are looked at again (the alerts domain's endHolds). */
export type HoldsEnder = (
  em: Em,
  tenantId: string,
  by: { silenceId?: string; windowId?: string },
  at: Date,
) => Promise<void>;

export const stateOf = (r: { starts_at: Date; ends_at: Date }, now: Date): SilenceState =>
  new Date(r.ends_at) <= now ? 'expired' : new Date(r.starts_at) > now ? 'pending' : 'active';

export const silenceDto = (r: SilenceRow, now: Date): SilenceDto => ({
  id: r.id,
  matchers: r.matchers,
  matchersText: matchersText(r.matchers),
  state: stateOf(r, now),
  startsAt: new Date(r.starts_at).toISOString(),
  endsAt: new Date(r.ends_at).toISOString(),
  reason: r.reason,
  createdBy: r.created_by,
  incidentId: r.incident_id,
  expiredBy: r.expired_by,
  createdAt: new Date(r.created_at).toISOString(),
});

/** The longest a silence may last (Alertmanager has no limit; a year keeps a typo from silencing forever). */
const MAX_MS = 366 * 86_400_000;

export interface SilencesDeps {
  orm: MikroORM;
  clock: Clock;
  silencer: Silencer;
  endHolds: HoldsEnder;
  incidents: Pick<IncidentsService, 'get' | 'recordAs'>;
}

/**
 * Silences: label matchers with a start, an end, a reason and who made it. While one is active, firing alerts it
 * matches are stored but open no incident and page nobody (the ingest's silencing step); expiring one (DELETE)
 * ends it now and keeps it, and its held alerts still firing open their incidents at the engine's next tick.
 */
export class SilencesService {
  constructor(private readonly d: SilencesDeps) {}

  async list(actor: Actor, f: { state?: string; limit?: number } = {}): Promise<SilenceDto[]> {
    authorize(actor, 'silence:read');
    if (f.state && !['active', 'pending', 'expired'].includes(f.state))
      throw AppError.validation('state must be active, pending or expired.', [
        { field: 'state', message: 'expected active, pending or expired' },
      ]);
    const now = this.d.clock.now();
    const rows = await withEm(this.d.orm, { tenantId: actor.tenantId }, (em) =>
      silencesStore.list(em, actor.tenantId, f.state, now, Math.min(f.limit ?? 100, 500)),
    );
    return rows.map((r) => silenceDto(r, now));
  }

  async get(actor: Actor, id: string): Promise<SilenceDto> {
    authorize(actor, 'silence:read');
    const row = await withEm(this.d.orm, { tenantId: actor.tenantId }, (em) =>
      this.load(em, actor.tenantId, id),
    );
    return silenceDto(row, this.d.clock.now());
  }

  async create(actor: Actor, input: unknown): Promise<SilenceDto> {
    authorize(actor, 'silence:write');
    const data = parseInput(silenceInputSchema, input, 'The silence is not valid.');
    const now = this.d.clock.now();
    const startsAt = data.startsAt ? new Date(data.startsAt) : now;
    const endsAt = data.endsAt
      ? new Date(data.endsAt)
      : new Date(startsAt.getTime() + (parseDuration(data.duration ?? '') ?? 0));
    return this.insert(actor, {
      matchers: data.matchers,
      startsAt,
      endsAt,
      reason: (data.reason ?? data.comment)!,
      createdBy: data.createdBy ?? actor.name,
      incidentId: null,
    });
  }

  /** Ends a silence now (a pending one never starts); its record is kept, as Alertmanager keeps expired ones. */
  async expire(actor: Actor, id: string): Promise<SilenceDto> {
    authorize(actor, 'silence:write');
    const now = this.d.clock.now();
    const row = await withTx(this.d.orm, { tenantId: actor.tenantId }, async (em) => {
      const before = await this.load(em, actor.tenantId, id);
      const row = await silencesStore.expire(em, actor.tenantId, before.id, actor.name, now);
      if (!row) throw AppError.conflict(`Silence ${id} has already expired.`);
      await this.d.endHolds(em, actor.tenantId, { silenceId: row.id }, now);
      await recordAudit(
        em,
        actor,
        {
          action: 'silence.expired',
          targetType: 'silence',
          targetId: row.id,
          data: { matchers: matchersText(row.matchers) },
        },
        now,
      );
      return row;
    });
    this.d.silencer.invalidate(actor.tenantId);
    return silenceDto(row, now);
  }

  /**
   * "Silence 1h" on an incident's card: silences the alerts of the incident (see `incidentMatchers`) for `ms`,
   * with a `silenced` event on its timeline in the same transaction.
   */
  async silenceIncident(actor: Actor, incidentRef: string, ms: number): Promise<SilenceDto> {
    authorize(actor, 'silence:write');
    const incident = await this.d.incidents.get(actor, incidentRef);
    const matchers = incidentMatchers(incident, incident.alerts);
    const now = this.d.clock.now();
    return this.insert(actor, {
      matchers,
      startsAt: now,
      endsAt: new Date(now.getTime() + ms),
      reason: `Silenced from ${incident.ref}: ${incident.title}`.slice(0, 1000),
      createdBy: actor.name,
      incidentId: incident.id,
    });
  }

  private async insert(
    actor: Actor,
    s: {
      matchers: Matcher[];
      startsAt: Date;
      endsAt: Date;
      reason: string;
      createdBy: string;
      incidentId: string | null;
    },
  ): Promise<SilenceDto> {
    const problems = matcherProblems(s.matchers);
    if (problems.length)
      throw AppError.validation(
        `The silence is not valid: ${problems.join('; ')}.`,
        problems.map((message) => ({ field: 'matchers', message })),
      );
    if (s.endsAt <= s.startsAt)
      throw AppError.validation('The silence is not valid: it must end after it starts.', [
        { field: 'endsAt', message: 'must be after startsAt' },
      ]);
    const now = this.d.clock.now();
    if (s.endsAt <= now)
      throw AppError.validation('The silence is not valid: it would end in the past.', [
        { field: 'endsAt', message: 'must be in the future' },
      ]);
    if (s.endsAt.getTime() - s.startsAt.getTime() > MAX_MS)
      throw AppError.validation('The silence is not valid: it may last a year at most.', [
        { field: 'endsAt', message: 'at most a year after startsAt' },
      ]);
    const row = await withTx(this.d.orm, { tenantId: actor.tenantId }, async (em) => {
      const row = await silencesStore.insert(
        em,
        actor.tenantId,
        { id: newId(), ...s, createdByUserId: actor.kind === 'user' ? actor.id : null },
        now,
      );
      if (!row) throw new Error('the silence was not stored');
      const text = matchersText(row.matchers);
      if (s.incidentId)
        await this.d.incidents.recordAs(
          em,
          actor,
          s.incidentId,
          { kind: 'silenced', data: { silenceId: row.id, endsAt: s.endsAt.toISOString(), matchers: text } },
          now,
        );
      await recordAudit(
        em,
        actor,
        { action: 'silence.created', targetType: 'silence', targetId: row.id, data: { matchers: text } },
        now,
      );
      return row;
    });
    this.d.silencer.invalidate(actor.tenantId);
    return silenceDto(row, now);
  }

  private async load(em: Em, tenantId: string, id: string): Promise<SilenceRow> {
    const row = isUuid(id) ? await silencesStore.byId(em, tenantId, id) : undefined;
    if (!row) throw AppError.notFound(`Silence ${id}`);
    return row;
  }
}
