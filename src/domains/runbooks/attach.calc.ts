/**
 * Which runbooks an incident gets: one named by an alert's `runbook_url` annotation (its last path segment, or the
 * whole URL, equals the runbook's slug; or the URL is the runbook's configured `url`), else one whose matchers
 * match one of the incident's alerts (every matcher, Alertmanager's semantics; a runbook's `service`, when set,
 * must be the alert's service too). A runbook with neither matchers nor service is attached only by URL.
 */
import { type Matcher, matchesLabels } from '../silences/index.js';

export interface AttachAlert {
  title: string;
  service: string;
  environment: string;
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
}

export interface AttachRunbook {
  id: string;
  slug: string;
  url: string | null;
  service: string | null;
  matchers: readonly Matcher[];
}

export type AttachReason = 'runbook_url' | 'matchers';

const trimUrl = (u: string): string =>
  u
    .trim()
    .replace(/[?#].*$/, '')
    .replace(/\/+$/, '');

/** The slug-like names a `runbook_url` may give: its last path segment (with and without `.md`), and itself. */
export function urlNames(url: string): string[] {
  const whole = url.trim();
  const path = trimUrl(whole);
  const last = decodeURIComponent(path.slice(path.lastIndexOf('/') + 1)).toLowerCase();
  return [...new Set([whole, path, last, last.replace(/\.(md|markdown|html?)$/, '')].filter(Boolean))];
}

/** Whether a `runbook_url` names this runbook. */
export function urlNamesRunbook(url: string, rb: Pick<AttachRunbook, 'slug' | 'url'>): boolean {
  if (rb.url && trimUrl(rb.url) === trimUrl(url)) return true;
  return urlNames(url).includes(rb.slug);
}

/** An alert's labels as matchers see them: its service, environment and title fill in labels it lacks. */
export function matchLabels(a: AttachAlert): Record<string, string> {
  return { alertname: a.title, service: a.service, environment: a.environment, ...a.labels };
}

/** Whether the runbook's matchers (and service) match the alert. */
export function matchesAlert(rb: AttachRunbook, a: AttachAlert): boolean {
  if (rb.matchers.length === 0 && !rb.service) return false;
  if (rb.service && a.service !== rb.service) return false;
  return matchesLabels(rb.matchers, matchLabels(a));
}

/**
 * The runbooks to attach, each once with its reason (`runbook_url` wins over `matchers`), in the order of
 * `runbooks`. An incident without alerts (declared) is matched as one alert of its service and environment.
 */
export function attachmentsFor(
  incident: { title: string; service: string; environment: string },
  alerts: readonly AttachAlert[],
  runbooks: readonly AttachRunbook[],
): { runbookId: string; reason: AttachReason }[] {
  const seen = alerts.length ? alerts : [{ ...incident, labels: {}, annotations: {} }];
  const urls = seen.map((a) => a.annotations.runbook_url).filter((u): u is string => !!u?.trim());
  const out: { runbookId: string; reason: AttachReason }[] = [];
  for (const rb of runbooks) {
    if (urls.some((u) => urlNamesRunbook(u, rb))) out.push({ runbookId: rb.id, reason: 'runbook_url' });
    else if (seen.some((a) => matchesAlert(rb, a))) out.push({ runbookId: rb.id, reason: 'matchers' });
  }
  return out;
}
