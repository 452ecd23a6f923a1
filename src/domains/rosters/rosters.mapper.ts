import { z } from 'zod';
import { AppError } from '../../shared/errors.js';
import type { OverrideRow, People, ScheduleRow } from './rosters.store.js';
import {
  type Layer,
  layerInputSchema,
  type OnCall,
  type Override,
  type Schedule,
  type Shift,
  type ShiftSource,
  type TimeRange,
} from './rosters.types.js';

const storedLayers = z.array(layerInputSchema);

export interface LayerDto extends Omit<Layer, 'start'> {
  start: string;
}

export interface OverrideDto {
  id: string;
  scheduleId: string;
  userId: string;
  replaces: string | null;
  start: string;
  end: string;
  createdBy: string | null;
  createdAt: string;
}

export interface RangeDto {
  start: string;
  end: string;
}

export interface ScheduleDto {
  id: string;
  name: string;
  timeZone: string;
  slackChannel: string | null;
  slackUserGroup: string | null;
  layers: LayerDto[];
  icalUrl: string;
  /** Uncovered ranges in the next 14 days. */
  gaps: RangeDto[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface PersonDto {
  id: string;
  /** null when the user no longer exists. */
  name: string | null;
  slackUserId: string | null;
}

export interface ShiftDto {
  userId: string;
  userName: string | null;
  userSlackId: string | null;
  start: string;
  end: string;
  source: ShiftSource;
}

export interface OnCallDto {
  scheduleId: string;
  at: string;
  users: PersonDto[];
  source: ShiftSource | null;
  until: string | null;
}

/** One schedule's answer for an overview (`/oncall`, App Home): who is on call at `at`, and its gaps. */
export interface ScheduleOnCallDto extends OnCallDto {
  name: string;
  timeZone: string;
  slackChannel: string | null;
  /** Uncovered ranges in the next 14 days (when asked for). */
  gaps: RangeDto[];
}

/** A shift of one person, with the schedule it belongs to. */
export interface MyShiftDto {
  scheduleId: string;
  scheduleName: string;
  start: string;
  end: string;
  source: ShiftSource;
}

/** A person's on-call picture: shifts in progress, the next ones, and the schedules they belong to. */
export interface MyOnCallDto {
  userId: string;
  timeZone: string;
  current: MyShiftDto[];
  next: MyShiftDto[];
  schedules: ScheduleOnCallDto[];
}

const iso = (v: string | Date): string => new Date(v).toISOString();

export function layersOf(row: ScheduleRow): Layer[] {
  const r = storedLayers.safeParse(row.layers);
  if (!r.success) throw new AppError('validation', `Schedule "${row.name}" has unreadable layers.`);
  return r.data;
}

export function toOverride(r: OverrideRow): Override {
  return {
    id: r.id,
    userId: r.user_id,
    start: new Date(r.starts_at),
    end: new Date(r.ends_at),
    ...(r.replaces ? { replaces: r.replaces } : {}),
  };
}

export function toSchedule(row: ScheduleRow, overrides: OverrideRow[]): Schedule {
  return {
    id: row.id,
    name: row.name,
    timeZone: row.time_zone,
    ...(row.slack_channel ? { slackChannel: row.slack_channel } : {}),
    ...(row.slack_user_group ? { slackUserGroup: row.slack_user_group } : {}),
    layers: layersOf(row),
    overrides: overrides.filter((o) => o.schedule_id === row.id).map(toOverride),
  };
}

export const toRange = (r: TimeRange): RangeDto => ({ start: iso(r.start), end: iso(r.end) });

export function toScheduleDto(
  row: ScheduleRow,
  layers: Layer[],
  icalUrl: string,
  gaps: TimeRange[],
): ScheduleDto {
  return {
    id: row.id,
    name: row.name,
    timeZone: row.time_zone,
    slackChannel: row.slack_channel,
    slackUserGroup: row.slack_user_group,
    layers: layers.map((l) => ({ ...l, start: iso(l.start) })),
    icalUrl,
    gaps: gaps.map(toRange),
    version: row.version,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export const toOverrideDto = (r: OverrideRow): OverrideDto => ({
  id: r.id,
  scheduleId: r.schedule_id,
  userId: r.user_id,
  replaces: r.replaces,
  start: iso(r.starts_at),
  end: iso(r.ends_at),
  createdBy: r.created_by,
  createdAt: iso(r.created_at),
});

export const toPersonDto = (id: string, people: People): PersonDto => {
  const p = people.get(id);
  return { id, name: p?.name ?? null, slackUserId: p?.slackUserId ?? null };
};

export const toShiftDto = (s: Shift, people: People): ShiftDto => ({
  userId: s.userId,
  userName: people.get(s.userId)?.name ?? null,
  userSlackId: people.get(s.userId)?.slackUserId ?? null,
  start: iso(s.start),
  end: iso(s.end),
  source: s.source,
});

export const toOnCallDto = (scheduleId: string, at: Date, o: OnCall, people: People): OnCallDto => ({
  scheduleId,
  at: at.toISOString(),
  users: o.userIds.map((id) => toPersonDto(id, people)),
  source: o.source,
  until: o.until ? o.until.toISOString() : null,
});

export const toMyShiftDto = (row: ScheduleRow, s: Shift): MyShiftDto => ({
  scheduleId: row.id,
  scheduleName: row.name,
  start: iso(s.start),
  end: iso(s.end),
  source: s.source,
});
