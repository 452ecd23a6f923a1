/**
 * Benchmark alerts in the shapes Alertmanager produces: webhook v4 groups (what Alertmanager POSTs to
 * OpsWatch) and v2 API alerts (what Prometheus POSTs to Alertmanager). The same sequence number yields the
 * same alert in both shapes, so OpsWatch and the Alertmanager baseline are fed identical alerts.
 */
import { createHash } from 'node:crypto';
import type { Shot } from './load.js';

export interface BenchAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

const GO_ZERO_TIME = '0001-01-01T00:00:00Z';
const SERVICES = ['checkout', 'payments', 'search', 'auth', 'catalog', 'cart', 'billing', 'shipping'];

/** Alert `seq` of a run; `group` is its Alertmanager group (the `group` label, as in `group_by: [group]`). */
export function benchAlert(runId: string, seq: number, group: number): BenchAlert {
  const service = SERVICES[group % SERVICES.length] as string;
  const instance = `ip-10-0-${seq % 250}-${(seq >> 8) % 250}:9100`;
  const labels = {
    alertname: `Bench${['HighLatency', 'ErrorRate', 'DiskFull', 'PodCrashLooping', 'TargetDown'][group % 5]}`,
    group: `g${group}-${runId}`,
    service,
    env: 'prod',
    severity: group % 4 === 0 ? 'critical' : 'warning',
    job: 'node',
    instance,
    bench_id: String(seq),
  };
  const annotations = {
    summary: `${labels.alertname} on ${instance}`,
    description: `${service} in prod: value 0.97 has been above 0.9 for 5 minutes (bench alert ${seq}).`,
    runbook_url: `https://runbooks.example/${labels.alertname.toLowerCase()}`,
  };
  return {
    labels,
    annotations,
    startsAt: new Date(Date.UTC(2026, 10, 22, 12) + seq).toISOString(),
    endsAt: GO_ZERO_TIME,
    generatorURL: `http://prometheus.example:9090/graph?g0.expr=bench_value%7Bbench_id%3D%22${seq}%22%7D&g0.tab=1`,
    fingerprint: createHash('sha256').update(`${runId}/${seq}`).digest('hex').slice(0, 16),
  };
}

function common(maps: readonly Record<string, string>[]): Record<string, string> {
  const [first, ...rest] = maps;
  if (!first) return {};
  return Object.fromEntries(Object.entries(first).filter(([k, v]) => rest.every((m) => m[k] === v)));
}

/** An Alertmanager webhook v4 body for alerts of one group, as Alertmanager would send it. */
export function webhookBody(alerts: readonly BenchAlert[]): unknown {
  const commonLabels = common(alerts.map((a) => a.labels));
  const group = commonLabels.group ?? alerts[0]?.labels.group ?? 'none';
  return {
    receiver: 'opswatch',
    status: 'firing',
    alerts: alerts.map((a) => ({ status: 'firing', ...a })),
    groupLabels: { group },
    commonLabels,
    commonAnnotations: common(alerts.map((a) => a.annotations)),
    externalURL: 'http://alertmanager.example:9093',
    version: '4',
    groupKey: `{}:{group="${group}"}`,
    truncatedAlerts: 0,
  };
}

/** An Alertmanager v2 API body (`POST /api/v2/alerts`). */
export function apiV2Body(alerts: readonly BenchAlert[]): unknown {
  return alerts.map((a) => ({
    labels: a.labels,
    annotations: a.annotations,
    startsAt: a.startsAt,
    generatorURL: a.generatorURL,
  }));
}

export type Shape = 'webhook' | 'api-v2';

/**
 * Prepares `requests` request bodies of `perRequest` alerts each, numbering alerts from `firstSeq`.
 * Alerts of one request share a group (Alertmanager sends one group per POST); requests rotate over `groups`
 * (with `groups` = `requests` and a fresh `firstGroup`, every request is a group of its own: a new incident).
 */
export function makeShots(
  shape: Shape,
  runId: string,
  firstSeq: number,
  requests: number,
  perRequest: number,
  groups: number,
  /** The first group's number: requests use groups firstGroup … firstGroup + groups - 1. */
  firstGroup = 0,
): Shot[] {
  const shots: Shot[] = [];
  for (let r = 0; r < requests; r++) {
    const group = firstGroup + (r % groups);
    const alerts = Array.from({ length: perRequest }, (_, i) =>
      benchAlert(runId, firstSeq + r * perRequest + i, group),
    );
    const body = shape === 'webhook' ? webhookBody(alerts) : apiV2Body(alerts);
    shots.push({ body: Buffer.from(JSON.stringify(body)), alerts: perRequest });
  }
  return shots;
}

/** OpsWatch's answer must say every alert of the request was created: they are all new. */
export function opswatchCheck(body: string, shot: Shot): string | null {
  try {
    const r = JSON.parse(body) as { created?: unknown };
    return r.created === shot.alerts
      ? null
      : `expected created=${shot.alerts}, got created=${String(r.created)}`;
  } catch {
    return `200 with a body that is not JSON: ${body.slice(0, 80)}`;
  }
}
