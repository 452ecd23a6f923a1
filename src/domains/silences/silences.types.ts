import { z } from 'zod';
import { timeZoneSchema } from '../../shared/time-zone.js';
import { parseDuration } from './duration.calc.js';
import { WEEKDAYS, type WindowRule } from './maintenance.calc.js';
import { MATCH_OPS, type Matcher, MatcherError } from './matchers.calc.js';
import { parseMatchers } from './matchers-parse.calc.js';

/** A matcher as the API takes it: `{name, op, value}`, or Alertmanager's `{name, value, isRegex, isEqual}`. */
const matcherSchema = z.union([
  z.object({ name: z.string(), op: z.enum(MATCH_OPS), value: z.string() }),
  z
    .object({ name: z.string(), value: z.string(), isRegex: z.boolean(), isEqual: z.boolean().default(true) })
    .transform(
      (m): Matcher => ({
        name: m.name,
        value: m.value,
        op: m.isRegex ? (m.isEqual ? '=~' : '!~') : m.isEqual ? '=' : '!=',
      }),
    ),
]);

/** Matchers as a list or as Alertmanager's text (`service="checkout", alertname=~"High.*"`). */
export const matchersSchema = z.union([
  z.array(matcherSchema).min(1, 'at least one matcher is needed.').max(50),
  z.string().transform((text, ctx) => {
    try {
      return parseMatchers(text);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: e instanceof MatcherError ? e.message : String(e) });
      return z.NEVER;
    }
  }),
]);

const durationSchema = z.string().refine((s) => parseDuration(s) !== null, {
  message: 'duration must look like 30m, 2h, 1d or 1h30m.',
});

/** A silence as `POST /api/v1/silences` takes it: an end (`endsAt`) or a `duration` from its start. */
export const silenceInputSchema = z
  .object({
    matchers: matchersSchema.meta({
      description:
        'Label matchers (`=`, `!=`, `=~`, `!~`, as in Alertmanager), or Alertmanager’s matcher text',
    }),
    startsAt: z.iso.datetime({ offset: true }).optional().meta({ description: 'Default: now' }),
    endsAt: z.iso.datetime({ offset: true }).optional(),
    duration: durationSchema.optional().meta({ description: 'Instead of endsAt: 30m, 2h, 1d…' }),
    reason: z.string().trim().min(1, 'reason is required.').max(1000).optional(),
    comment: z
      .string()
      .trim()
      .min(1)
      .max(1000)
      .optional()
      .meta({ description: 'Alertmanager’s name for reason' }),
    createdBy: z.string().trim().min(1).max(200).optional(),
  })
  .refine((s) => s.endsAt || s.duration, { message: 'Give endsAt or duration.', path: ['endsAt'] })
  .refine((s) => s.reason || s.comment, { message: 'reason is required.', path: ['reason'] });
export type SilenceInput = z.input<typeof silenceInputSchema>;

export const SILENCE_STATES = ['active', 'pending', 'expired'] as const;
export type SilenceState = (typeof SILENCE_STATES)[number];

export interface SilenceDto {
  id: string;
  matchers: Matcher[];
  /** The matchers in Alertmanager's syntax. */
  matchersText: string;
  state: SilenceState;
  startsAt: string;
  endsAt: string;
  reason: string;
  createdBy: string;
  incidentId: string | null;
  expiredBy: string | null;
  createdAt: string;
}

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use HH:MM (24-hour clock).');

export const windowRuleSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('once'),
    startsAt: z.iso.datetime({ offset: true }),
    endsAt: z.iso.datetime({ offset: true }),
  }),
  z.object({
    kind: z.literal('weekly'),
    days: z.array(z.enum(WEEKDAYS)).min(1, 'name at least one day.'),
    start: hhmm,
    end: hhmm,
  }),
]) satisfies z.ZodType<WindowRule>;

/** A maintenance window as the API and `opswatch apply` take it. */
export const windowInputSchema = z
  .object({
    service: z.string().trim().min(1, 'service is required.').max(200),
    name: z.string().trim().min(1, 'name is required.').max(200),
    timeZone: timeZoneSchema.default('UTC').meta({ description: 'IANA zone the weekly times are in' }),
    rule: windowRuleSchema,
  })
  .refine((w) => w.rule.kind !== 'once' || Date.parse(w.rule.endsAt) > Date.parse(w.rule.startsAt), {
    message: 'endsAt must be after startsAt.',
    path: ['rule', 'endsAt'],
  })
  .refine((w) => w.rule.kind !== 'weekly' || w.rule.start !== w.rule.end, {
    message: 'start and end must differ.',
    path: ['rule', 'end'],
  });
export type WindowInput = z.input<typeof windowInputSchema>;

export interface WindowDto {
  id: string;
  service: string;
  name: string;
  timeZone: string;
  rule: WindowRule;
  /** The occurrence under way now, if any; else the next one (within a year). */
  active: boolean;
  current: { startsAt: string; endsAt: string } | null;
  createdBy: string;
  createdAt: string;
}
