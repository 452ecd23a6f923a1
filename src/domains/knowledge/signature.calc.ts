/**
 * An incident's signature: what makes two incidents occurrences of one known problem. Pure.
 *
 * - Alerts that carry an `alertname` label (Alertmanager, Grafana, and any source whose sender sets one): the
 *   service plus the sorted, distinct alert names — `checkout/HighLatency+PodCrashLooping`. Alert names are what
 *   a rule is called; instance, pod and host labels stay out, so the same rule firing on another replica matches.
 * - Other alerts (PagerDuty Events, generic JSON): the service plus the sorted, distinct titles with
 *   instance-like tokens taken out (numbers, IP addresses, UUIDs, hex ids) — `billing/~disk # full on db-#`.
 *   Their dedup keys are no good here: a PagerDuty sender without one gets a random key per event, and keys
 *   chosen by senders usually name the instance; the title is what the sender says is wrong.
 * The service is part of it, so the same alert name on another service is another problem.
 */
import { createHash } from 'node:crypto';

export interface SignatureAlert {
  title: string;
  labels: Record<string, string>;
}

/** Longest signature kept as is; longer ones keep their start and a hash of the whole. */
export const SIGNATURE_MAX = 300;

const INSTANCE_LIKE: readonly RegExp[] = [
  /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, // uuid
  /\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g, // IPv4 (and port)
  /\b(?=[0-9a-f]*\d)[0-9a-f]{8,}\b/gi, // hex ids, hashes
  /\d+(?:[.,]\d+)?/g, // numbers: counts, percentages, replica ordinals
];

/** A title without what changes from one instance or occurrence to the next. */
export function normalizeTitle(title: string): string {
  let t = title.toLowerCase();
  for (const re of INSTANCE_LIKE) t = t.replace(re, '#');
  return t
    .replace(/#(?:[#\s]*#)+/g, '#')
    .replace(/\s+/g, ' ')
    .trim();
}

const bounded = (s: string): string => {
  if (s.length <= SIGNATURE_MAX) return s;
  const hash = createHash('sha256').update(s).digest('hex').slice(0, 12);
  return `${s.slice(0, SIGNATURE_MAX - 13)}~${hash}`;
};

/** The signature of an incident of `service` with these alerts (none: the incident's own title stands in). */
export function incidentSignature(service: string, alerts: readonly SignatureAlert[], title: string): string {
  const svc = service.trim().toLowerCase() || 'unknown';
  const names = [...new Set(alerts.map((a) => a.labels.alertname?.trim()).filter((n): n is string => !!n))];
  if (names.length) return bounded(`${svc}/${names.sort().join('+')}`);
  const titles = alerts.length ? alerts.map((a) => a.title) : [title];
  const normalized = [...new Set(titles.map(normalizeTitle).filter(Boolean))].sort();
  return bounded(`${svc}/~${normalized.join('+') || 'untitled'}`);
}
