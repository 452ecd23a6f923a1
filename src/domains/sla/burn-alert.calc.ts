import type { NormalizedAlert } from '../alerts/index.js';
import type { BurnVerdict } from './burn.calc.js';
import { BURN_RULES } from './burn.calc.js';
import type { RecentError } from './sla.ports.js';

export interface BurnAlertFacts {
  definitionKey: string;
  service: string;
  target: number;
  metricLabel: string;
  /** When the burn started (the alert episode's start). */
  since: Date;
  verdict: BurnVerdict;
  recentErrors: readonly RecentError[];
}

/** Every burn episode of one SLA shares this key (a new burn after one stopped is a new episode). */
export const burnDedupKey = (definitionKey: string) => `sla-burn:${definitionKey}`;

const rate = (n: number | undefined) => `${(n ?? 0).toFixed(1)}×`;

function common(f: BurnAlertFacts): Omit<NormalizedAlert, 'action' | 'endsAt'> {
  const rule = BURN_RULES.find((r) => r.name === f.verdict.rule) ?? BURN_RULES[0]!;
  const rates = f.verdict.rates;
  const errors = f.recentErrors.length
    ? `\n\nRecent errors of ${f.service}:\n${f.recentErrors
        .map((e) => `• ${e.at.toISOString()} ${e.level}: ${e.message.slice(0, 300)}`)
        .join('\n')}`
    : '';
  return {
    source: 'sla',
    dedupKey: burnDedupKey(f.definitionKey),
    title: `Error budget burning: ${f.service} (${rate(rates[rule.longMinutes])} over ${rule.longMinutes / 60} h)`,
    description:
      `The ${f.target}% ${f.metricLabel} SLA of ${f.service} is spending its error budget ${rate(rates[rule.longMinutes])} ` +
      `faster than sustainable over the last ${rule.longMinutes} min (${rate(rates[rule.shortMinutes])} over the last ` +
      `${rule.shortMinutes} min); rule: ${rule.factor}× over both.` +
      ` Burn rates: 5 min ${rate(rates[5])}, 30 min ${rate(rates[30])}, 1 h ${rate(rates[60])}, 6 h ${rate(rates[360])}.` +
      errors,
    service: f.service,
    environment: 'production',
    severity: rule.name === 'fast' ? 1 : 2,
    labels: { alertname: 'ErrorBudgetBurn', service: f.service, rule: rule.name },
    annotations: {},
    links: [],
    startsAt: f.since,
    sourceGroupKey: `sla:${f.definitionKey}`,
    raw: { sla: { definitionKey: f.definitionKey, rule: rule.name, rates } },
  };
}

export const burnFiringAlert = (f: BurnAlertFacts): NormalizedAlert => ({
  ...common(f),
  action: 'firing',
  endsAt: null,
});
export const burnResolvedAlert = (f: BurnAlertFacts, at: Date): NormalizedAlert => ({
  ...common(f),
  action: 'resolved',
  endsAt: at,
});
