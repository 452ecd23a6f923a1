import { z } from 'zod';
import { AppError, fieldsFromZod } from '../../../shared/errors.js';
import type { AlertSource, NormalizedAlert } from '../alerts.types.js';
import {
  descriptionFrom,
  environmentFrom,
  labelsFingerprint,
  linksFrom,
  type MaybeLink,
  serviceFrom,
  severityFrom,
  titleFrom,
} from '../labels.calc.js';

export const stringMapSchema = z.record(z.string(), z.string());

/** A timestamp as Go writes it (RFC 3339, up to nanoseconds). */
export const goTimestampSchema = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), { message: 'Expected an RFC 3339 timestamp.' });

/** Absent, empty or Go's zero time (`0001-01-01T00:00:00Z`, "not ended") → null. */
export function goTime(value: string | null | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) || date.getUTCFullYear() <= 1 ? null : date;
}

export const alertmanagerAlertSchema = z.looseObject({
  status: z.enum(['firing', 'resolved']),
  labels: stringMapSchema,
  annotations: stringMapSchema.nullish(),
  startsAt: goTimestampSchema.nullish(),
  endsAt: goTimestampSchema.nullish(),
  generatorURL: z.string().nullish(),
  fingerprint: z.string().nullish(),
});

/** The group envelope Alertmanager (and Grafana, which extends it) wraps alerts in. */
export const alertGroupFields = {
  version: z.string().nullish(),
  groupKey: z.string().nullish(),
  truncatedAlerts: z.number().int().nonnegative().nullish(),
  status: z.enum(['firing', 'resolved']).nullish(),
  receiver: z.string().nullish(),
  groupLabels: stringMapSchema.nullish(),
  commonLabels: stringMapSchema.nullish(),
  commonAnnotations: stringMapSchema.nullish(),
  externalURL: z.string().nullish(),
};

/** Alertmanager webhook v4 body. Unknown fields are kept (in `raw`), not rejected. */
export const alertmanagerBodySchema = z.looseObject({
  ...alertGroupFields,
  alerts: z.array(alertmanagerAlertSchema),
});

export type AlertmanagerAlert = z.infer<typeof alertmanagerAlertSchema>;
export type AlertmanagerBody = z.infer<typeof alertmanagerBodySchema>;

type GroupEnvelope = Pick<
  AlertmanagerBody,
  'groupKey' | 'commonLabels' | 'commonAnnotations' | 'receiver' | 'externalURL'
>;

/**
 * One alert of an Alertmanager-style group as a NormalizedAlert: alert labels
 * and annotations over the common ones, the fingerprint as dedup key (computed
 * the way Alertmanager does when absent), the group key as source group key.
 */
export function normalizeGroupedAlert(
  source: AlertSource,
  alert: AlertmanagerAlert,
  group: GroupEnvelope,
  extraLinks: readonly MaybeLink[],
): NormalizedAlert {
  const labels = group.commonLabels ? { ...group.commonLabels, ...alert.labels } : { ...alert.labels };
  const ownAnnotations = alert.annotations ?? {};
  const annotations = group.commonAnnotations
    ? { ...group.commonAnnotations, ...ownAnnotations }
    : { ...ownAnnotations };
  return {
    source,
    dedupKey: alert.fingerprint || labelsFingerprint(alert.labels),
    action: alert.status,
    title: titleFrom(labels, annotations),
    description: descriptionFrom(annotations),
    service: serviceFrom(labels),
    environment: environmentFrom(labels),
    severity: severityFrom(labels),
    labels,
    annotations,
    links: linksFrom(annotations, extraLinks),
    startsAt: goTime(alert.startsAt),
    endsAt: goTime(alert.endsAt),
    sourceGroupKey: group.groupKey || null,
    raw: {
      alert,
      receiver: group.receiver ?? null,
      groupKey: group.groupKey ?? null,
      externalURL: group.externalURL ?? null,
    },
  };
}

/** Parses an Alertmanager webhook body into one NormalizedAlert per alert. */
export function parseAlertmanager(body: unknown): NormalizedAlert[] {
  const parsed = alertmanagerBodySchema.safeParse(body);
  if (!parsed.success) {
    throw AppError.validation('The Alertmanager payload is not valid.', fieldsFromZod(parsed.error.issues));
  }
  const group = parsed.data;
  return group.alerts.map((alert) =>
    normalizeGroupedAlert('alertmanager', alert, group, [{ href: alert.generatorURL, text: 'Source' }]),
  );
}
