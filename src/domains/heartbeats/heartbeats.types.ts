import { z } from 'zod';
import type { HeartbeatStatus } from './heartbeat.calc.js';
import { parseDuration } from './heartbeat.calc.js';

const MIN_INTERVAL = 60;
const MAX_SECONDS = 31 * 86_400;

/** A duration as people write it (`5m`, `1h30m`, `1d`) or a number of seconds, within [min, 31 days]. */
const duration = (field: string, min: number) =>
  z
    .union([z.number(), z.string()], { error: `${field} must be a duration such as 5m, 1h or 1d.` })
    .transform((v, ctx) => {
      const s = parseDuration(v);
      if (s === null) {
        ctx.addIssue({
          code: 'custom',
          message: `${field} must be a duration such as 90s, 5m, 1h30m or 1d.`,
        });
        return z.NEVER;
      }
      if (s < min || s > MAX_SECONDS) {
        ctx.addIssue({
          code: 'custom',
          message: `${field} must be between ${min === 0 ? '0s' : '1m'} and 31d.`,
        });
        return z.NEVER;
      }
      return s;
    });

const text = (field: string, max: number) =>
  z
    .string({ error: `${field} is required.` })
    .trim()
    .min(1, `${field} must not be empty.`)
    .max(max, `${field} is too long (${max} characters at most).`);

const severity = z
  .union([z.number().int().min(1).max(5), z.string().regex(/^[Pp]?[1-5]$/)], {
    error: 'severity must be 1–5 or P1–P5.',
  })
  .transform((v) => Number(String(v).replace(/^[Pp]/, '')));

/** A heartbeat monitor as the REST API and `opswatch apply` take it. */
export const heartbeatInputSchema = z.object({
  name: text('name', 200).meta({ description: 'Unique within the tenant, e.g. `nightly-backup`' }),
  service: text('service', 200).meta({ description: 'The service its incidents belong to' }),
  environment: text('environment', 200).optional(),
  interval: duration('interval', MIN_INTERVAL).meta({
    description: 'How often it is pinged: `5m`, `1h`, `1d`, or seconds (at least 60)',
  }),
  grace: duration('grace', 0)
    .optional()
    .meta({ description: 'How long a ping may be late before the monitor is down (default 5m)' }),
  severity: severity
    .optional()
    .meta({ description: 'Of the incident a missed heartbeat opens (default P2)' }),
  description: z.string().trim().max(2000, 'description is too long (2000 characters at most).').nullish(),
  paused: z
    .boolean()
    .optional()
    .meta({ description: 'A paused monitor is not watched until pinged or resumed' }),
});
export type HeartbeatInput = z.input<typeof heartbeatInputSchema>;
export type ParsedHeartbeat = z.output<typeof heartbeatInputSchema>;

/** A change: any of the fields, at least one. */
export const heartbeatPatchSchema = heartbeatInputSchema
  .partial()
  .refine((p) => Object.keys(p).length > 0, { message: 'Give at least one field to change.' });
export type HeartbeatPatch = z.output<typeof heartbeatPatchSchema>;

export const DEFAULT_GRACE_SECONDS = 300;
export const DEFAULT_SEVERITY = 2;

export interface HeartbeatDto {
  id: string;
  name: string;
  service: string;
  environment: string;
  severity: number;
  description: string | null;
  intervalSeconds: number;
  graceSeconds: number;
  /** up, late, down or paused, at the time of the answer. */
  status: HeartbeatStatus;
  /** Where to ping it (POST or GET); the token in it is its credential. Null for readers who may not change it. */
  pingUrl: string | null;
  token: string | null;
  lastPingAt: string | null;
  /** When the next ping is expected (last ping + interval); null while paused. */
  nextDueAt: string | null;
  /** When it goes down unless pinged (last ping + interval + grace); null while paused or down. */
  downAt: string | null;
  /** When the current outage began (the missed deadline); null unless down. */
  downSince: string | null;
  pings: number;
  createdAt: string;
  updatedAt: string;
}

/** What a ping answers. */
export interface PingResult {
  status: 'ok';
  heartbeat: string;
  /** The monitor was down: this ping resolved its alert (and the incident, when that was its last alert). */
  recovered: boolean;
  nextDueAt: string;
}
