import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AppError, fieldsFromZod } from '../../../shared/errors.js';
import type { NormalizedAlert, Severity } from '../alerts.types.js';
import { environmentFrom, linksFrom, serviceFrom } from '../labels.calc.js';

export const KEEP_MAX_ALERTS = 10_000;

/**
 * Keep's severities (its `AlertSeverity`, most urgent first) and the OpsWatch severity of each. Keep ranks `info`
 * above `low`, so they map in that order (unlike OpsWatch's general table, where `low` is P4 and `info` P5).
 */
export const KEEP_SEVERITIES = {
  critical: 1,
  high: 2,
  warning: 3,
  info: 4,
  low: 5,
} as const satisfies Record<string, Severity>;

/**
 * What each Keep status does: `firing` fires, `resolved` resolves, `acknowledged` acknowledges the incident the
 * alert is in (as PagerDuty's acknowledge does); `suppressed` (dismissed in Keep), `maintenance` (in a Keep
 * maintenance window) and `pending` (no data yet) are not alerts to act on and are skipped.
 */
export const KEEP_STATUSES = {
  firing: 'firing',
  resolved: 'resolved',
  acknowledged: 'acknowledged',
  suppressed: null,
  maintenance: null,
  pending: null,
} as const satisfies Record<string, NormalizedAlert['action'] | null>;

const stringish = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const optionalText = (max: number) => z.string().max(max).nullish();
const instant = z.string().refine((v) => !Number.isNaN(Date.parse(v)), {
  message: 'Expected an ISO 8601 timestamp.',
});
const lowercase = (values: readonly string[]) =>
  z
    .string()
    .transform((v) => v.trim().toLowerCase())
    .pipe(z.enum(values as [string, ...string[]]));

/** One alert as Keep's webhook provider sends it (Keep's `AlertDto`). Unknown fields are kept, not rejected. */
export const keepAlertSchema = z.looseObject({
  id: z.string().max(255).nullish(),
  name: z.string().trim().min(1).max(500),
  status: lowercase(Object.keys(KEEP_STATUSES)),
  severity: lowercase(Object.keys(KEEP_SEVERITIES)).nullish(),
  lastReceived: instant.nullish(),
  firingStartTime: instant.nullish(),
  startedAt: instant.nullish(),
  environment: optionalText(200),
  service: optionalText(200),
  source: z.array(z.string().max(200)).max(50).nullish(),
  message: optionalText(10_000),
  description: optionalText(10_000),
  url: optionalText(2048),
  imageUrl: optionalText(2048),
  labels: z.record(z.string().min(1).max(200), stringish.nullable()).nullish(),
  fingerprint: z.string().trim().min(1).max(255).nullish(),
});

const keepListSchema = z.array(keepAlertSchema).min(1).max(KEEP_MAX_ALERTS);

/** One alert (what `body: "{{ alert }}"` sends) or a list of them. */
export const keepBodySchema = z.union([keepAlertSchema, keepListSchema]);

export type KeepAlert = z.infer<typeof keepAlertSchema>;

/** Keep's own rule when an alert has no fingerprint: sha256 of its name (keep/api/models/alert.py). */
export function keepFingerprint(alert: Pick<KeepAlert, 'fingerprint' | 'name'>): string {
  return alert.fingerprint ?? createHash('sha256').update(alert.name).digest('hex');
}

const present = (v: string | null | undefined): v is string => typeof v === 'string' && v.trim() !== '';

function labelsOf(alert: KeepAlert): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(alert.labels ?? {})) if (v !== null) labels[k] = v;
  if (alert.source?.length && labels.keep_source === undefined) labels.keep_source = alert.source.join(',');
  return labels;
}

/** A Keep alert as OpsWatch's alert event; null for statuses OpsWatch does not act on. */
export function normalizeKeep(alert: KeepAlert): NormalizedAlert | null {
  const action = KEEP_STATUSES[alert.status as keyof typeof KEEP_STATUSES];
  if (!action) return null;
  const labels = labelsOf(alert);
  const annotations: Record<string, string> = {};
  if (present(alert.message)) annotations.message = alert.message;
  if (present(alert.description)) annotations.description = alert.description;
  const started = alert.firingStartTime ?? alert.startedAt ?? alert.lastReceived;
  return {
    source: 'keep',
    dedupKey: keepFingerprint(alert),
    action,
    title: alert.name,
    description: present(alert.description)
      ? alert.description
      : present(alert.message)
        ? alert.message
        : null,
    service: present(alert.service) ? alert.service : serviceFrom(labels),
    environment: present(alert.environment) ? alert.environment : environmentFrom(labels),
    severity: alert.severity ? KEEP_SEVERITIES[alert.severity as keyof typeof KEEP_SEVERITIES] : 3,
    labels,
    annotations,
    links: linksFrom(annotations, [
      { href: alert.url, text: 'Alert' },
      { href: alert.imageUrl, text: 'Image' },
    ]),
    startsAt: action === 'firing' && started ? new Date(started) : null,
    endsAt: action === 'resolved' && alert.lastReceived ? new Date(alert.lastReceived) : null,
    sourceGroupKey: null,
    raw: { alert },
  };
}

/** Parses a Keep webhook body (one alert or a list) into the alerts OpsWatch acts on. */
export function parseKeep(body: unknown): NormalizedAlert[] {
  // Parsed with the schema of the shape it has, so the problems name the fields at fault.
  const parsed = Array.isArray(body) ? keepListSchema.safeParse(body) : keepAlertSchema.safeParse(body);
  if (!parsed.success) {
    throw AppError.validation('The Keep alert payload is not valid.', fieldsFromZod(parsed.error.issues));
  }
  const list: KeepAlert[] = Array.isArray(parsed.data) ? parsed.data : [parsed.data];
  return list.flatMap((a) => normalizeKeep(a) ?? []);
}
