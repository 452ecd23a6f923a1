import { z } from 'zod';
import type { NormalizedAlert } from './alerts.types.js';

const FIXED_FIELDS = ['service', 'environment', 'severity', 'source', 'alertname'] as const;
const LABEL_FIELD = /^labels\.[A-Za-z_][A-Za-z0-9_.\-/]*$/;

/** One thing alerts can be grouped by: a fixed field or `labels.<name>`. */
export const groupFieldSchema = z
  .string()
  .refine((field) => (FIXED_FIELDS as readonly string[]).includes(field) || LABEL_FIELD.test(field), {
    message: `Use one of ${FIXED_FIELDS.join(', ')} or labels.<name>.`,
  });

/**
 * How alerts are grouped into incidents.
 * - `'auto'` (default): the source's own group key (Alertmanager/Grafana `groupKey`)
 *   when there is one, else service + environment + alertname.
 * - a list of fields: group by exactly those, in that order.
 */
export const groupingSettingsSchema = z.object({
  by: z
    .union([
      z.literal('auto'),
      z
        .array(groupFieldSchema)
        .min(1)
        .max(10)
        .refine((fields) => new Set(fields).size === fields.length, { message: 'List each field once.' }),
    ])
    .default('auto'),
});

export type GroupingSettings = z.infer<typeof groupingSettingsSchema>;

export const DEFAULT_GROUPING: GroupingSettings = { by: 'auto' };

export const AUTO_GROUP_FIELDS: readonly string[] = ['service', 'environment', 'alertname'];

/** The alert's value for one group field; `alertname` falls back to the title for sources without one. */
export function groupFieldValue(alert: NormalizedAlert, field: string): string {
  switch (field) {
    case 'service':
      return alert.service;
    case 'environment':
      return alert.environment;
    case 'severity':
      return `P${alert.severity}`;
    case 'source':
      return alert.source;
    case 'alertname':
      return alert.labels.alertname ?? alert.title;
    default:
      return field.startsWith('labels.') ? (alert.labels[field.slice('labels.'.length)] ?? '') : '';
  }
}

/** Keeps `|` as the separator: a literal `|` or `\` inside a value is backslash-escaped. */
function escapeValue(value: string): string {
  return value.replace(/[\\|]/g, (c) => `\\${c}`);
}

/**
 * A stable, human-readable key: alerts with equal keys belong to the same incident.
 * `alertmanager|{}:{alertname="X"}` when the source grouped them,
 * else `labels|service=api|environment=prod|alertname=HighLatency`.
 */
export function groupKeyFor(alert: NormalizedAlert, settings: GroupingSettings = DEFAULT_GROUPING): string {
  if (settings.by === 'auto' && alert.sourceGroupKey) return `${alert.source}|${alert.sourceGroupKey}`;
  const fields = settings.by === 'auto' ? AUTO_GROUP_FIELDS : settings.by;
  const parts = fields.map((field) => `${field}=${escapeValue(groupFieldValue(alert, field))}`);
  return ['labels', ...parts].join('|');
}
