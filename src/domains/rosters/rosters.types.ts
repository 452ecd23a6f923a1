import { z } from 'zod';
import { timeZoneSchema } from '../../shared/time-zone.js';

/**
 * On-call schedules as the REST API and `opswatch apply` accept them, and the runtime shapes the
 * pure calculators (`oncall.calc.ts`) work on.
 *
 * Rules (see also oncall.calc.ts):
 * - A layer's first handoff is the first local `handoffTime` (on `handoffWeekday` for weekly turns)
 *   at or after `start`; participant 0's turn begins there. Before it the layer covers nothing.
 * - Day and week turns hand off at `handoffTime` wall-clock in the schedule's zone, so a turn spanning
 *   a DST change is shorter or longer; hour turns are `count` hours of elapsed time.
 * - Restrictions: the person whose turn it is, is on call only inside the union of the windows;
 *   outside them the layer is transparent and lower layers show through.
 * - Higher layers win where they cover; overrides win over every layer, later overrides over earlier.
 */

export const TURN_UNITS = ['hours', 'days', 'weeks'] as const;

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

const instant = (what: string) =>
  z
    .union(
      [
        z.date(),
        z.iso.datetime({
          offset: true,
          error: `${what} must be an ISO 8601 instant with a time zone offset, e.g. 2026-03-02T09:00:00Z.`,
        }),
      ],
      {
        error: `${what} must be an ISO 8601 instant with a time zone offset, e.g. 2026-03-02T09:00:00Z.`,
      },
    )
    .transform((v) => (v instanceof Date ? v : new Date(v)))
    .refine((d) => !Number.isNaN(d.getTime()), `${what} is not a valid date.`);

const wallTime = (what: string) =>
  z
    .string({ error: `${what} must be a time like "09:00".` })
    .regex(HH_MM, `${what} must be a 24-hour time like "09:00".`);

const userId = (what: string) =>
  z
    .string({ error: `${what} must be a user id.` })
    .trim()
    .min(1, `${what} must not be empty.`)
    .max(200, `${what} is too long (200 characters at most).`);

const isoWeekday = z
  .number({ error: 'A weekday must be a number from 1 (Monday) to 7 (Sunday).' })
  .int('A weekday must be a whole number from 1 (Monday) to 7 (Sunday).')
  .min(1, 'A weekday must be from 1 (Monday) to 7 (Sunday).')
  .max(7, 'A weekday must be from 1 (Monday) to 7 (Sunday).');

export const turnInputSchema = z.object({
  unit: z.enum(TURN_UNITS, { error: 'turn.unit must be one of hours, days or weeks.' }),
  count: z
    .number({ error: 'turn.count must be a number.' })
    .int('turn.count must be a whole number.')
    .min(1, 'turn.count must be at least 1.')
    .max(1000, 'turn.count must be at most 1000.'),
});

export const restrictionInputSchema = z.object({
  /** ISO weekdays (1 = Monday) on which the window starts; all days when omitted. */
  weekdays: z.array(isoWeekday).min(1, 'weekdays, when given, must list at least one day.').optional(),
  /** Local start of the window; 00:00 when omitted. */
  startTime: wallTime('startTime').optional(),
  /** Local end; an end at or before the start wraps past midnight (equal = 24 hours). 00:00 when omitted. */
  endTime: wallTime('endTime').optional(),
});

export const layerInputSchema = z.object({
  name: z
    .string({ error: 'A layer needs a name.' })
    .trim()
    .min(1, 'A layer needs a name.')
    .max(100, 'A layer name is 100 characters at most.'),
  participants: z
    .array(userId('A participant'), { error: 'participants must be a list of user ids.' })
    .min(1, 'A layer needs at least one participant.')
    .max(500, 'A layer has 500 participants at most.'),
  start: instant('start'),
  turn: turnInputSchema,
  handoffTime: wallTime('handoffTime'),
  /** ISO weekday of the handoff for weekly turns (1 = Monday, the default); ignored otherwise. */
  handoffWeekday: isoWeekday.default(1),
  restrictions: z
    .array(restrictionInputSchema)
    .max(50, 'A layer has 50 restriction windows at most.')
    .optional(),
});

const overrideFields = z.object({
  id: z.string().trim().min(1, 'An override id must not be empty.').max(200).optional(),
  userId: userId('userId'),
  start: instant('start'),
  end: instant('end'),
  /** When set, the override covers only the times this user would be on call. */
  replaces: userId('replaces').optional(),
});

export const overrideInputSchema = overrideFields.refine((o) => o.end.getTime() > o.start.getTime(), {
  message: 'end must be after start.',
  path: ['end'],
});

export const scheduleInputSchema = z.object({
  name: z
    .string({ error: 'A schedule needs a name.' })
    .trim()
    .min(1, 'A schedule needs a name.')
    .max(200, 'A schedule name is 200 characters at most.'),
  timeZone: timeZoneSchema,
  slackChannel: z
    .string()
    .trim()
    .min(1, 'slackChannel must not be empty.')
    .max(80, 'slackChannel is too long.')
    .optional(),
  slackUserGroup: z
    .string()
    .trim()
    .min(1, 'slackUserGroup must not be empty.')
    .max(80, 'slackUserGroup is too long.')
    .optional(),
  /** Index 0 is the lowest layer; higher layers win where they cover. */
  layers: z.array(layerInputSchema).max(20, 'A schedule has 20 layers at most.').default([]),
  overrides: z.array(overrideInputSchema).max(10_000).default([]),
});

export type Turn = z.output<typeof turnInputSchema>;
export type Restriction = z.output<typeof restrictionInputSchema>;
export type LayerInput = z.input<typeof layerInputSchema>;
export type Layer = z.output<typeof layerInputSchema>;
export type OverrideInput = z.input<typeof overrideInputSchema>;
export type ScheduleInput = z.input<typeof scheduleInputSchema>;
export type ParsedSchedule = z.output<typeof scheduleInputSchema>;

export interface Override {
  id: string;
  userId: string;
  start: Date;
  end: Date;
  replaces?: string | undefined;
}

/** A stored schedule. */
export interface Schedule extends Omit<ParsedSchedule, 'overrides'> {
  id: string;
  overrides: Override[];
}

/** What the calculators need of a schedule. */
export type ScheduleRules = Pick<Schedule, 'timeZone' | 'layers' | 'overrides'>;

export type ShiftSource =
  | { kind: 'layer'; layerIndex: number; layerName: string }
  | { kind: 'override'; overrideId: string };

export interface Shift {
  userId: string;
  start: Date;
  end: Date;
  source: ShiftSource;
}

export interface TimeRange {
  start: Date;
  end: Date;
}

export interface OnCall {
  /** Who is on call: one user, or none in a gap (an array so "several at once" can come later). */
  userIds: string[];
  source: ShiftSource | null;
  /** End of the current shift (or gap); null when it never ends or ends too far ahead to tell cheaply. */
  until: Date | null;
}
