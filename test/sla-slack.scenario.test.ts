import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SLACK_DEFAULT_CHANNEL, startTestApp, type TestApp, type TestSlack } from './harness/app.js';

let t: TestApp;
let s: TestSlack;
beforeAll(async () => {
  t = await startTestApp({ slack: true });
  if (!t.slack) throw new Error('no slack');
  s = t.slack;
  s.fake.addUser({
    id: 'U0ALICE',
    real_name: 'Alice Smith',
    email: 'alice@example.com',
    tz: 'Europe/London',
  });
});
afterAll(async () => {
  await t?.close();
});

const at = (iso: string) => t.clock.set(iso);
const alert = (service: string, key: string, status: 'firing' | 'resolved') =>
  t.request('POST', '/api/v1/webhooks/generic', {
    title: `${service} down`,
    dedup_key: key,
    service,
    status,
  });
const cards = () => s.fake.messages.filter((m) => m.channel === SLACK_DEFAULT_CHANNEL && !m.thread_ts);
/** `/sla …` as Alice types it; its ephemeral answer as JSON text. */
async function slaCommand(text: string): Promise<string> {
  const before = s.fake.responseUrlPosts.length;
  const res = await s.driver.slashCommand('/sla', text, { user: 'U0ALICE' });
  expect(res.status).toBe(200);
  await s.idle();
  expect(s.fake.responseUrlPosts.length).toBe(before + 1);
  return JSON.stringify(s.fake.responseUrlPosts.at(-1)?.body ?? null);
}

describe('error budgets on incident cards and in /sla', () => {
  it('a service with an SLA and a minute of downtime: its snapshots say so', async () => {
    at('2026-11-26T12:00:00Z');
    const res = await t.request('POST', '/api/v1/slas', {
      service: 'checkout',
      metric: 'UPTIME',
      target: 99.9,
      activeFrom: '2026-11-27T00:00:00Z',
    });
    expect(res.status).toBe(201);
    at('2026-11-28T10:00:00Z');
    await alert('checkout', 'co-1', 'firing');
    at('2026-11-28T10:01:00Z');
    await alert('checkout', 'co-1', 'resolved');
    await s.deliverOnce();
    at('2026-12-02T00:00:10Z');
    await t.tick();
    const [n] = await t.sql<{ n: string }>(`select count(*) as n from sla_snapshots`);
    expect(Number(n?.n)).toBe(5);
  });

  it('the next card of the service shows the budget left over the window and the burn', async () => {
    at('2026-12-02T09:00:00Z');
    const before = cards().length;
    await alert('checkout', 'co-2', 'firing');
    await s.deliverOnce();
    expect(cards()).toHaveLength(before + 1);
    // 1 minute down of 5 × 1440: 99.98611% over the window, so 86% of a 0.1% budget is left.
    expect(JSON.stringify(cards().at(-1))).toContain('Error budget 86% left (30 d), burning 0.0×');
  });

  it('a service without an SLA shows no budget line', async () => {
    const before = cards().length;
    await alert('search', 'se-1', 'firing');
    await s.deliverOnce();
    expect(cards()).toHaveLength(before + 1);
    expect(JSON.stringify(cards().at(-1))).not.toContain('Error budget');
  });

  it('/sla lists every SLA with attainment, budget and trend; /sla <service> one; /sla help the usage', async () => {
    const all = await slaCommand('');
    expect(all).toContain('checkout');
    expect(all).toContain('99.9% uptime (30 d)');
    expect(all).toContain('99.986% this window');
    expect(all).toContain('budget 86% left');
    const one = await slaCommand('checkout');
    expect(one).toContain('SLA of checkout');
    const none = await slaCommand('search');
    expect(none).toContain('search has no SLA');
    const help = await slaCommand('help');
    expect(help).toContain('/sla service');
  });

  it('App Home has a section of SLAs with their budgets', async () => {
    const before = s.fake.callsTo('views.publish').length;
    const res = await s.driver.appHomeOpened('U0ALICE');
    expect(res.status).toBe(200);
    await s.idle();
    await s.fake.waitFor('views.publish', () => s.fake.callsTo('views.publish').length > before);
    const view = JSON.stringify(s.fake.callsTo('views.publish').at(-1)?.args.view);
    expect(view).toContain('SLAs and error budgets');
    expect(view).toContain('budget 86% left');
    expect(s.fake.violations).toEqual([]);
  });
});
