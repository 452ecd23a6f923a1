import { randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Em } from '../../db/sql.js';
import { withEm, withTx } from '../../db/tx.js';
import type { Actor } from '../../shared/actor.js';
import { authorize } from '../../shared/authz.js';
import type { Clock } from '../../shared/clock.js';
import { AppError, type FieldProblem, parseInput } from '../../shared/errors.js';
import { isUuid } from '../../shared/ids.js';
import { recordAudit } from '../audit/index.js';
import { gaps } from './oncall.calc.js';
import { GAP_DAYS } from './oncall.service.js';
import {
  layersOf,
  type OverrideDto,
  type ScheduleDto,
  toOverrideDto,
  toSchedule,
  toScheduleDto,
} from './rosters.mapper.js';
import { rostersStore, type ScheduleFields, type ScheduleRow } from './rosters.store.js';
import {
  type Layer,
  type LayerInput,
  layerInputSchema,
  type OverrideInput,
  overrideInputSchema,
  type ParsedSchedule,
  type Schedule,
  type ScheduleInput,
  scheduleInputSchema,
} from './rosters.types.js';
import { type Loaded, loadAllSchedules, loadSchedule } from './schedule-loader.js';
import { DAY_MS } from './zone-time.calc.js';

export type UpsertOutcome = 'created' | 'updated' | 'unchanged';

const token = (): string => randomBytes(24).toString('base64url');

function parseSchedule(input: ScheduleInput | unknown): ParsedSchedule {
  const schedule = parseInput(scheduleInputSchema, input, 'The schedule is not valid.');
  if (schedule.overrides.length > 0)
    throw AppError.validation('The schedule is not valid.', [
      { field: 'overrides', message: 'Add overrides with POST /api/v1/schedules/{id}/overrides.' },
    ]);
  return schedule;
}

const parseLayer = (input: unknown): Layer => parseInput(layerInputSchema, input, 'The layer is not valid.');

const fieldsOf = (s: ParsedSchedule): ScheduleFields => ({
  name: s.name,
  timeZone: s.timeZone,
  slackChannel: s.slackChannel ?? null,
  slackUserGroup: s.slackUserGroup ?? null,
  layers: s.layers,
});

/** Something else that names schedules (escalation policies): a schedule it names is not deleted. */
export interface ScheduleReferences {
  /** Names of what uses this schedule (e.g. escalation policies). */
  using(em: Em, tenantId: string, ref: { kind: 'schedule'; id: string }): Promise<string[]>;
}

/** Schedules, overrides and the answers computed from them by the pure calculators. */
export class RostersService {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly publicBaseUrl: string,
    private readonly references: ScheduleReferences | null = null,
  ) {}

  scheduleIcalUrl(token: string): string {
    return `${this.publicBaseUrl.replace(/\/+$/, '')}/ical/schedules/${token}.ics`;
  }

  private async load(
    em: Em,
    actor: Actor,
    id: string,
    overridesAfter: Date,
  ): Promise<[ScheduleRow, Schedule]> {
    const l = await loadSchedule(em, actor.tenantId, id, overridesAfter);
    return [l.row, l.schedule];
  }

  /** The DTO of a schedule loaded with its overrides from `now` on (its gaps need them). */
  private dtoOf(l: Loaded, now: Date): ScheduleDto {
    const open = gaps(l.schedule, now, new Date(now.getTime() + GAP_DAYS * DAY_MS));
    return toScheduleDto(l.row, l.schedule.layers, this.scheduleIcalUrl(l.row.ical_token), open);
  }

  /** The DTO of a row just read or written: its overrides are loaded here. */
  private async dto(em: Em, tenantId: string, row: ScheduleRow): Promise<ScheduleDto> {
    const now = this.clock.now();
    return this.dtoOf(
      { row, schedule: toSchedule(row, await rostersStore.overridesOf(em, tenantId, [row.id], now)) },
      now,
    );
  }

  private async checkParticipants(em: Em, tenantId: string, s: ParsedSchedule): Promise<void> {
    const ids = s.layers.flatMap((l) => l.participants);
    const known = await rostersStore.existingUsers(em, tenantId, ids);
    const problems: FieldProblem[] = [];
    s.layers.forEach((l, i) => {
      l.participants.forEach((p, j) => {
        if (!known.has(p))
          problems.push({ field: `layers.${i}.participants.${j}`, message: `No user with id "${p}".` });
      });
    });
    if (problems.length) throw AppError.validation('The schedule names unknown participants.', problems);
  }

  async list(actor: Actor): Promise<ScheduleDto[]> {
    authorize(actor, 'schedule:read');
    const now = this.clock.now();
    return withEm(this.orm, { tenantId: actor.tenantId }, async (em) =>
      (await loadAllSchedules(em, actor.tenantId, now)).map((l) => this.dtoOf(l, now)),
    );
  }

  async get(actor: Actor, id: string): Promise<ScheduleDto> {
    authorize(actor, 'schedule:read');
    const now = this.clock.now();
    return withEm(this.orm, { tenantId: actor.tenantId }, async (em) =>
      this.dtoOf(await loadSchedule(em, actor.tenantId, id, now), now),
    );
  }

  async scheduleByName(actor: Actor, name: string): Promise<ScheduleDto | null> {
    authorize(actor, 'schedule:read');
    return withEm(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const row = await rostersStore.byName(em, actor.tenantId, name.trim());
      return row ? this.dto(em, actor.tenantId, row) : null;
    });
  }

  async create(actor: Actor, input: ScheduleInput | unknown): Promise<ScheduleDto> {
    return (await this.upsert(actor, input, null)).schedule;
  }

  /** Replaces the schedule's name, zone, Slack settings and layers. */
  async update(actor: Actor, id: string, input: ScheduleInput | unknown): Promise<ScheduleDto> {
    return (await this.upsert(actor, input, { id })).schedule;
  }

  /** Creates or replaces the schedule of that name (`opswatch apply`); unchanged schedules are left alone. */
  async upsertByName(
    actor: Actor,
    input: ScheduleInput | unknown,
  ): Promise<{ outcome: UpsertOutcome; schedule: ScheduleDto }> {
    return this.upsert(actor, input, 'by-name');
  }

  private async upsert(
    actor: Actor,
    input: ScheduleInput | unknown,
    target: { id: string } | 'by-name' | null,
  ): Promise<{ outcome: UpsertOutcome; schedule: ScheduleDto }> {
    authorize(actor, 'schedule:write');
    const parsed = parseSchedule(input);
    const fields = fieldsOf(parsed);
    const now = this.clock.now();
    return withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      await this.checkParticipants(em, actor.tenantId, parsed);
      let existing: ScheduleRow | undefined;
      if (target === 'by-name') existing = await rostersStore.byName(em, actor.tenantId, fields.name);
      else if (target) existing = (await this.load(em, actor, target.id, now))[0];
      if (existing && target === 'by-name' && sameFields(existing, fields))
        return { outcome: 'unchanged' as const, schedule: await this.dto(em, actor.tenantId, existing) };
      if (existing && existing.name !== fields.name) {
        const clash = await rostersStore.byName(em, actor.tenantId, fields.name);
        if (clash && clash.id !== existing.id) throw nameTaken(fields.name);
      }
      const row = existing
        ? await rostersStore.update(em, actor.tenantId, existing.id, fields, now)
        : await rostersStore.insert(em, actor.tenantId, fields, token(), now);
      if (!row) throw nameTaken(fields.name);
      const action = existing ? 'schedule.updated' : 'schedule.created';
      await recordAudit(
        em,
        actor,
        { action, targetType: 'schedule', targetId: row.id, data: { name: row.name } },
        now,
      );
      return {
        outcome: existing ? ('updated' as const) : ('created' as const),
        schedule: await this.dto(em, actor.tenantId, row),
      };
    });
  }

  /** Adds a layer on top (the highest, winning where it covers). */
  addLayer(actor: Actor, scheduleId: string, input: LayerInput | unknown): Promise<ScheduleDto> {
    const layer = parseLayer(input);
    return this.editLayers(actor, scheduleId, (layers) => [...layers, layer]);
  }

  /** Replaces layer `index` (0 = the lowest). */
  replaceLayer(
    actor: Actor,
    scheduleId: string,
    index: number,
    input: LayerInput | unknown,
  ): Promise<ScheduleDto> {
    const layer = parseLayer(input);
    return this.editLayers(actor, scheduleId, (layers) => {
      if (!layers[index]) throw AppError.notFound(`Layer ${index}`);
      return layers.map((l, i) => (i === index ? layer : l));
    });
  }

  removeLayer(actor: Actor, scheduleId: string, index: number): Promise<ScheduleDto> {
    return this.editLayers(actor, scheduleId, (layers) => {
      if (!layers[index]) throw AppError.notFound(`Layer ${index}`);
      return layers.filter((_, i) => i !== index);
    });
  }

  /** Changes a schedule's layers in one transaction, the schedule locked, everything checked as on update. */
  private async editLayers(
    actor: Actor,
    id: string,
    edit: (layers: Layer[]) => Layer[],
  ): Promise<ScheduleDto> {
    authorize(actor, 'schedule:write');
    const now = this.clock.now();
    return withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const row = isUuid(id) ? await rostersStore.lockById(em, actor.tenantId, id) : undefined;
      if (!row) throw AppError.notFound(`Schedule ${id}`);
      const parsed = parseSchedule({
        name: row.name,
        timeZone: row.time_zone,
        ...(row.slack_channel ? { slackChannel: row.slack_channel } : {}),
        ...(row.slack_user_group ? { slackUserGroup: row.slack_user_group } : {}),
        layers: edit(layersOf(row)),
      });
      await this.checkParticipants(em, actor.tenantId, parsed);
      const updated = await rostersStore.update(em, actor.tenantId, row.id, fieldsOf(parsed), now);
      if (!updated) throw AppError.notFound(`Schedule ${id}`);
      await recordAudit(
        em,
        actor,
        {
          action: 'schedule.layers_changed',
          targetType: 'schedule',
          targetId: row.id,
          data: { name: row.name },
        },
        now,
      );
      return this.dto(em, actor.tenantId, updated);
    });
  }

  async remove(actor: Actor, id: string): Promise<void> {
    authorize(actor, 'schedule:write');
    await withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const [row] = await this.load(em, actor, id, this.clock.now());
      // Deleted first, then checked: a policy naming it that commits meanwhile holds the row (FOR SHARE) until it
      // commits, so the check below sees it, and the delete rolls back.
      await rostersStore.remove(em, actor.tenantId, row.id);
      const users =
        (await this.references?.using(em, actor.tenantId, { kind: 'schedule', id: row.id })) ?? [];
      if (users.length)
        throw AppError.conflict(
          `The schedule "${row.name}" is named by the escalation ${users.length > 1 ? 'policies' : 'policy'} ` +
            `${users.map((n) => `"${n}"`).join(', ')}; take it out of ${users.length > 1 ? 'those policies' : 'it'} first.`,
        );
      await recordAudit(
        em,
        actor,
        { action: 'schedule.deleted', targetType: 'schedule', targetId: row.id, data: { name: row.name } },
        this.clock.now(),
      );
    });
  }

  /**
   * Adds an override. Managers and admins add any; a responder only one that changes their own on-call: they
   * cover (`userId`) or they are the one replaced (`replaces`).
   */
  async addOverride(actor: Actor, scheduleId: string, input: OverrideInput | unknown): Promise<OverrideDto> {
    authorize(actor, 'override:write', { owners: [actor.id] }); // at least their own
    const o = parseInput(overrideInputSchema, input, 'The override is not valid.');
    authorize(actor, 'override:write', { owners: [o.userId, o.replaces] });
    const now = this.clock.now();
    return withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const [row, schedule] = await this.load(em, actor, scheduleId, now);
      const problems: FieldProblem[] = [];
      if (!(await rostersStore.existingUsers(em, actor.tenantId, [o.userId])).has(o.userId))
        problems.push({ field: 'userId', message: `No user with id "${o.userId}".` });
      if (o.replaces !== undefined && !schedule.layers.some((l) => l.participants.includes(o.replaces ?? '')))
        problems.push({ field: 'replaces', message: `"${o.replaces}" is not a participant of ${row.name}.` });
      if (problems.length) throw AppError.validation('The override is not valid.', problems);
      const created = await rostersStore.insertOverride(
        em,
        actor.tenantId,
        row.id,
        { userId: o.userId, replaces: o.replaces ?? null, start: o.start, end: o.end, createdBy: actor.name },
        now,
      );
      if (!created) throw new Error('override insert returned nothing');
      await recordAudit(
        em,
        actor,
        {
          action: 'override.created',
          targetType: 'schedule',
          targetId: row.id,
          data: { overrideId: created.id },
        },
        now,
      );
      return toOverrideDto(created);
    });
  }

  /** Overrides still in effect now or later. */
  async listOverrides(actor: Actor, scheduleId: string): Promise<OverrideDto[]> {
    authorize(actor, 'schedule:read');
    return withEm(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const [row] = await this.load(em, actor, scheduleId, this.clock.now());
      return (await rostersStore.overridesOf(em, actor.tenantId, [row.id], this.clock.now())).map(
        toOverrideDto,
      );
    });
  }

  /** Removes an override; a responder only one that covers or replaces them (as when adding). */
  async removeOverride(actor: Actor, scheduleId: string, overrideId: string): Promise<void> {
    authorize(actor, 'override:write', { owners: [actor.id] }); // at least their own
    await withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const [row] = await this.load(em, actor, scheduleId, this.clock.now());
      const found = isUuid(overrideId)
        ? await rostersStore.overrideById(em, actor.tenantId, row.id, overrideId)
        : undefined;
      if (!found) throw AppError.notFound(`Override ${overrideId}`);
      authorize(actor, 'override:write', { owners: [found.user_id, found.replaces] });
      await rostersStore.removeOverride(em, actor.tenantId, row.id, overrideId);
      await recordAudit(
        em,
        actor,
        { action: 'override.deleted', targetType: 'schedule', targetId: row.id, data: { overrideId } },
        this.clock.now(),
      );
    });
  }
}

function nameTaken(name: string): AppError {
  return AppError.conflict(`A schedule named "${name}" already exists.`);
}

function sameFields(row: ScheduleRow, f: ScheduleFields): boolean {
  return (
    row.name === f.name &&
    row.time_zone === f.timeZone &&
    row.slack_channel === f.slackChannel &&
    row.slack_user_group === f.slackUserGroup &&
    JSON.stringify(layersOf(row)) === JSON.stringify(f.layers)
  );
}
