import type { z } from 'zod';
import type { AlertSource, NormalizedAlert } from '../alerts.types.js';
import { alertmanagerBodySchema, parseAlertmanager } from './alertmanager.source.js';
import { genericAlertSchema, genericBatchSchema, parseGeneric } from './generic.source.js';
import { grafanaBodySchema, parseGrafana } from './grafana.source.js';
import { keepBodySchema, parseKeep } from './keep.source.js';
import { pagerDutyEventSchema, parsePagerDuty } from './pagerduty.source.js';

/** One webhook's alert events, normalised; `routingKey` when the body carries its own credential. */
export interface ParsedWebhook {
  alerts: NormalizedAlert[];
  routingKey?: string;
}

/** A webhook format the alerts domain understands: how people call it, its body's schema, its parser. */
export interface WebhookSource {
  name: AlertSource;
  /** How the sender appears on the timeline, e.g. `Alertmanager (prod key)`. */
  label: string;
  /** The body's schema as the OpenAPI document shows it (the parser validates with the same schema). */
  schema: z.ZodType;
  /** Validates and normalises a body; throws AppError('validation') with the fields at fault. */
  parse(body: unknown): ParsedWebhook;
}

/** Every webhook source, by name. */
export const WEBHOOK_SOURCES: { readonly [S in AlertSource]: WebhookSource & { name: S } } = {
  alertmanager: {
    name: 'alertmanager',
    label: 'Alertmanager',
    schema: alertmanagerBodySchema,
    parse: (body) => ({ alerts: parseAlertmanager(body) }),
  },
  grafana: {
    name: 'grafana',
    label: 'Grafana',
    schema: grafanaBodySchema,
    parse: (body) => ({ alerts: parseGrafana(body) }),
  },
  generic: {
    name: 'generic',
    label: 'Generic webhook',
    schema: genericAlertSchema.or(genericBatchSchema),
    parse: (body) => ({ alerts: parseGeneric(body) }),
  },
  pagerduty: {
    name: 'pagerduty',
    label: 'PagerDuty Events v2',
    schema: pagerDutyEventSchema,
    parse: (body) => {
      const { routingKey, alert } = parsePagerDuty(body);
      return { alerts: [alert], routingKey };
    },
  },
  keep: {
    name: 'keep',
    label: 'Keep',
    schema: keepBodySchema,
    parse: (body) => ({ alerts: parseKeep(body) }),
  },
};

/** The source of this name, or undefined for a name OpsWatch does not know. */
export function webhookSource(name: string): WebhookSource | undefined {
  return Object.hasOwn(WEBHOOK_SOURCES, name) ? WEBHOOK_SOURCES[name as AlertSource] : undefined;
}
