import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AppError, fieldsFromZod } from '../../../shared/errors.js';
import type { NormalizedAlert, Severity } from '../alerts.types.js';
import { descriptionFrom, environmentFrom, linksFrom, serviceFrom, severityFrom } from '../labels.calc.js';
import { mapSeverity } from '../severity.calc.js';

export const GENERIC_MAX_ALERTS = 10_000;

/** Label and annotation values: strings, or numbers/booleans turned into strings. */
const stringish = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const stringMap = z.record(z.string().min(1).max(200), stringish);
const name = z.string().trim().min(1).max(200);
const instant = z.iso.datetime({ offset: true });

/** OpsWatch's own alert format (documented in generic.md). */
export const genericAlertSchema = z.object({
  title: z.string().trim().min(1).max(500),
  status: z.enum(['firing', 'resolved']).nullish(),
  severity: z.union([z.string().max(50), z.number().int().min(1).max(5)]).nullish(),
  service: name.nullish(),
  environment: name.nullish(),
  dedup_key: z.string().trim().min(1).max(255).nullish(),
  description: z.string().max(10_000).nullish(),
  labels: stringMap.nullish(),
  annotations: stringMap.nullish(),
  links: z
    .array(
      z.object({ href: z.url({ protocol: /^https?$/ }), text: z.string().trim().min(1).max(200).nullish() }),
    )
    .max(20)
    .nullish(),
  starts_at: instant.nullish(),
  ends_at: instant.nullish(),
});

export const genericBatchSchema = z.object({
  alerts: z.array(genericAlertSchema).min(1).max(GENERIC_MAX_ALERTS),
});

const singleSchema = genericAlertSchema.transform((alert) => ({ alerts: [alert] }));

export type GenericAlert = z.infer<typeof genericAlertSchema>;

/** The dedup key of an alert that brings none: sha256 of title, service and environment. */
export function genericDedupKey(title: string, service: string, environment: string): string {
  return createHash('sha256').update(`${title}\n${service}\n${environment}`).digest('hex');
}

/** `severity` (1…5 or a word from the severity table) → the `severity` label → P3. */
function severityOf(alert: GenericAlert, labels: Record<string, string>): Severity {
  if (alert.severity === undefined || alert.severity === null) return severityFrom(labels);
  return mapSeverity(String(alert.severity));
}

export function normalizeGeneric(alert: GenericAlert): NormalizedAlert {
  const labels = alert.labels ?? {};
  const annotations = alert.annotations ?? {};
  const service = alert.service ?? serviceFrom(labels);
  const environment = alert.environment ?? environmentFrom(labels);
  const links = (alert.links ?? []).map((l) => ({ href: l.href, text: l.text ?? 'Link' }));
  return {
    source: 'generic',
    dedupKey: alert.dedup_key ?? genericDedupKey(alert.title, service, environment),
    action: alert.status ?? 'firing',
    title: alert.title,
    description: alert.description ?? descriptionFrom(annotations),
    service,
    environment,
    severity: severityOf(alert, labels),
    labels,
    annotations,
    links: linksFrom(annotations, links),
    startsAt: alert.starts_at ? new Date(alert.starts_at) : null,
    endsAt: alert.ends_at ? new Date(alert.ends_at) : null,
    sourceGroupKey: null,
    raw: { alert },
  };
}

function isBatch(body: unknown): boolean {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && 'alerts' in body;
}

/** Parses one generic alert, or a batch `{ alerts: [...] }`, into NormalizedAlerts. */
export function parseGeneric(body: unknown): NormalizedAlert[] {
  const parsed = isBatch(body) ? genericBatchSchema.safeParse(body) : singleSchema.safeParse(body);
  if (!parsed.success) {
    throw AppError.validation('The alert payload is not valid.', fieldsFromZod(parsed.error.issues));
  }
  return parsed.data.alerts.map(normalizeGeneric);
}
