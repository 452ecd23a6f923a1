import { z } from 'zod';
import { AppError, fieldsFromZod } from '../../../shared/errors.js';
import type { NormalizedAlert } from '../alerts.types.js';
import { alertGroupFields, alertmanagerAlertSchema, normalizeGroupedAlert } from './alertmanager.source.js';

/** One alert of a Grafana unified-alerting webhook: Alertmanager's alert plus Grafana's links and values. */
export const grafanaAlertSchema = z.looseObject({
  ...alertmanagerAlertSchema.shape,
  silenceURL: z.string().nullish(),
  dashboardURL: z.string().nullish(),
  panelURL: z.string().nullish(),
  imageURL: z.string().nullish(),
  values: z.record(z.string(), z.unknown()).nullish(),
  valueString: z.string().nullish(),
});

/** Grafana 9+ "webhook" contact point body (`version: "1"`). Unknown fields are kept, not rejected. */
export const grafanaBodySchema = z.looseObject({
  ...alertGroupFields,
  orgId: z.number().int().nullish(),
  title: z.string().nullish(),
  state: z.string().nullish(),
  message: z.string().nullish(),
  alerts: z.array(grafanaAlertSchema),
});

export type GrafanaAlert = z.infer<typeof grafanaAlertSchema>;
export type GrafanaBody = z.infer<typeof grafanaBodySchema>;

/** Parses a Grafana webhook body into one NormalizedAlert per alert. */
export function parseGrafana(body: unknown): NormalizedAlert[] {
  const parsed = grafanaBodySchema.safeParse(body);
  if (!parsed.success) {
    throw AppError.validation('The Grafana payload is not valid.', fieldsFromZod(parsed.error.issues));
  }
  const group = parsed.data;
  return group.alerts.map((alert) =>
    normalizeGroupedAlert('grafana', alert, group, [
      { href: alert.dashboardURL, text: 'Dashboard' },
      { href: alert.panelURL, text: 'Panel' },
      { href: alert.generatorURL, text: 'Source' },
      { href: alert.silenceURL, text: 'Silence' },
    ]),
  );
}
