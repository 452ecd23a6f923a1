import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { AppError } from '../../../shared/errors.js';
import { parseAlertmanager } from './alertmanager.source.js';

const FIXTURES = new URL('../../../../test/fixtures/alertmanager/', import.meta.url);

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as Record<string, unknown>;
}

function validationError(body: unknown): AppError {
  try {
    parseAlertmanager(body);
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a validation error');
}

const PERF_GROUP_KEY = '{}:{alertname="PerfTest", id="0", run="smoke", severity="critical"}';
const RULE_GROUP_KEY = '{}:{alertname="AlwaysFiring", severity="critical", team="peers-e2e"}';

describe('parseAlertmanager', () => {
  it.each(readdirSync(FIXTURES).filter((f) => f.endsWith('.json')))('accepts the fixture %s', (name) => {
    const body = fixture(name);
    const alerts = parseAlertmanager(body);
    expect(alerts).toHaveLength((body.alerts as unknown[]).length);
    for (const alert of alerts) {
      expect(alert.source).toBe('alertmanager');
      expect(alert.action).toBe(name.includes('resolved') ? 'resolved' : 'firing');
      expect(alert.sourceGroupKey).toBe(body.groupKey);
      expect(alert.dedupKey).toMatch(/^[0-9a-f]{16}$/);
    }
  });

  it('maps a firing API push', () => {
    const [alert, ...rest] = parseAlertmanager(fixture('api-v2-push-firing.json'));
    expect(rest).toHaveLength(0);
    expect(alert).toMatchObject({
      dedupKey: 'ffb395a30d244b36',
      action: 'firing',
      title: 'perf alert 0',
      description: null,
      service: 'unknown',
      environment: 'production',
      severity: 1,
      sourceGroupKey: PERF_GROUP_KEY,
      links: [{ href: 'http://127.0.0.1/perf', text: 'Source' }],
      startsAt: new Date('2026-11-22T13:50:37.481Z'),
      endsAt: null,
    });
    expect(alert?.labels).toEqual({ alertname: 'PerfTest', id: '0', run: 'smoke', severity: 'critical' });
    expect(alert?.raw).toMatchObject({
      receiver: 'sink',
      groupKey: PERF_GROUP_KEY,
      externalURL: 'http://vm:43587',
    });
  });

  it('maps a resolved API push with its end time', () => {
    const [alert] = parseAlertmanager(fixture('api-v2-push-resolved.json'));
    expect(alert).toMatchObject({
      dedupKey: 'ffb395a30d244b36',
      action: 'resolved',
      endsAt: new Date('2026-11-22T13:50:40.062Z'),
    });
  });

  it('maps a group of two alerts, each with its own fingerprint and links', () => {
    const alerts = parseAlertmanager(fixture('grouped-two-alerts-firing.json'));
    expect(alerts.map((a) => a.dedupKey)).toEqual(['b1c11497b32ce15e', '5308e11450d376b3']);
    expect(alerts.map((a) => a.labels.instance)).toEqual(['web-1', 'web-2']);
    for (const alert of alerts) {
      expect(alert).toMatchObject({
        action: 'firing',
        service: 'checkout',
        environment: 'production',
        severity: 1,
        title: '5xx rate above 5%',
        sourceGroupKey: '{}:{alertname="HighErrorRate", service="checkout"}',
      });
    }
    expect(alerts[0]?.links).toEqual([
      { href: 'https://runbooks.example/5xx', text: 'Runbook' },
      { href: 'http://prometheus.local/graph', text: 'Source' },
    ]);
    expect(alerts[1]?.links).toEqual([{ href: 'http://prometheus.local/graph', text: 'Source' }]);
    expect(alerts[0]?.startsAt?.toISOString()).toBe('2026-11-22T14:12:29.671Z');
  });

  it('maps a Prometheus rule firing and resolving to the same dedup key', () => {
    const [firing] = parseAlertmanager(fixture('prometheus-rule-firing.json'));
    const [resolved] = parseAlertmanager(fixture('prometheus-rule-resolved.json'));
    for (const alert of [firing, resolved]) {
      expect(alert).toMatchObject({
        dedupKey: '2238f73f451fa1ed',
        title: 'vector(1) > 0 is always true',
        service: 'unknown',
        severity: 1,
        sourceGroupKey: RULE_GROUP_KEY,
      });
    }
    expect(firing?.action).toBe('firing');
    expect(resolved?.action).toBe('resolved');
    expect(resolved?.endsAt).toEqual(new Date('2026-11-22T13:59:29.912Z'));
  });

  it('computes the fingerprint Alertmanager would when it is missing', () => {
    const body = fixture('grouped-two-alerts-firing.json');
    const alerts = (body.alerts as Record<string, unknown>[]).map(({ fingerprint: _, ...alert }) => alert);
    const parsed = parseAlertmanager({ ...body, alerts });
    expect(parsed.map((a) => a.dedupKey)).toEqual(['b1c11497b32ce15e', '5308e11450d376b3']);
  });

  it('takes alert labels over common labels and tolerates nulls and unknown fields', () => {
    const [alert] = parseAlertmanager({
      version: '4',
      groupKey: null,
      commonLabels: { alertname: 'Disk', env: 'staging', job: 'node' },
      commonAnnotations: null,
      extra: { anything: true },
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'Disk', env: 'prod', severity: 'warning' },
          annotations: null,
          generatorURL: '',
          futureField: 1,
        },
      ],
    });
    expect(alert).toMatchObject({
      environment: 'prod',
      service: 'node',
      severity: 3,
      title: 'Disk',
      sourceGroupKey: null,
      startsAt: null,
      endsAt: null,
      links: [],
    });
    expect(alert?.raw).toMatchObject({ alert: { futureField: 1 } });
  });

  it('returns nothing for an empty group', () => {
    expect(parseAlertmanager({ alerts: [] })).toEqual([]);
  });

  it('rejects wrong shapes with the paths at fault', () => {
    const err = validationError({
      alerts: [
        { status: 'firing', labels: 'nope' },
        { status: 'burning', labels: {}, startsAt: 'yesterday' },
      ],
    });
    expect(err.code).toBe('validation');
    expect(err.message).toBe('The Alertmanager payload is not valid.');
    expect(err.fields.map((f) => f.field).sort()).toEqual([
      'alerts.0.labels',
      'alerts.1.startsAt',
      'alerts.1.status',
    ]);
    expect(validationError({}).fields.map((f) => f.field)).toEqual(['alerts']);
    expect(validationError('text').fields.map((f) => f.field)).toEqual(['(body)']);
    expect(validationError({ alerts: [{ status: 'firing', labels: { a: 1 } }] }).fields[0]?.field).toBe(
      'alerts.0.labels.a',
    );
  });

  // How fast: bench/parse.ts (no timings are asserted here).
  it('parses a 10,000-alert group, every alert with its own dedup key', () => {
    const alerts = Array.from({ length: 10_000 }, (_, i) => ({
      status: 'firing',
      labels: {
        alertname: 'PerfTest',
        id: String(i),
        run: 'bench',
        severity: 'critical',
        instance: `web-${i}`,
      },
      annotations: { summary: `perf alert ${i}`, runbook_url: 'https://runbooks.example/perf' },
      startsAt: '2026-11-22T13:50:37.481Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://127.0.0.1/perf',
      fingerprint: i % 2 === 0 ? `${i.toString(16).padStart(16, '0')}` : undefined,
    }));
    const body = { ...fixture('api-v2-push-firing.json'), alerts };
    const parsed = parseAlertmanager(body);
    expect(parsed).toHaveLength(10_000);
    expect(new Set(parsed.map((a) => a.dedupKey)).size).toBe(10_000);
  });
});
