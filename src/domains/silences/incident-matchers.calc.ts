import type { Matcher } from './matchers.calc.js';

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The matchers "Silence 1h" on an incident's card uses: the fields OpsWatch groups alerts into an incident by
 * default — `alertname` (each alert's label, or its title), `service` and `environment` — so the silence holds
 * back the alerts of this incident and of the incident they would open next, and nothing of other services.
 * Several alert names become one `=~` alternation (at most 20; beyond, the name is left out). An incident with
 * no alerts (declared) is matched by service and environment.
 */
export function incidentMatchers(
  incident: { service: string; environment: string },
  alerts: readonly { title: string; labels: Record<string, string> }[],
): Matcher[] {
  const names = [...new Set(alerts.map((a) => a.labels.alertname ?? a.title))].sort();
  const out: Matcher[] = [];
  if (names.length === 1) out.push({ name: 'alertname', op: '=', value: names[0]! });
  else if (names.length > 1 && names.length <= 20)
    out.push({ name: 'alertname', op: '=~', value: names.map(escapeRegex).join('|') });
  out.push({ name: 'service', op: '=', value: incident.service });
  if (incident.environment) out.push({ name: 'environment', op: '=', value: incident.environment });
  return out;
}
