/**
 * The dead-man's switch with a real Prometheus Alertmanager (Debian's prometheus-alertmanager), configured as the
 * README says: its always-firing `Watchdog` alert, routed to a webhook receiver whose URL is a heartbeat's ping
 * URL, keeps the heartbeat up; when Alertmanager stops, the heartbeat misses and opens an incident, and when it
 * comes back, its next notification resolves it. Skipped, saying so, where the binary is absent.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { HeartbeatDto } from '../src/domains/heartbeats/index.js';
import {
  ALERTMANAGER_BIN,
  alertmanagerPresent,
  type RunningAlertmanager,
  startAlertmanager,
} from './harness/alertmanager.js';
import { startTestApp, type TestApp } from './harness/app.js';
import { until } from './harness/wait.js';

if (!alertmanagerPresent)
  console.warn(`skipping the Alertmanager heartbeat test: ${ALERTMANAGER_BIN} is not installed`);

let t: TestApp;
let am: RunningAlertmanager | null = null;
let dir = '';
let hb: HeartbeatDto;

async function stopAlertmanager(): Promise<void> {
  const running = am;
  am = null;
  await running?.stop();
}

/** Prometheus' side: the always-firing Watchdog alert, as Prometheus pushes it to Alertmanager. */
const pushWatchdog = () =>
  fetch(`${am?.url}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([
      {
        labels: { alertname: 'Watchdog', severity: 'none' },
        annotations: { summary: 'Always firing, so that the alerting pipeline can be checked end to end.' },
      },
    ]),
  });

const heartbeat = async () =>
  (await (await t.request('GET', `/api/v1/heartbeats/${hb.id}`)).json()) as HeartbeatDto;
const incidents = () =>
  t.sql<{ status: string; title: string; severity: number }>(
    `select status, title, severity from incidents where source = 'heartbeat' order by number`,
  );
/** Waits until Alertmanager's next notification has reached OpsWatch as a ping. */
async function nextPing(): Promise<HeartbeatDto> {
  const before = (await heartbeat()).pings;
  return until('Alertmanager to ping the heartbeat', async () => {
    const h = await heartbeat();
    return h.pings > before ? h : null;
  });
}

(alertmanagerPresent ? describe : describe.skip)('Alertmanager’s Watchdog keeps a heartbeat alive', () => {
  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set('2026-03-02T09:00:00Z');
    const res = await t.request('POST', '/api/v1/heartbeats', {
      name: 'alertmanager-watchdog',
      service: 'monitoring',
      interval: '5m',
      grace: '5m',
      severity: 'P1',
    });
    hb = (await res.json()) as HeartbeatDto;
    dir = mkdtempSync(join(tmpdir(), 'ow-am-hb-'));
    // The README's routing, with intervals of a second so the test need not wait minutes.
    writeFileSync(
      join(dir, 'alertmanager.yml'),
      `route:
  receiver: opswatch
  routes:
    - matchers: ['alertname = "Watchdog"']
      receiver: opswatch-heartbeat
      group_by: ['alertname']
      group_wait: 0s
      group_interval: 1s
      repeat_interval: 1s
receivers:
  - name: opswatch
  - name: opswatch-heartbeat
    webhook_configs:
      - url: ${t.url}/api/v1/heartbeats/${hb.token}
        send_resolved: false
`,
    );
    am = await startAlertmanager(dir);
  }, 30_000);
  afterAll(async () => {
    await stopAlertmanager();
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('while Alertmanager re-sends Watchdog, the heartbeat stays up however much time passes', async () => {
    expect((await pushWatchdog()).status).toBe(200);
    expect((await nextPing()).status).toBe('up');
    for (const at of ['2026-03-02T09:08:00Z', '2026-03-02T09:16:00Z', '2026-03-02T09:24:00Z']) {
      t.clock.set(at);
      const h = await nextPing();
      expect(h).toMatchObject({ status: 'up', lastPingAt: new Date(at).toISOString() });
      await t.tick();
    }
    expect(await incidents()).toEqual([]);
  }, 60_000);

  it('when Alertmanager stops, the heartbeat misses and opens one P1 incident', async () => {
    await stopAlertmanager();
    t.clock.set('2026-03-02T09:35:00Z');
    await t.tick();
    expect(await incidents()).toEqual([
      { status: 'triggered', title: 'Heartbeat missed: alertmanager-watchdog', severity: 1 },
    ]);
    expect((await heartbeat()).status).toBe('down');
  }, 30_000);

  it('when it is back and Prometheus pushes Watchdog again, its notification resolves the incident', async () => {
    t.clock.set('2026-03-02T09:50:00Z');
    am = await startAlertmanager(dir);
    expect((await pushWatchdog()).status).toBe(200);
    const h = await nextPing();
    expect(h.status).toBe('up');
    expect(await incidents()).toEqual([
      { status: 'resolved', title: 'Heartbeat missed: alertmanager-watchdog', severity: 1 },
    ]);
  }, 30_000);
});
