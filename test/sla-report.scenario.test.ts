import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp, type TestSlack } from './harness/app.js';

/**
 * The weekly SLA report: from Monday 09:00 UTC, last week's figures of every SLA posted to the report channel
 * (SLA_REPORT_CHANNEL, or the tenant's `slaReportChannel`) with a chart uploaded into that channel — once,
 * however many engine runs and replicas queue it; the next week another; no channel, no report.
 */
const REPORTS = 'C0REPORTS';

let t: TestApp;
let s: TestSlack;
beforeAll(async () => {
  t = await startTestApp({ slack: true, slaReportChannel: REPORTS });
  if (!t.slack) throw new Error('no slack');
  s = t.slack;
});
afterAll(async () => {
  await t?.close();
});

const at = (iso: string) => t.clock.set(iso);
const alert = (status: 'firing' | 'resolved') =>
  t.request('POST', '/api/v1/webhooks/generic', {
    title: 'Checkout down',
    dedup_key: 'checkout-down',
    service: 'checkout',
    severity: 'critical',
    status,
  });
const reports = (channel: string) =>
  s.fake.messages.filter(
    (m) => m.channel === channel && !m.thread_ts && m.text.startsWith('Weekly SLA report'),
  );
const files = (channel: string) => [...s.fake.files.values()].filter((f) => f.channel === channel);
const deliver = async () => {
  await s.deliverOnce();
  await s.deliverOnce();
};

describe('the weekly SLA report in its channel, with its chart', () => {
  it('an SLA since 16 November, and 45 minutes of checkout down on Tuesday 24th', async () => {
    at('2026-11-20T12:00:00Z');
    const res = await t.request('POST', '/api/v1/slas', {
      service: 'checkout',
      metric: 'UPTIME',
      target: 99.9,
      activeFrom: '2026-11-16T00:00:00Z',
    });
    expect(res.status).toBe(201);
    at('2026-11-24T10:00:00Z');
    expect((await alert('firing')).status).toBe(200);
    at('2026-11-24T10:45:00Z');
    expect((await alert('resolved')).status).toBe(200);
  });

  it('Monday 00:00 snapshots the days; before 09:00 no report goes', async () => {
    at('2026-11-30T00:00:05Z');
    await t.tick();
    at('2026-11-30T08:59:00Z');
    await t.tick();
    await deliver();
    expect(reports(REPORTS)).toHaveLength(0);
    const snaps = await t.sql<{ n: string }>(`select count(*)::text as n from sla_snapshots`);
    expect(snaps[0]?.n).toBe('14');
  });

  it('Monday 09:00: one message and one chart in the channel, whatever runs and replicas queue it', async () => {
    at('2026-11-30T09:00:00Z');
    // The engine's tick and two more replicas' runs at once, then the engine again.
    await Promise.all([t.tick(), t.services.slaReports.run(), t.services.slaReports.run()]);
    await t.tick();
    await t.services.slaReports.run();
    await deliver();
    const [msg, ...more] = reports(REPORTS);
    expect(more).toHaveLength(0);
    expect(msg?.text).toContain(
      'Weekly SLA report · 2026-W48 (23 Nov 2026 – 29 Nov 2026): 1 SLA, 1 budget(s) spent',
    );
    const blocks = JSON.stringify(msg?.blocks);
    expect(blocks).toContain('*checkout* · 99.9% uptime (30 d)');
    // 45 of 1440 minutes down on one day of seven, none the week before: worse (↘), one breach.
    expect(blocks).toMatch(/99\.55\d*% this week ↘/);
    expect(blocks).toContain('1 breach');
    expect(blocks).toContain('budget ');
    const [file, ...others] = files(REPORTS);
    expect(others).toHaveLength(0);
    expect(file).toMatchObject({ completed: true, threadTs: null, filename: 'sla-checkout-2026-W48.png' });
    expect(file?.title).toContain('2026-W48, day by day');
    expect(file?.initialComment).toContain('SLA charts of 2026-W48');
    expect(file?.bytes?.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(s.fake.callsTo('files.completeUploadExternal').length).toBe(1);
    expect(s.fake.violations).toEqual([]);
    const keys = await t.sql<{ idempotency_key: string; status: string }>(
      `select idempotency_key, status from outbox where idempotency_key like 'sla-report%' order by 1`,
    );
    expect(keys.map((k) => [k.idempotency_key.replace(/:[0-9a-f-]{36}:/, ':T:'), k.status])).toEqual([
      ['sla-report-chart:T:2026-W48', 'sent'],
      ['sla-report:T:2026-W48', 'sent'],
    ]);
  });

  it('later that week nothing more; the next Monday 09:00 the next week’s report', async () => {
    at('2026-12-02T15:00:00Z');
    await t.tick();
    await t.services.slaReports.run();
    await deliver();
    expect(reports(REPORTS)).toHaveLength(1);
    at('2026-12-07T09:00:00Z');
    await Promise.all([t.tick(), t.services.slaReports.run()]);
    await deliver();
    expect(reports(REPORTS).map((m) => m.text.slice(0, 28))).toEqual([
      'Weekly SLA report · 2026-W48',
      'Weekly SLA report · 2026-W49',
    ]);
    // A clean week after a bad one: better (↗), no breaches.
    expect(JSON.stringify(reports(REPORTS)[1]?.blocks)).toMatch(/100% this week ↗ .* no breaches/);
    expect(files(REPORTS).map((f) => f.filename)).toEqual([
      'sla-checkout-2026-W48.png',
      'sla-checkout-2026-W49.png',
    ]);
  });

  it('the tenant’s slaReportChannel overrides SLA_REPORT_CHANNEL; a channel name is refused', async () => {
    const bad = await t.request('PUT', '/api/v1/settings', { slaReportChannel: '#general' });
    expect(bad.status).toBe(400);
    const res = await t.request('PUT', '/api/v1/settings', { slaReportChannel: 'C0SLAOWN' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { slaReportChannel: string }).slaReportChannel).toBe('C0SLAOWN');
    at('2026-12-14T09:30:00Z');
    await t.tick();
    await deliver();
    expect(reports('C0SLAOWN').map((m) => m.text.slice(0, 28))).toEqual(['Weekly SLA report · 2026-W50']);
    expect(files('C0SLAOWN')).toHaveLength(1);
    expect(reports(REPORTS)).toHaveLength(2);
    expect(s.fake.violations).toEqual([]);
  });
});

describe('no report channel', () => {
  let u: TestApp;
  beforeAll(async () => {
    u = await startTestApp({ slack: true });
  });
  afterAll(async () => {
    await u?.close();
  });

  it('neither SLA_REPORT_CHANNEL nor the setting: Monday 09:00 posts and uploads nothing', async () => {
    u.clock.set('2026-11-20T12:00:00Z');
    expect(
      (await u.request('POST', '/api/v1/slas', { service: 'checkout', metric: 'UPTIME', target: 99.9 }))
        .status,
    ).toBe(201);
    u.clock.set('2026-11-30T09:00:00Z');
    await u.tick();
    await u.services.slaReports.run();
    await u.slack?.deliverOnce();
    const fake = u.slack?.fake;
    expect(fake?.messages.filter((m) => m.text.startsWith('Weekly SLA report'))).toHaveLength(0);
    expect(fake?.callsTo('files.getUploadURLExternal')).toHaveLength(0);
    const rows = await u.sql(`select 1 from outbox where idempotency_key like 'sla-report%'`);
    expect(rows).toHaveLength(0);
  });
});
