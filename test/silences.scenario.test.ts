import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { applyConfig } from '../src/cli/apply.js';
import { startTestApp, type TestApp } from './harness/app.js';

/**
 * Silences and maintenance windows: a silenced alert is stored and marked but opens no incident and pages
 * nobody; when its silence ends while it still fires, its incident opens then, once, however many workers tick.
 */
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

const at = (iso: string) => t.clock.set(iso);

/** An Alertmanager webhook (payload version 4) with one alert. */
function amAlert(
  fingerprint: string,
  labels: Record<string, string>,
  status: 'firing' | 'resolved',
  startsAt: string,
) {
  return {
    version: '4',
    groupKey: `{}:{alertname="${labels.alertname}"}`,
    status,
    receiver: 'opswatch',
    groupLabels: { alertname: labels.alertname },
    commonLabels: labels,
    commonAnnotations: { summary: `${labels.alertname} on ${labels.service}` },
    externalURL: 'http://alertmanager.example:9093',
    truncatedAlerts: 0,
    alerts: [
      {
        status,
        labels,
        annotations: { summary: `${labels.alertname} on ${labels.service}` },
        startsAt,
        endsAt: status === 'resolved' ? '2027-01-01T00:00:00Z' : '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus.example:9090/graph',
        fingerprint,
      },
    ],
  };
}

const send = async (body: unknown) => {
  const res = await t.request('POST', '/api/v1/webhooks/alertmanager', body);
  expect(res.status).toBe(200);
  return (await res.json()) as { created: number; silenced: number; incidents: unknown[] };
};
const incidentsOf = (service: string) =>
  t.sql<{ id: string }>(`select id from incidents where service = ?`, [service]);
/** Rows of the outbox, pages and escalations (whatever would notify anyone). */
const counts = async () =>
  (
    await t.sql<{ o: number; p: number; e: number }>(
      'select (select count(*) from outbox)::int as o, (select count(*) from pages)::int as p, (select count(*) from escalations)::int as e',
    )
  )[0];
const outboxOf = (service: string) =>
  t.sql<{ id: string }>(
    `select o.id from outbox o join incidents i on i.id = o.incident_id where i.service = ?`,
    [service],
  );

describe('silences', () => {
  let silenceId = '';

  it('a silence is created from Alertmanager’s matcher syntax and listed as active', async () => {
    at('2027-01-01T10:00:00Z');
    const res = await t.request('POST', '/api/v1/silences', {
      matchers: 'service="checkout", alertname=~"High.*"',
      duration: '2h',
      reason: 'deploy',
    });
    expect(res.status).toBe(201);
    const s = (await res.json()) as { id: string; state: string; endsAt: string; matchersText: string };
    expect(s).toMatchObject({
      state: 'active',
      endsAt: '2027-01-01T12:00:00.000Z',
      matchersText: 'service="checkout", alertname=~"High.*"',
    });
    silenceId = s.id;
    const list = (await (await t.request('GET', '/api/v1/silences?state=active')).json()) as {
      items: { id: string }[];
    };
    expect(list.items.map((i) => i.id)).toEqual([silenceId]);
  });

  it('refuses a silence that would match every alert, as a problem+json 400', async () => {
    const res = await t.request('POST', '/api/v1/silences', {
      matchers: 'env=~".*"',
      duration: '1h',
      reason: 'x',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(JSON.stringify(await res.json())).toContain(
      'at least one matcher must not match the empty string',
    );
  });

  it('a silenced alert is stored and marked, opens no incident and queues nothing', async () => {
    at('2027-01-01T10:05:00Z');
    const before = await counts();
    const r = await send(
      amAlert(
        'f-latency',
        { alertname: 'HighLatency', service: 'checkout' },
        'firing',
        '2027-01-01T10:04:00Z',
      ),
    );
    expect(r).toMatchObject({ created: 1, silenced: 1, incidents: [] });
    expect(await incidentsOf('checkout')).toEqual([]);
    expect(await outboxOf('checkout')).toEqual([]);
    // Nothing was queued for Slack or anyone's phone, and no escalation started.
    expect(await counts()).toEqual(before);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/opswatch_alerts_silenced_total\{source="alertmanager"\} 1/);
    const alerts = (await (await t.request('GET', '/api/v1/alerts?service=checkout')).json()) as {
      items: { status: string; incident: unknown; silenced: { silenceId: string } | null }[];
    };
    expect(alerts.items).toMatchObject([{ status: 'firing', incident: null, silenced: { silenceId } }]);
    // Re-sent while silenced: still held.
    expect(
      await send(
        amAlert(
          'f-latency',
          { alertname: 'HighLatency', service: 'checkout' },
          'firing',
          '2027-01-01T10:04:00Z',
        ),
      ),
    ).toMatchObject({ silenced: 1, incidents: [] });
  });

  it('an alert the silence does not match opens its incident as usual', async () => {
    const r = await send(
      amAlert('f-errors', { alertname: 'ErrorRate', service: 'checkout' }, 'firing', '2027-01-01T10:05:00Z'),
    );
    expect(r).toMatchObject({ created: 1, silenced: 0 });
    expect(r.incidents).toHaveLength(1);
  });

  it('a silenced alert does not join an open incident of its group either', async () => {
    const r = await send(
      amAlert(
        'f-latency-2',
        { alertname: 'HighLatencyP99', service: 'checkout' },
        'firing',
        '2027-01-01T10:06:00Z',
      ),
    );
    expect(r).toMatchObject({ silenced: 1, incidents: [] });
  });

  it('an alert resolved during the silence opens nothing when it ends', async () => {
    await send(
      amAlert(
        'f-latency-2',
        { alertname: 'HighLatencyP99', service: 'checkout' },
        'resolved',
        '2027-01-01T10:06:00Z',
      ),
    );
    at('2027-01-01T12:00:00Z');
    await Promise.all([t.tick(), t.tick(), t.tick()]);
    const [row] = await t.sql<{ incident_id: string | null; status: string }>(
      `select incident_id, status from alerts where dedup_key = 'f-latency-2'`,
    );
    expect(row).toEqual({ incident_id: null, status: 'resolved' });
  });

  it('the silence ends while the alert still fires: its incident opens once, with three workers ticking', async () => {
    const rows = await t.sql<{ incident_id: string | null; silence_id: string | null }>(
      `select incident_id, silence_id from alerts where dedup_key = 'f-latency'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.incident_id).not.toBeNull();
    expect(rows[0]?.silence_id).toBeNull();
    const opened = await t.sql<{ title: string }>(
      `select i.title from incidents i join alerts a on a.incident_id = i.id where a.dedup_key = 'f-latency'`,
    );
    expect(opened).toHaveLength(1);
    await Promise.all([t.tick(), t.tick(), t.tick()]);
    expect(await incidentsOf('checkout')).toHaveLength(2);
    const list = (await (await t.request('GET', '/api/v1/silences?state=expired')).json()) as {
      items: { id: string }[];
    };
    expect(list.items.map((i) => i.id)).toContain(silenceId);
  });

  it('expiring a silence early (DELETE) keeps it and releases what it held at the next tick', async () => {
    at('2027-01-02T09:00:00Z');
    const created = await t.request('POST', '/api/v1/silences', {
      matchers: [{ name: 'service', op: '=', value: 'payments' }],
      endsAt: '2027-01-02T18:00:00Z',
      reason: 'migration',
    });
    const { id } = (await created.json()) as { id: string };
    expect(
      await send(
        amAlert('f-pay', { alertname: 'Down', service: 'payments' }, 'firing', '2027-01-02T09:00:00Z'),
      ),
    ).toMatchObject({ silenced: 1 });
    at('2027-01-02T09:30:00Z');
    const del = await t.request('DELETE', `/api/v1/silences/${id}`);
    expect(del.status).toBe(200);
    expect(await del.json()).toMatchObject({ state: 'expired', endsAt: '2027-01-02T09:30:00.000Z' });
    expect((await t.request('DELETE', `/api/v1/silences/${id}`)).status).toBe(409);
    expect((await t.request('GET', `/api/v1/silences/${id}`)).status).toBe(200);
    await Promise.all([t.tick(), t.tick(), t.tick()]);
    expect(await incidentsOf('payments')).toHaveLength(1);
  });
});

describe('maintenance windows', () => {
  it('a weekly window 01:30–03:30 Europe/Berlin holds back the service’s alerts at exactly the right instants across DST', async () => {
    at('2027-03-20T00:00:00Z');
    const res = await t.request('POST', '/api/v1/maintenance-windows', {
      service: 'billing',
      name: 'Sunday patching',
      timeZone: 'Europe/Berlin',
      rule: { kind: 'weekly', days: ['sun'], start: '01:30', end: '03:30' },
    });
    expect(res.status).toBe(201);
    // 28 March 2027: the clocks spring forward at 02:00 CET, so the window is 00:30Z–01:30Z.
    const cases: [string, boolean][] = [
      ['2027-03-28T00:29:00Z', false],
      ['2027-03-28T00:30:00Z', true],
      ['2027-03-28T01:29:00Z', true],
      ['2027-03-28T01:30:00Z', false],
      // 31 October 2027: they fall back at 03:00 CEST, so it is 23:30Z (Saturday) – 02:30Z.
      ['2027-10-30T23:29:00Z', false],
      ['2027-10-30T23:30:00Z', true],
      ['2027-10-31T02:29:00Z', true],
      ['2027-10-31T02:30:00Z', false],
    ];
    for (const [n, [instant, held]] of cases.entries()) {
      at(instant);
      const r = await send(
        amAlert(`f-billing-${n}`, { alertname: `Slow${n}`, service: 'billing' }, 'firing', instant),
      );
      expect([instant, r.silenced]).toEqual([instant, held ? 1 : 0]);
    }
  });

  it('opswatch apply creates a window from YAML, and applying it again changes nothing', async () => {
    const yaml = `
maintenanceWindows:
  - service: search
    name: Nightly reindex
    timeZone: America/New_York
    rule: { kind: weekly, days: [mon, tue, wed, thu, fri], start: "23:00", end: "01:00" }
`;
    const first = await applyConfig(t.services, t.actor, yaml);
    expect(first).toMatchObject({
      ok: true,
      changes: ['maintenance window "search/Nightly reindex": created'],
    });
    const again = await applyConfig(t.services, t.actor, yaml);
    expect(again.changes).toEqual(['maintenance window "search/Nightly reindex": unchanged']);
    const bad = await applyConfig(t.services, t.actor, yaml.replace('"01:00"', '"25:00"'));
    expect(bad.ok).toBe(false);
    expect(bad.problems.join()).toContain('maintenanceWindows[0].rule.end');
  });
});
