import { randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { withEm, withTx } from '../../db/tx.js';
import type { Actor } from '../../shared/actor.js';
import { authorize } from '../../shared/authz.js';
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import { scheduleToICal } from './ical.calc.js';
import { currentShiftFor, gaps, onCallAt, shifts } from './oncall.calc.js';
import {
  type MyOnCallDto,
  type OnCallDto,
  type RangeDto,
  type ScheduleOnCallDto,
  type ShiftDto,
  toMyShiftDto,
  toOnCallDto,
  toRange,
  toShiftDto,
} from './rosters.mapper.js';
import { type People, rostersStore } from './rosters.store.js';
import type { Schedule } from './rosters.types.js';
import { type Loaded, loadAllSchedules, loadSchedule, loadScheduleByRef } from './schedule-loader.js';
import { userToICal } from './user-ical.calc.js';

const DAY = 86_400_000;
const MAX_SHIFTS_RANGE_DAYS = 180;
export const GAP_DAYS = 14;
const FEED_DAYS = 90;
/** How far ahead "next shifts" look. */
const NEXT_DAYS = 35;

/** Whether the user takes part in the schedule: a participant of a layer or covering an override. */
function isMember(schedule: Schedule, userId: string): boolean {
  return (
    schedule.layers.some((l) => l.participants.includes(userId)) ||
    schedule.overrides.some((o) => o.userId === userId)
  );
}

/** The window a feed covers: from the start of the UTC day a week ago (stable event starts) to 90 days ahead. */
function feedWindow(now: Date): [Date, Date] {
  const from = Math.floor(now.getTime() / DAY) * DAY - 7 * DAY;
  return [new Date(from), new Date(now.getTime() + FEED_DAYS * DAY)];
}

/** Answers computed from schedules by the pure calculators: who is on call, shifts, gaps, calendars. */
export class OnCallService {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly publicBaseUrl: string,
  ) {}

  private answer(l: Loaded, at: Date, people: People, withGaps: boolean): ScheduleOnCallDto {
    const open = withGaps ? gaps(l.schedule, at, new Date(at.getTime() + GAP_DAYS * DAY)).map(toRange) : [];
    return {
      ...toOnCallDto(l.row.id, at, onCallAt(l.schedule, at), people),
      name: l.row.name,
      timeZone: l.row.time_zone,
      slackChannel: l.row.slack_channel,
      gaps: open,
    };
  }

  async onCall(actor: Actor, scheduleId: string, at: Date = this.clock.now()): Promise<OnCallDto> {
    authorize(actor, 'oncall:read');
    return withEm(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const l = await loadSchedule(em, actor.tenantId, scheduleId, at);
      return toOnCallDto(
        l.row.id,
        at,
        onCallAt(l.schedule, at),
        await rostersStore.people(em, actor.tenantId),
      );
    });
  }

  async shifts(actor: Actor, scheduleId: string, from: Date, to: Date): Promise<ShiftDto[]> {
    authorize(actor, 'oncall:read');
    if (!(to.getTime() > from.getTime()))
      throw AppError.validation('to must be after from.', [{ field: 'to', message: 'must be after from' }]);
    if (to.getTime() - from.getTime() > MAX_SHIFTS_RANGE_DAYS * DAY)
      throw AppError.validation(`Ask for ${MAX_SHIFTS_RANGE_DAYS} days at most.`, [
        { field: 'to', message: `at most ${MAX_SHIFTS_RANGE_DAYS} days after from` },
      ]);
    return withEm(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const l = await loadSchedule(em, actor.tenantId, scheduleId, from);
      const people = await rostersStore.people(em, actor.tenantId);
      return shifts(l.schedule, from, to).map((s) => toShiftDto(s, people));
    });
  }

  async gapsNext14Days(actor: Actor, scheduleId: string): Promise<RangeDto[]> {
    authorize(actor, 'oncall:read');
    const now = this.clock.now();
    return withEm(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const l = await loadSchedule(em, actor.tenantId, scheduleId, now);
      return gaps(l.schedule, now, new Date(now.getTime() + GAP_DAYS * DAY)).map(toRange);
    });
  }

  /** Every schedule: who is on call at `at` (now by default), and, with `gaps`, its gaps in the next 14 days. */
  async overview(
    actor: Actor,
    at: Date = this.clock.now(),
    opts: { gaps?: boolean } = {},
  ): Promise<ScheduleOnCallDto[]> {
    authorize(actor, 'oncall:read');
    return withEm(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const all = await loadAllSchedules(em, actor.tenantId, at);
      const people = await rostersStore.people(em, actor.tenantId);
      return all.map((l) => this.answer(l, at, people, opts.gaps ?? false));
    });
  }

  /** One schedule by id or name: who is on call at `at`, its gaps, and the next `count` shifts from `at`. */
  async schedule(
    actor: Actor,
    ref: string,
    at: Date = this.clock.now(),
    count = 5,
  ): Promise<ScheduleOnCallDto & { next: ShiftDto[] }> {
    authorize(actor, 'oncall:read');
    return withEm(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const l = await loadScheduleByRef(em, actor.tenantId, ref, at);
      const people = await rostersStore.people(em, actor.tenantId);
      const next = shifts(l.schedule, at, new Date(at.getTime() + NEXT_DAYS * DAY))
        .filter((s) => s.start.getTime() > at.getTime())
        .slice(0, count)
        .map((s) => toShiftDto(s, people));
      return { ...this.answer(l, at, people, true), next };
    });
  }

  /** A person's shifts now and next across schedules, and the schedules they belong to (with gaps). */
  async forUser(actor: Actor, userId: string, now: Date = this.clock.now(), count = 5): Promise<MyOnCallDto> {
    authorize(actor, 'oncall:read');
    return withEm(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const people = await rostersStore.people(em, actor.tenantId);
      const person = people.get(userId);
      if (!person) throw AppError.notFound(`User ${userId}`);
      const mine = (await loadAllSchedules(em, actor.tenantId, now)).filter((l) =>
        isMember(l.schedule, userId),
      );
      const horizon = new Date(now.getTime() + NEXT_DAYS * DAY);
      const current = mine.flatMap((l) => {
        const s = currentShiftFor(l.schedule, userId, now);
        return s ? [toMyShiftDto(l.row, s)] : [];
      });
      const next = mine
        .flatMap((l) =>
          shifts(l.schedule, now, horizon)
            .filter((s) => s.userId === userId && s.start.getTime() > now.getTime())
            .slice(0, count)
            .map((s) => toMyShiftDto(l.row, s)),
        )
        .sort((a, b) => a.start.localeCompare(b.start))
        .slice(0, count);
      return {
        userId,
        timeZone: person.timeZone,
        current,
        next,
        schedules: mine.map((l) => this.answer(l, now, people, true)),
      };
    });
  }

  /** The secret feed URL of a user's shifts, creating its token on first ask (admins, or the user). */
  async userIcalUrl(actor: Actor, userId: string): Promise<{ userId: string; icalUrl: string }> {
    authorize(actor, 'user:calendar', { owners: [userId] });
    return withTx(this.orm, { tenantId: actor.tenantId }, async (em) => {
      if (!(await rostersStore.existingUsers(em, actor.tenantId, [userId])).has(userId))
        throw AppError.notFound(`User ${userId}`);
      const fresh = randomBytes(24).toString('base64url');
      const t = await rostersStore.userToken(em, actor.tenantId, userId, fresh, this.clock.now());
      return { userId, icalUrl: `${this.publicBaseUrl.replace(/\/+$/, '')}/ical/users/${t}.ics` };
    });
  }

  /**
   * The schedule's feed (the secret token is the only credential): the token is looked up in the system scope,
   * since it is what says which tenant; the feed is read in that tenant's.
   */
  async icalForSchedule(feedToken: string, now: Date = this.clock.now()): Promise<string> {
    const found = await withEm(this.orm, 'system', (em) => rostersStore.byToken(em, feedToken));
    if (!found) throw AppError.notFound('This calendar');
    return withEm(this.orm, { tenantId: found.tenant_id }, async (em) => {
      const row = await rostersStore.byId(em, found.tenant_id, found.id);
      if (!row) throw AppError.notFound('This calendar');
      const [from, to] = feedWindow(now);
      const l = await loadSchedule(em, found.tenant_id, row.id, from);
      const people = await rostersStore.people(em, found.tenant_id);
      return scheduleToICal({
        scheduleId: row.id,
        name: row.name,
        shifts: shifts(l.schedule, from, to),
        userNames: Object.fromEntries([...people].map(([id, p]) => [id, p.name])),
        timeZone: row.time_zone,
        now,
      });
    });
  }

  /** A user's feed: their shifts across every schedule of their tenant (token looked up as above). */
  async icalForUser(feedToken: string, now: Date = this.clock.now()): Promise<string> {
    const user = await withEm(this.orm, 'system', (em) => rostersStore.userByToken(em, feedToken));
    if (!user) throw AppError.notFound('This calendar');
    return withEm(this.orm, { tenantId: user.tenant_id }, async (em) => {
      const [from, to] = feedWindow(now);
      const mine = (await loadAllSchedules(em, user.tenant_id, from)).flatMap((l) =>
        shifts(l.schedule, from, to)
          .filter((s) => s.userId === user.user_id)
          .map((shift) => ({ scheduleId: l.row.id, scheduleName: l.row.name, shift })),
      );
      return userToICal({ userName: user.name, timeZone: user.time_zone, shifts: mine, now });
    });
  }

  static feedWindow(now: Date): [Date, Date] {
    return feedWindow(now);
  }
}
