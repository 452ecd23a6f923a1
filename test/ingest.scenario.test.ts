import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WEBHOOK_SOURCES } from '../src/domains/alerts/index.js';
import { createServices } from '../src/main.js';
import { fixture, localFixture, startTestApp, type TestApp } from './harness/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const am = (name: string) => t.request('POST', '/api/v1/webhooks/alertmanager', fixture(name));
const countRows = async (table: string) =>
  Number((await t.sql<{ n: string }>(`select count(*) as n from ${table}`))[0]?.n);

describe('Alertmanager fires, repeats and resolves', () => {
  it('opens one incident for a firing alert, keeping the raw payload', async () => {
    const res = await am('prometheus-rule-firing.json');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { created: number; incidents: { created: boolean }[] };
    expect(body.created).toBe(1);
    expect(body.incidents[0]?.created).toBe(true);
    const [alert] = await t.sql<{
      dedup_key: string;
      severity: number;
      status: string;
      raw: { receiver: string };
    }>(`select dedup_key, severity, status, raw from alerts where dedup_key = '2238f73f451fa1ed'`);
    expect(alert).toMatchObject({ dedup_key: '2238f73f451fa1ed', severity: 1, status: 'firing' });
    expect(alert?.raw.receiver).toBeDefined();
    const list = (await (await t.request('GET', '/api/v1/incidents?status=open')).json()) as {
      items: { title: string; severity: number }[];
    };
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ severity: 1, status: 'triggered' });
  });

  it('treats the same webhook sent again as a duplicate', async () => {
    t.clock.advance(60_000);
    const res = await am('prometheus-rule-firing.json');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ created: 0, deduplicated: 1 });
    const [alert] = await t.sql<{ occurrences: number }>(
      `select occurrences from alerts where dedup_key = '2238f73f451fa1ed'`,
    );
    expect(alert?.occurrences).toBe(2);
    expect(await countRows('incidents')).toBe(1);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/opswatch_alerts_deduplicated_total\{source="alertmanager"\} 1/);
    expect(metrics).toMatch(/opswatch_alerts_received_total\{source="alertmanager"\} 2/);
    expect(metrics).toMatch(/opswatch_incidents_open\{severity="P1"\} 1/);
  });

  it('resolves the alert and, with it, the incident', async () => {
    t.clock.advance(60_000);
    const res = await am('prometheus-rule-resolved.json');
    expect(await res.json()).toMatchObject({ resolved: 1 });
    const [inc] = await t.sql<{ status: string; number: number }>(`select status, number from incidents`);
    expect(inc?.status).toBe('resolved');
    const detail = (await (await t.request('GET', `/api/v1/incidents/INC-${inc?.number}`)).json()) as {
      timeline: { kind: string; actor: { kind: string } }[];
      alerts: { status: string }[];
    };
    expect(detail.alerts.map((a) => a.status)).toEqual(['resolved']);
    // This OpsWatch has no Slack route and no default channel: the timeline says nobody was notified.
    expect(detail.timeline.map((e) => e.kind)).toEqual([
      'created',
      'alert_fired',
      'escalation_none',
      'notification_unrouted',
      'alert_resolved',
      'resolved',
    ]);
    expect(detail.timeline[0]?.actor.kind).toBe('integration');
  });

  it('ignores a late re-send of the resolved episode, and a resolved sent twice', async () => {
    expect(await (await am('prometheus-rule-firing.json')).json()).toMatchObject({
      created: 0,
      deduplicated: 1,
    });
    expect(await (await am('prometheus-rule-resolved.json')).json()).toMatchObject({
      resolved: 0,
      deduplicated: 1,
    });
    expect(await countRows('incidents')).toBe(1);
    expect(await countRows('alerts')).toBe(1);
  });

  it('starts a new episode and a new incident when the alert fires again after resolving', async () => {
    const body = JSON.parse(fixture('prometheus-rule-firing.json'));
    body.alerts[0].startsAt = '2026-11-22T15:00:00Z';
    const res = await t.request('POST', '/api/v1/webhooks/alertmanager', body);
    expect(await res.json()).toMatchObject({ created: 1 });
    const rows = await t.sql<{ status: string }>(
      `select status from alerts where dedup_key = '2238f73f451fa1ed' order by first_seen_at, status`,
    );
    expect(rows.map((r) => r.status).sort()).toEqual(['firing', 'resolved']);
    expect(await countRows('incidents')).toBe(2);
  });

  it('groups the alerts of one Alertmanager group into one incident', async () => {
    const res = await am('grouped-two-alerts-firing.json');
    const body = (await res.json()) as { created: number; incidents: { id: string }[] };
    expect(body.created).toBe(2);
    expect(new Set(body.incidents.map((i) => i.id)).size).toBe(1);
    const [inc] = await t.sql<{ n: string; service: string }>(
      `select count(a.id) as n, i.service from incidents i join alerts a on a.incident_id = i.id
       where a.dedup_key in ('b1c11497b32ce15e', '5308e11450d376b3') group by i.id, i.service`,
    );
    expect(inc).toEqual({ n: '2', service: 'checkout' });
  });

  it('accepts the API v2 push fixtures, firing then resolved', async () => {
    expect((await am('api-v2-push-firing.json')).status).toBe(200);
    expect(await (await am('api-v2-push-resolved.json')).json()).toMatchObject({ resolved: 1 });
    const [inc] = await t.sql<{ status: string }>(
      `select i.status from incidents i join alerts a on a.incident_id = i.id where a.dedup_key = 'ffb395a30d244b36'`,
    );
    expect(inc?.status).toBe('resolved');
  });

  it('creates one alert when the same fingerprint arrives concurrently on separate connections', async () => {
    const body = JSON.parse(fixture('prometheus-rule-firing.json'));
    body.alerts[0].fingerprint = 'concurrent0000001';
    body.groupKey = '{}:{alertname="Concurrent"}';
    const results = await Promise.all(
      Array.from({ length: 12 }, () =>
        t.request('POST', '/api/v1/webhooks/alertmanager', body, { connection: 'close' }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(12).fill(200));
    const rows = await t.sql<{ occurrences: number; incident_id: string }>(
      `select occurrences, incident_id from alerts where dedup_key = 'concurrent0000001'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.occurrences).toBe(12);
    expect(rows[0]?.incident_id).toBeTruthy();
  });

  it('creates one alert and one incident when replicas store the same new alert at the same moment', async () => {
    // Separate service instances stand for separate OpsWatch processes: no shared in-process batching,
    // only the database's constraints and locks keep them apart.
    const replicas = Array.from({ length: 6 }, () => createServices(t.orm, t.clock));
    const body = JSON.parse(fixture('prometheus-rule-firing.json'));
    const alerts = WEBHOOK_SOURCES.alertmanager
      .parse({ ...body, groupKey: '{}:{alertname="Replicas"}' })
      .alerts.map((a) => ({
        ...a,
        dedupKey: 'replicas000000001',
      }));
    const integration = { ...t.actor, kind: 'integration' as const, name: 'Alertmanager' };
    const results = await Promise.all(replicas.map((s) => s.alerts.ingest(integration, alerts)));
    expect(results.reduce((n, r) => n + r.created, 0)).toBe(1);
    expect(results.reduce((n, r) => n + r.deduplicated, 0)).toBe(5);
    const rows = await t.sql<{ occurrences: number; incident_id: string }>(
      `select occurrences, incident_id from alerts where dedup_key = 'replicas000000001'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.occurrences).toBe(6);
    const incidents = await t.sql(`select id from incidents where group_key like '%Replicas%'`);
    expect(incidents).toHaveLength(1);
  });

  it('links every alert to the one incident when replicas each store a different new alert of a new group', async () => {
    // Each replica stores its alert under the incident it would open; one opens it, the others find it open
    // under the group lock and move their alert to it before they commit.
    const replicas = Array.from({ length: 6 }, () => createServices(t.orm, t.clock));
    const body = JSON.parse(fixture('prometheus-rule-firing.json'));
    const parsed = WEBHOOK_SOURCES.alertmanager.parse({ ...body, groupKey: '{}:{alertname="NewGroup"}' });
    const integration = { ...t.actor, kind: 'integration' as const, name: 'Alertmanager' };
    const results = await Promise.all(
      replicas.map((s, n) =>
        s.alerts.ingest(
          integration,
          parsed.alerts.slice(0, 1).map((a) => ({ ...a, dedupKey: `newgroup-replica-${n}` })),
        ),
      ),
    );
    expect(results.reduce((n, r) => n + r.created, 0)).toBe(6);
    expect(results.flatMap((r) => r.incidents).filter((i) => i.created)).toHaveLength(1);
    const incidents = await t.sql<{ id: string }>(
      `select id from incidents where group_key like '%NewGroup%'`,
    );
    expect(incidents).toHaveLength(1);
    const linked = await t.sql<{ incident_id: string }>(
      `select incident_id from alerts where dedup_key like 'newgroup-replica-%'`,
    );
    expect(linked.map((r) => r.incident_id)).toEqual(Array(6).fill(incidents[0]!.id));
  });
});

describe('Grafana and the generic format', () => {
  it('opens an incident from a Grafana webhook and resolves it', async () => {
    const firing = await t.request('POST', '/api/v1/webhooks/grafana', localFixture('grafana/firing.json'));
    expect(firing.status).toBe(200);
    const body = (await firing.json()) as { created: number; incidents: { id: string }[] };
    expect(body).toMatchObject({ created: 2, deduplicated: 0, resolved: 0 });
    const resolved = await t.request(
      'POST',
      '/api/v1/webhooks/grafana',
      localFixture('grafana/resolved.json'),
    );
    // The fixture resolves one of the two alerts that fired.
    expect(await resolved.json()).toMatchObject({ created: 0, resolved: 1 });
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/opswatch_webhook_duration_seconds_count\{source="grafana"\} 2/);
    expect(metrics).toMatch(/opswatch_alerts_received_total\{source="grafana"\}/);
  });

  it('takes a batch of generic alerts in one request', async () => {
    const res = await t.request('POST', '/api/v1/webhooks/generic', {
      alerts: [
        { title: 'Queue depth high', service: 'jobs', dedup_key: 'gen-batch-1', severity: 2 },
        { title: 'Queue depth high', service: 'jobs', dedup_key: 'gen-batch-2', severity: 'critical' },
      ],
    });
    expect(await res.json()).toMatchObject({ created: 2 });
    const [inc] = await t.sql<{ severity: number; n: string }>(
      `select i.severity, count(a.id) as n from incidents i join alerts a on a.incident_id = i.id
       where a.dedup_key like 'gen-batch-%' group by i.id`,
    );
    expect(inc).toEqual({ severity: 1, n: '2' });
  });
});

describe('grouping and re-triggering', () => {
  it('joins alerts without a group key by service, environment and alertname, and re-triggers an old acknowledgement', async () => {
    const send = (key: string) =>
      t.request('POST', '/api/v1/webhooks/generic', {
        title: 'Disk almost full',
        dedup_key: key,
        service: 'storage',
        environment: 'prod',
        severity: 'warning',
        labels: { alertname: 'DiskFull' },
      });
    const first = (await (await send('disk-1')).json()) as { incidents: { id: string; number: number }[] };
    const incident = first.incidents[0]!;
    const second = (await (await send('disk-2')).json()) as { incidents: { id: string }[] };
    expect(second.incidents[0]?.id).toBe(incident.id);
    expect((await t.request('POST', `/api/v1/incidents/INC-${incident.number}/acknowledge`)).status).toBe(
      200,
    );
    t.clock.advance(10 * 60_000);
    await send('disk-3');
    let detail = (await (await t.request('GET', `/api/v1/incidents/${incident.id}`)).json()) as {
      status: string;
    };
    expect(detail.status).toBe('acknowledged');
    t.clock.advance(31 * 60_000);
    await send('disk-4');
    detail = (await (await t.request('GET', `/api/v1/incidents/${incident.id}`)).json()) as {
      status: string;
    };
    expect(detail.status).toBe('triggered');
  });

  it('follows configured grouping and keeps incidents open when auto-resolve is off', async () => {
    const put = await t.request('PUT', '/api/v1/settings', {
      ingestion: {
        grouping: { by: ['labels.cluster'] },
        autoResolve: { generic: false },
        retriggerAfterAckMinutes: 30,
      },
    });
    expect(put.status).toBe(200);
    const send = (key: string, status: string, title: string) =>
      t.request('POST', '/api/v1/webhooks/generic', {
        title,
        dedup_key: key,
        status,
        labels: { cluster: 'eu-1' },
      });
    const a = (await (await send('c-1', 'firing', 'CPU high')).json()) as { incidents: { id: string }[] };
    const b = (await (await send('c-2', 'firing', 'Memory high')).json()) as { incidents: { id: string }[] };
    expect(b.incidents[0]?.id).toBe(a.incidents[0]?.id);
    await send('c-1', 'resolved', 'CPU high');
    await send('c-2', 'resolved', 'Memory high');
    const [inc] = await t.sql<{ status: string }>(
      `select status from incidents where id = '${a.incidents[0]?.id}'`,
    );
    expect(inc?.status).toBe('triggered');
    await t.request('PUT', '/api/v1/settings', { ingestion: {} });
  });
});

describe('a group whose open incident changed behind this process', () => {
  const generic = (title: string) => ({
    source: 'generic' as const,
    action: 'firing' as const,
    dedupKey: title,
    title,
    description: null,
    service: 'stale-hint',
    environment: 'production',
    severity: 3 as const,
    labels: {},
    annotations: {},
    links: [],
    startsAt: null,
    endsAt: null,
    sourceGroupKey: 'stale-hint-group',
    raw: {},
  });
  const incidentOf = async (dedupKey: string) =>
    (
      await t.sql<{ incident_id: string }>(`select incident_id from alerts where dedup_key = '${dedupKey}'`)
    )[0]?.incident_id;

  it('never links a new alert to an incident resolved or replaced meanwhile', async () => {
    // Two processes: `one` remembers which incident the group had open; `other` changes that behind its back.
    const [one, other] = [createServices(t.orm, t.clock), createServices(t.orm, t.clock)];
    const sender = { ...t.actor, kind: 'integration' as const, name: 'Stale hints' };
    const first = await one.alerts.ingest(sender, [generic('stale-1')]);
    const opened = first.incidents[0]!;
    expect(first.incidents).toEqual([{ id: opened.id, number: opened.number, created: true }]);

    await other.incidents.resolve(t.actor, opened.id);
    const second = await one.alerts.ingest(sender, [generic('stale-2')]);
    const reopened = second.incidents[0]!;
    expect(second.incidents).toEqual([{ id: reopened.id, number: opened.number + 1, created: true }]);
    expect(await incidentOf('stale-2')).toBe(reopened.id);

    await other.incidents.resolve(t.actor, reopened.id);
    const third = await other.alerts.ingest(sender, [generic('stale-3')]);
    const current = third.incidents[0]!;
    expect(current.created).toBe(true);
    // `one` still thinks `reopened` is open: its alert joins `current`, the group's open incident.
    const fourth = await one.alerts.ingest(sender, [generic('stale-4')]);
    expect(fourth).toMatchObject({ created: 1, incidents: [{ id: current.id, created: false }] });
    expect(await incidentOf('stale-4')).toBe(current.id);
    const counts = await t.sql<{ incident_id: string; n: number }>(
      `select incident_id, count(*)::int as n from alerts where dedup_key like 'stale-%' group by incident_id`,
    );
    expect(new Map(counts.map((c) => [c.incident_id, c.n]))).toEqual(
      new Map([
        [opened.id, 1],
        [reopened.id, 1],
        [current.id, 2],
      ]),
    );
  });
});
