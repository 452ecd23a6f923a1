import { activeOccurrence, type WindowSpec } from './maintenance.calc.js';
import { type Matcher, matchesLabels } from './matchers.calc.js';

export interface ActiveSilence {
  id: string;
  matchers: Matcher[];
  startsAt: Date;
  endsAt: Date;
}

export interface ServiceWindow extends WindowSpec {
  id: string;
  service: string;
}

export interface Subject {
  labels: Readonly<Record<string, string>>;
  service: string;
  environment: string;
  title: string;
}

export interface Hold {
  silenceId: string | null;
  windowId: string | null;
  until: Date;
}

/**
 * The labels a silence sees: the alert's own, plus `service`, `environment` and `alertname` (its title) for
 * alerts whose labels do not carry them (Grafana, generic JSON, PagerDuty events).
 */
export const silenceLabels = (a: Subject): Record<string, string> => ({
  service: a.service,
  environment: a.environment,
  alertname: a.title,
  ...a.labels,
});

/**
 * What holds an alert back at `now`: an active silence matching its labels (the one ending last), else an
 * occurrence under way of a maintenance window of its service (the one ending last); null when none does.
 */
export function holdFor(
  silences: readonly ActiveSilence[],
  windows: readonly ServiceWindow[],
  a: Subject,
  now: Date,
): Hold | null {
  const t = now.getTime();
  const labels = silenceLabels(a);
  let best: Hold | null = null;
  for (const s of silences) {
    if (s.startsAt.getTime() > t || s.endsAt.getTime() <= t) continue;
    if (best && best.until >= s.endsAt) continue;
    if (matchesLabels(s.matchers, labels)) best = { silenceId: s.id, windowId: null, until: s.endsAt };
  }
  if (best) return best;
  for (const w of windows) {
    if (w.service !== a.service) continue;
    const occ = activeOccurrence(w, now);
    if (occ && (!best || occ.end > best.until)) best = { silenceId: null, windowId: w.id, until: occ.end };
  }
  return best;
}
