import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INCIDENT_ACTIONS } from '../blocks/ids.js';
import { fixture, startTestApp, type TestApp, type TestSlack } from './harness/app.js';

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
  s.fake.addUser({ id: 'U0BOB', real_name: 'Bob Jones', email: 'bob@example.com', tz: 'America/New_York' });
});
afterAll(async () => {
  await t?.close();
});

/** The fixture's firing alert, for service `checkout`. */
function checkoutAlert(name = 'HighErrorRate'): string {
  const body = JSON.parse(fixture('prometheus-rule-firing.json')) as {
    alerts: { labels: Record<string, string>; annotations: Record<string, string>; fingerprint: string }[];
    groupLabels: Record<string, string>;
    commonLabels: Record<string, string>;
    groupKey: string;
  };
  for (const a of body.alerts) {
    a.labels = { ...a.labels, alertname: name, service: 'checkout' };
    a.annotations = { ...a.annotations, runbook_url: 'https://runbooks.example.com/checkout' };
    a.fingerprint = `fp-${name}`;
  }
  body.groupLabels = { alertname: name };
  body.commonLabels = { ...body.commonLabels, alertname: name, service: 'checkout' };
  body.groupKey = `{}:{alertname="${name}"}`;
  return JSON.stringify(body);
}

const cardsIn = (channel: string) => s.fake.messages.filter((m) => m.channel === channel && !m.thread_ts);
const repliesTo = (ts: string) => s.fake.messages.filter((m) => m.thread_ts === ts);

describe('an incident lives in Slack', () => {
  let cardTs = '';
  let incidentId = '';

  it('routes a service to a channel through the REST API', async () => {
    const put = await t.request('PUT', '/api/v1/slack/routes', { routes: { checkout: '#payments-oncall' } });
    expect(put.status).toBe(200);
    const get = await t.request('GET', '/api/v1/slack/routes');
    expect(await get.json()).toEqual({
      routes: { checkout: 'payments-oncall' },
      defaultChannel: 'C0DEFAULT',
    });
    const bad = await t.request('PUT', '/api/v1/slack/routes', { routes: { checkout: 'No Spaces Allowed' } });
    expect(bad.status).toBe(400);
  });

  it('Alertmanager fires → a card is posted to the routed channel', async () => {
    const res = await t.request('POST', '/api/v1/webhooks/alertmanager', checkoutAlert());
    expect(res.status).toBe(200);
    const report = await s.deliverOnce();
    expect(report).toMatchObject({ sent: 1, failed: 0 });
    const [card] = cardsIn('payments-oncall');
    expect(card).toBeDefined();
    expect(card?.text).toContain('INC-1');
    expect(JSON.stringify(card?.blocks)).toContain(INCIDENT_ACTIONS.acknowledge);
    expect(JSON.stringify(card?.blocks)).toContain('runbooks.example.com/checkout');
    cardTs = card?.ts ?? '';
    const [row] = await t.sql<{ channel_id: string; ts: string; incident_id: string }>(
      'select channel_id, ts, incident_id from slack_messages',
    );
    expect(row?.ts).toBe(cardTs);
    incidentId = row?.incident_id ?? '';
    // The alert that opened the incident is on the card, not repeated in the thread.
    expect(repliesTo(cardTs)).toHaveLength(0);
    expect(s.fake.violations).toEqual([]);
  });

  it('Acknowledge clicked → acknowledged as the Slack user, card updated in place, thread reply', async () => {
    const res = await s.driver.blockAction(INCIDENT_ACTIONS.acknowledge, incidentId, {
      message: { ts: cardTs, channel: 'payments-oncall' },
    });
    expect(res.status).toBe(200);
    await s.idle();
    const inc = (await (await t.request('GET', '/api/v1/incidents/INC-1')).json()) as {
      status: string;
      timeline: { kind: string; actor: { name: string } }[];
    };
    expect(inc.status).toBe('acknowledged');
    expect(inc.timeline.find((e) => e.kind === 'acknowledged')?.actor.name).toBe('Alice Smith');
    const [user] = await t.sql<{ email: string; time_zone: string }>(
      `select email, time_zone from users where slack_user_id = 'U0ALICE'`,
    );
    expect(user).toEqual({ email: 'alice@example.com', time_zone: 'Europe/London' });

    await s.deliverOnce();
    const update = await s.fake.waitFor('chat.update');
    expect(update.args.ts).toBe(cardTs);
    expect(JSON.stringify(update.args.blocks)).not.toContain(INCIDENT_ACTIONS.acknowledge);
    expect(cardsIn('payments-oncall')).toHaveLength(1);
    const replies = repliesTo(cardTs);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.text).toContain('Alice Smith acknowledged INC-1');
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/opswatch_slack_answer_duration_seconds_count\{type="block_actions"\} [1-9]/);
  });

  it('a second click by someone else is told who already did it', async () => {
    const res = await s.driver.blockAction(INCIDENT_ACTIONS.acknowledge, incidentId, {
      user: 'U0BOB',
      message: { ts: cardTs, channel: 'payments-oncall' },
    });
    expect(res.status).toBe(200);
    await s.idle();
    const told = s.fake.responseUrlPosts.at(-1)?.body as { text: string; response_type: string };
    expect(told).toMatchObject({ response_type: 'ephemeral' });
    expect(told.text).toContain('INC-1 is already acknowledged by Alice Smith');
  });

  it('a re-fire joining the incident is threaded, not a new card', async () => {
    t.clock.advance(60_000);
    const body = JSON.parse(checkoutAlert()) as {
      alerts: { fingerprint: string; labels: Record<string, string> }[];
    };
    for (const a of body.alerts) {
      a.fingerprint = 'fp-second';
      a.labels.instance = 'other:9090';
    }
    expect((await t.request('POST', '/api/v1/webhooks/alertmanager', JSON.stringify(body))).status).toBe(200);
    await s.deliverOnce();
    expect(cardsIn('payments-oncall')).toHaveLength(1);
    expect(repliesTo(cardTs).map((m) => m.text)).toEqual([
      expect.stringContaining('acknowledged INC-1'),
      expect.stringContaining('Alert fired'),
    ]);
  });

  it('a burst of alerts joining the incident becomes one thread reply listing them', async () => {
    const body = JSON.parse(checkoutAlert()) as {
      alerts: { fingerprint: string; labels: Record<string, string> }[];
    };
    const [first] = body.alerts;
    if (!first) throw new Error('fixture has no alert');
    body.alerts = Array.from({ length: 6 }, (_, i) => ({
      ...first,
      fingerprint: `fp-burst-${i}`,
      labels: { ...first.labels, instance: `burst-${i}:9090` },
    }));
    expect((await t.request('POST', '/api/v1/webhooks/alertmanager', JSON.stringify(body))).status).toBe(200);
    const before = repliesTo(cardTs).length;
    await s.deliverOnce();
    const added = repliesTo(cardTs).slice(before);
    expect(added).toHaveLength(1);
    expect(added[0]?.text.match(/Alert fired/g)).toHaveLength(6);
  });

  it('/incident resolve INC-1 with a note → resolved, card updated, reply with the note', async () => {
    const res = await s.driver.slashCommand('/incident', 'resolve INC-1 rolled back the deploy');
    expect(res.status).toBe(200);
    await s.idle();
    const inc = (await (await t.request('GET', '/api/v1/incidents/INC-1')).json()) as { status: string };
    expect(inc.status).toBe('resolved');
    expect(JSON.stringify(s.fake.responseUrlPosts.at(-1)?.body)).toContain('You resolved INC-1');
    await s.deliverOnce();
    const last = s.fake.callsTo('chat.update').at(-1);
    expect(JSON.stringify(last?.args.blocks)).toContain('Resolved');
    expect(repliesTo(cardTs).at(-1)?.text).toContain('rolled back the deploy');
  });

  it('answers unknown subcommands and bad arguments with help, never silence', async () => {
    await s.driver.slashCommand('/incident', 'frobnicate');
    await s.idle();
    expect(JSON.stringify(s.fake.responseUrlPosts.at(-1)?.body)).toContain("I don't know");
    await s.driver.slashCommand('/incident', 'ack');
    await s.idle();
    expect(JSON.stringify(s.fake.responseUrlPosts.at(-1)?.body)).toContain('Usage');
    await s.driver.slashCommand('/incident', 'ack INC-999');
    await s.idle();
    expect(JSON.stringify(s.fake.responseUrlPosts.at(-1)?.body)).toContain('INC-999 was not found');
  });

  it('/incident list, show, assign and note', async () => {
    await t.request('POST', '/api/v1/webhooks/alertmanager', checkoutAlert('DiskFull'));
    await s.driver.slashCommand('/incident', 'list checkout');
    await s.idle();
    expect(JSON.stringify(s.fake.responseUrlPosts.at(-1)?.body)).toContain('INC-2');
    await s.driver.slashCommand('/incident', 'show INC-2');
    await s.idle();
    expect(JSON.stringify(s.fake.responseUrlPosts.at(-1)?.body)).toContain('INC-2');
    await s.driver.slashCommand('/incident', 'assign INC-2 <@U0BOB|bob>');
    await s.idle();
    expect(JSON.stringify(s.fake.responseUrlPosts.at(-1)?.body)).toContain('assigned to Bob Jones');
    await s.driver.slashCommand('/incident', 'note INC-2 looking at the disks');
    await s.idle();
    const inc = (await (await t.request('GET', '/api/v1/incidents/INC-2')).json()) as {
      assignee: { name: string };
      timeline: { kind: string; message: string }[];
    };
    expect(inc.assignee.name).toBe('Bob Jones');
    expect(inc.timeline.at(-1)).toMatchObject({ kind: 'note', message: 'looking at the disks' });
    await s.deliverOnce();
    const card = cardsIn('payments-oncall').find((m) => m.text.includes('INC-2'));
    expect(card).toBeDefined();
    expect(repliesTo(card?.ts ?? '').map((m) => m.text)).toEqual([
      expect.stringContaining('Bob Jones'),
      expect.stringContaining('looking at the disks'),
    ]);
    expect(s.fake.violations).toEqual([]);
  });

  it('no card, reply, list or Home links to an OpsWatch page that does not exist (PUBLIC_BASE_URL/incidents/…)', async () => {
    await s.driver.appHomeOpened('U0ALICE');
    await s.idle();
    await s.fake.waitFor('views.publish', (c) => c.args.user_id === 'U0ALICE');
    await s.driver.slashCommand('/incident', 'list');
    await s.idle();
    const surfaces = [
      ...s.fake.messages.flatMap((m) => m.history),
      ...s.fake.ephemerals,
      ...[...s.fake.views.values()].flatMap((v) => v.history),
      ...s.fake.responseUrlPosts.map((p) => p.body),
      ...s.fake.callsTo('chat.postMessage').map((c) => c.args),
    ];
    expect(surfaces.length).toBeGreaterThan(10);
    const rendered = JSON.stringify(surfaces);
    expect(rendered).toContain('INC-2');
    // The harness's PUBLIC_BASE_URL is http://localhost: no page answers at /incidents/<id>, /incidents or /.
    expect(rendered.match(/http:\/\/localhost(\/incidents\b|\/?["|>])[^"]*/g) ?? []).toEqual([]);
    expect(rendered).toContain('https://runbooks.example.com/checkout');
  });
});
