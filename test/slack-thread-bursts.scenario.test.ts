/**
 * Alerts joining an incident in a burst become one thread reply; when that reply's answer is lost, every alert it
 * carried is "maybe sent", so the next attempt finds the reply instead of posting the alerts again.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp, type TestSlack } from './harness/app.js';
import { wrapSends } from './harness/delivery.js';

let t: TestApp;
let s: TestSlack;
beforeAll(async () => {
  t = await startTestApp({ slack: true });
  if (!t.slack) throw new Error('no slack');
  s = t.slack;
  await t.request('PUT', '/api/v1/slack/routes', { routes: { checkout: 'C0CHECKOUT' } });
});
afterAll(async () => {
  await t?.close();
});

let seq = 0;
/** One Alertmanager notification of `n` new alerts in group `group`. */
async function fire(group: string, n: number): Promise<void> {
  const alerts = Array.from({ length: n }, () => {
    seq++;
    return {
      status: 'firing',
      labels: { alertname: `Latency${seq}`, service: 'checkout', group },
      annotations: { summary: `checkout latency ${seq}` },
      startsAt: '2026-03-02T08:59:00Z',
      fingerprint: `fp${seq}`,
    };
  });
  const res = await t.request('POST', '/api/v1/webhooks/alertmanager', {
    version: '4',
    status: 'firing',
    receiver: 'opswatch',
    groupKey: `{}:{group="${group}"}`,
    groupLabels: { group },
    commonLabels: { service: 'checkout' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    alerts,
  });
  expect(res.status).toBe(200);
}

const replies = () => {
  const card = s.fake.messages.find((m) => m.channel === 'C0CHECKOUT' && !m.thread_ts);
  return s.fake.messages.filter((m) => m.channel === 'C0CHECKOUT' && m.thread_ts === card?.ts);
};
const replyRows = () =>
  t.sql<{ status: string; maybe_sent: boolean }>(
    `select status, maybe_sent from outbox where destination = 'slack.reply' order by id`,
  );

describe('a burst of alerts joining an incident', () => {
  it('is one thread reply, and a lost answer never makes it two', async () => {
    await fire('g1', 1);
    await s.deliverOnce();
    expect(s.fake.callsTo('chat.postMessage').filter((c) => c.ok)).toHaveLength(1); // the card
    await fire('g1', 3);
    // Slack posts the merged reply, but its answer never comes back.
    const lost = wrapSends(s.delivery, (send) => async (unit) => {
      const posted = await send(unit);
      if (unit.rows[0].destination === 'slack.reply') throw new Error('socket hang up');
      return posted;
    });
    await t.services.outbox.deliverOnce(lost);
    expect(replies()).toHaveLength(1);
    expect(await replyRows()).toEqual([
      { status: 'pending', maybe_sent: true },
      { status: 'pending', maybe_sent: true },
      { status: 'pending', maybe_sent: true },
    ]);
    t.clock.advance(2_000);
    await s.deliverOnce();
    expect(replies()).toHaveLength(1);
    expect(replies()[0]?.text).toBe(
      'Alertmanager (API key "bootstrap") reported alerts firing for INC-1: Alert fired: checkout latency 2 ' +
        'Alert fired: checkout latency 3 Alert fired: checkout latency 4',
    );
    expect(s.fake.callsTo('conversations.replies')).toHaveLength(1);
    expect((await replyRows()).map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
    expect(s.fake.violations).toEqual([]);
  });
});
