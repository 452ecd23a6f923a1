import { z } from 'zod';
import { parseCadence } from './domains/incidents/cadence.calc.js';

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const url = (what: string) =>
  z
    .string()
    .trim()
    .transform((v) => (v === '' ? undefined : v))
    .optional()
    .refine((v) => v === undefined || URL.canParse(v), { message: `expected ${what}` });

const envSchema = z.object({
  DATABASE_URL: url('a PostgreSQL URL such as postgresql://user@host:5432/db'),
  OPSWATCH_DATA_DIR: z.string().trim().min(1).default('./data'),
  PORT: z.coerce.number().int('expected a whole number').min(0).max(65535).default(3000),
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  OPSWATCH_API_KEY: optionalString.refine((v) => v === undefined || v.length >= 16, {
    message: 'expected at least 16 characters',
  }),
  PUBLIC_BASE_URL: url('an http(s) URL such as https://opswatch.example.com'),
  SLACK_BOT_TOKEN: optionalString,
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: optionalString,
  SLACK_API_URL: url('an http(s) URL'),
  SLACK_DEFAULT_CHANNEL: optionalString,
  SLA_REPORT_CHANNEL: optionalString,
  TWILIO_ACCOUNT_SID: optionalString,
  TWILIO_AUTH_TOKEN: optionalString,
  TWILIO_FROM_NUMBER: optionalString,
  TWILIO_API_URL: url('an http(s) URL'),
  AGENDA_MONGO_URL: optionalString,
  ENGINE_TICK_SECONDS: z.coerce
    .number()
    .positive('expected a positive number of seconds')
    .max(3600)
    .default(5),
  INCIDENT_CHANNEL_ARCHIVE_HOURS: z.coerce
    .number()
    .int('expected a whole number of hours')
    .min(0, 'expected a number of hours (0: at once)')
    .max(8760)
    .default(24),
  /** Retention of Bronze (raw error logs), in days, 3–30. */
  TELEMETRY_BRONZE_RETENTION_DAYS: z.coerce
    .number()
    .int('expected a whole number of days')
    .min(3)
    .max(30)
    .default(7),
  /** Retention of Silver minute rollups, in days. */
  TELEMETRY_MINUTE_RETENTION_DAYS: z.coerce
    .number()
    .int('expected a whole number of days')
    .min(1)
    .max(3660)
    .default(30),
  /** Retention of Silver hour rollups, in days. */
  TELEMETRY_HOUR_RETENTION_DAYS: z.coerce
    .number()
    .int('expected a whole number of days')
    .min(1)
    .max(36600)
    .default(90),
  /** A metric's unique tag combinations past which its tenant's admins are warned in Slack (once). */
  TELEMETRY_CARDINALITY_WARN: z.coerce.number().int('expected a whole number').min(1).default(10_000),
  /** A metric's unique tag combinations past which new combinations are no longer stored. */
  TELEMETRY_CARDINALITY_LIMIT: z.coerce.number().int('expected a whole number').min(1).default(50_000),
  /** Status update cadence per severity: `P1=30m,P2=60m` (the default), `off` for none. */
  UPDATE_CADENCE: optionalString.superRefine((v, ctx) => {
    try {
      parseCadence(v);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  }),
  /** The HMAC key of user ids in telemetry; unset: generated at first use and kept in the database. */
  TELEMETRY_HASH_SECRET: optionalString.refine((v) => v === undefined || v.length >= 16, {
    message: 'expected at least 16 characters',
  }),
  /** Kubernetes namespaces runbook actions may target, comma-separated (default `default`). */
  KUBERNETES_ALLOWED_NAMESPACES: optionalString,
  /** The kubeconfig file `kubernetes` runbook actions use (else KUBECONFIG; neither: the in-cluster account). */
  OPSWATCH_KUBECONFIG: optionalString,
  KUBECONFIG: optionalString,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.infer<typeof envSchema>;

export interface Config extends Env {
  publicBaseUrl: string;
  slackEnabled: boolean;
  /** TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER are set: SMS and calls go out. */
  twilioEnabled: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment; throws ConfigError listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '?');
      const value = env[name];
      const shown = value === undefined ? '(unset)' : JSON.stringify(value);
      return `${name}=${shown}: ${issue.message}`;
    });
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (Boolean(e.SLACK_BOT_TOKEN) !== Boolean(e.SLACK_SIGNING_SECRET) && !e.SLACK_APP_TOKEN) {
    problems.push(
      'SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET: expected both to be set (HTTP mode) or SLACK_BOT_TOKEN with SLACK_APP_TOKEN (Socket Mode)',
    );
  }
  if (e.TELEMETRY_CARDINALITY_LIMIT < e.TELEMETRY_CARDINALITY_WARN)
    problems.push('TELEMETRY_CARDINALITY_LIMIT: expected at least TELEMETRY_CARDINALITY_WARN');
  const twilio = [e.TWILIO_ACCOUNT_SID, e.TWILIO_AUTH_TOKEN, e.TWILIO_FROM_NUMBER];
  if (twilio.some(Boolean) && !twilio.every(Boolean))
    problems.push(
      'TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER: set all three for SMS and calls, or none',
    );
  if (e.TWILIO_ACCOUNT_SID && !/^AC[0-9a-fA-F]{32}$/.test(e.TWILIO_ACCOUNT_SID))
    problems.push(
      'TWILIO_ACCOUNT_SID: expected AC followed by 32 hex digits (the Account SID in Twilio’s console)',
    );
  if (e.TWILIO_FROM_NUMBER && !/^\+[1-9]\d{6,14}$/.test(e.TWILIO_FROM_NUMBER))
    problems.push('TWILIO_FROM_NUMBER: expected a phone number in E.164, e.g. +14155550100');
  if (problems.length) throw new ConfigError(problems);
  return {
    ...e,
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    slackEnabled: Boolean(e.SLACK_BOT_TOKEN && (e.SLACK_SIGNING_SECRET || e.SLACK_APP_TOKEN)),
    twilioEnabled: twilio.every(Boolean),
  };
}
