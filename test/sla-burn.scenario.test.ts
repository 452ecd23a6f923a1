import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SLACK_DEFAULT_CHANNEL, startTestApp, type TestApp, type TestSlack } from './harness/app.js';

let t: TestApp;
let s: TestSlack;
beforeAll(async () => {
  t = await startTestApp({ slack: true });
  if (!t.slack) throw new Error('no slack');
  s = t.slack;
});
afterAll(async () => {
  await t?.close();
});

const at = (iso: string) => t.clock.set(iso);
const MIN = 60_000;
/** Requests of checkout as the service's scripts report them: `n` per minute over [from, to), `bad` of them 5xx. */
async function traffic(from: string, to: string, n: number, bad: number) {
  const events = [];
  for (let m = Date.parse(from); m < Date.parse(to); m += MIN)
    for (let i = 0; i < n; i++)
      events.push({
        service: 'checkout',
        name: 'http.server',
        durationMs: 20 + i,
        time: new Date(m + i * 1000).toISOString(),
        attributes: { status: i < bad ? '503' : '200', route: '/pay' },
      });
  for (let i = 0; i < events.length; i += 1000) {
    const res = await t.request('POST', '/api/v1/telemetry/events', events.slice(i, i + 1000));
    expect(res.status).toBe(200);
  }
  t.services.telemetry.flushMetrics();
  await t.services.rollups.flush();
}
const slaIncidents = () =>
  t.sql<{ id: string; status: string; title: string; description: string }>(
    `select i.id, i.status, i.title, a.description from incidents i join alerts a on a.incident_id = i.id
      where i.source = 'sla' order by i.number`,
  );

describe('an error budget burning fast opens an incident with its chart and logs, and resolves when it stops', () => {
  it('defines the SLA; a week-old baseline and an hour of 20% errors reach Silver, errors reach Bronze', async () => {
    at('2026-12-02T10:00:00Z');
    const res = await t.request('POST', '/api/v1/slas', {
      service: 'checkout',
      metric: 'ERROR_RATE',
      target: 99.9,
    });
    expect(res.status).toBe(201);
    await traffic('2026-11-25T09:00:00Z', '2026-11-25T10:00:00Z', 5, 0);
    await traffic('2026-12-02T09:00:00Z', '2026-12-02T10:00:00Z', 10, 2);
    const logs = await t.request(
      'POST',
      '/api/v1/telemetry/events',
      Array.from({ length: 7 }, (_, i) => ({
        service: 'checkout',
        level: 'ERROR',
        message: `payment gateway timeout #${i}`,
        time: new Date(Date.parse('2026-12-02T09:50:00Z') + i * MIN).toISOString(),
      })),
    );
    expect(logs.status).toBe(200);
    const counts = await t.services.rollups.counts(t.actor.tenantId, {
      service: 'checkout',
      name: 'http.server.duration',
      from: new Date('2026-12-02T09:00:00Z'),
      to: new Date('2026-12-02T10:00:00Z'),
      tagFilter: { key: 'status', op: 'gte', value: 500 },
    });
    expect(counts).toEqual({ total: 600, matching: 120 });
  });

  it('the engine pages: 200× over the last hour and 5 minutes, with the five latest errors in the description', async () => {
    await t.tick();
    const [inc, ...more] = await slaIncidents();
    expect(more).toHaveLength(0);
    expect(inc).toMatchObject({ status: 'triggered' });
    expect(inc?.title).toContain('Error budget burning: checkout (200.0× over 1 h)');
    for (const i of [2, 3, 4, 5, 6]) expect(inc?.description).toContain(`payment gateway timeout #${i}`);
    expect(inc?.description).not.toContain('payment gateway timeout #1');
    // Checked again within the minute, or by another replica: nothing more.
    await Promise.all([t.tick(), t.engine.tick(t.clock.now())]);
    at('2026-12-02T10:01:30Z');
    await t.tick();
    expect(await slaIncidents()).toHaveLength(1);
  });

  it('its card is posted and the chart uploaded into its thread the way Slack asks for files', async () => {
    await s.deliverOnce();
    await s.deliverOnce();
    const card = s.fake.messages.find(
      (m) => m.channel === SLACK_DEFAULT_CHANNEL && !m.thread_ts && m.text.includes('Error budget burning'),
    );
    expect(card).toBeDefined();
    const files = [...s.fake.files.values()];
    expect(files).toHaveLength(1);
    const [file] = files;
    expect(file).toMatchObject({ completed: true, channel: SLACK_DEFAULT_CHANNEL, threadTs: card?.ts });
    expect(file?.filename).toMatch(/^sla-checkout-.*\.png$/);
    expect(file?.title).toContain('last 24 h vs a week before');
    expect(
      [...(file?.bytes ?? Buffer.alloc(0)).subarray(1, 4)].map((c) => String.fromCharCode(c)).join(''),
    ).toBe('PNG');
    expect(s.fake.violations).toEqual([]);
    expect(s.fake.callsTo('files.getUploadURLExternal')).toHaveLength(1);
    expect(s.fake.callsTo('files.completeUploadExternal')).toHaveLength(1);
  });

  it('the card of the service shows the burn', async () => {
    const card = s.fake.messages.find((m) => m.text.includes('Error budget burning'));
    expect(JSON.stringify(card?.history.at(-1) ?? card)).toMatch(/burning \d+\.\d×/);
  });

  it('half an hour of clean traffic stops the burn: the incident resolves', async () => {
    await traffic('2026-12-02T10:00:00Z', '2026-12-02T10:31:00Z', 10, 0);
    at('2026-12-02T10:31:00Z');
    await t.tick();
    const [inc] = await slaIncidents();
    expect(inc?.status).toBe('resolved');
  });
});
