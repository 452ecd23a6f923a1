/**
 * Webhook parsing benchmark: the alerts domain's source parsers (validation + normalisation) on one 10,000-alert
 * request each — the largest group Alertmanager sends in one POST (~3.4 MB) — against `JSON.parse` of the same
 * body, measured in the same run. In-process, no database.
 *
 *   npx tsx bench/parse.ts        (BENCH_RUNS: timed parses per source, default 20; BENCH_ALERTS: default 10000)
 *
 * Goal: a 10,000-alert request parsed in < 2,000 ms at p99 (Alertmanager cuts a request off after 10 s).
 */
import { readFileSync } from 'node:fs';
import { WEBHOOK_SOURCES } from '../src/domains/alerts/index.js';
import { fmtInt, fmtMs, fmtRatio, percentile, table } from './lib/stats.js';

const num = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return process.env[name] && Number.isFinite(v) && v > 0 ? v : fallback;
};
const RUNS = Math.round(num('BENCH_RUNS', 20));
const ALERTS = Math.round(num('BENCH_ALERTS', 10_000));
const GOAL_MS = 2_000;

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../test/fixtures/${name}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;

const amAlert = (i: number) => ({
  status: 'firing',
  labels: { alertname: 'PerfTest', id: String(i), run: 'bench', severity: 'critical', instance: `web-${i}` },
  annotations: { summary: `perf alert ${i}`, runbook_url: 'https://runbooks.example/perf' },
  startsAt: '2026-11-22T13:50:37.481Z',
  endsAt: '0001-01-01T00:00:00Z',
  generatorURL: 'http://127.0.0.1/perf',
  fingerprint: i % 2 === 0 ? i.toString(16).padStart(16, '0') : undefined,
});
const many = <T>(f: (i: number) => T) => Array.from({ length: ALERTS }, (_, i) => f(i));

const bodies = {
  alertmanager: { ...fixture('alertmanager/api-v2-push-firing.json'), alerts: many(amAlert) },
  grafana: { ...fixture('grafana/firing.json'), alerts: many(amAlert) },
  generic: {
    alerts: many((i) => ({
      title: `perf alert ${i}`,
      severity: 'P2',
      service: 'web',
      dedup_key: `perf-${i}`,
      labels: { instance: `web-${i}` },
    })),
  },
} as const;

function time(fn: () => unknown): number {
  const started = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const rows: string[][] = [];
const verdicts: string[] = [];
for (const [name, body] of Object.entries(bodies) as [keyof typeof bodies, unknown][]) {
  const text = JSON.stringify(body);
  const source = WEBHOOK_SOURCES[name];
  const parsed = source.parse(JSON.parse(text)).alerts;
  if (parsed.length !== ALERTS) throw new Error(`${name}: parsed ${parsed.length} of ${ALERTS} alerts`);
  for (let i = 0; i < 3; i++) source.parse(JSON.parse(text)); // warm up
  const parse: number[] = [];
  const json: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const input = JSON.parse(text);
    parse.push(time(() => source.parse(input)));
    json.push(time(() => JSON.parse(text)));
  }
  const p50 = percentile(parse, 0.5);
  const p99 = percentile(parse, 0.99);
  rows.push([
    name,
    `${(text.length / 1024 / 1024).toFixed(1)} MB`,
    fmtMs(p50),
    fmtMs(p99),
    fmtInt((ALERTS / p50) * 1000),
    fmtMs(percentile(json, 0.5)),
    fmtRatio(p50 / percentile(json, 0.5)),
  ]);
  verdicts.push(
    `  ${name.padEnd(13)} p99 ${fmtMs(p99)} ms < ${fmtInt(GOAL_MS)} ms  ${p99 < GOAL_MS ? 'PASS' : 'FAIL'}`,
  );
}

console.log(
  `Webhook parsing — ${new Date().toISOString()}, Node ${process.version}, ${fmtInt(ALERTS)} alerts per request, ${RUNS} runs\n`,
);
console.log(
  table(['source', 'body', 'p50 ms', 'p99 ms', 'alerts/s', 'JSON.parse p50 ms', 'parse / JSON.parse'], rows),
);
console.log(`\ngoal: a ${fmtInt(ALERTS)}-alert request parsed (validated + normalised) at p99 in < 2 s`);
console.log(verdicts.join('\n'));
