import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INCIDENT_ACTIONS } from '../blocks/ids.js';
import { CardMoreValue } from '../blocks/incident-card-more.blocks.js';
import { encodeMetadata } from '../blocks/metadata.js';
import { startTestApp, type TestApp, type TestSlack } from './harness/app.js';

/** "Silence 1h" from the incident card and `/silence`, through signed Slack requests. */
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

const fire = (title: string, service: string) =>
  t.request('POST', '/api/v1/webhooks/generic', {
    title,
    severity: 'critical',
    service,
    dedup_key: `${service}-${title}`,
  });
const told = () => s.fake.responseUrlPosts.at(-1)?.body as { text: string; response_type: string };

describe('silencing from Slack', () => {
  it('"Silence 1h" on the card silences the incident’s alerts, records it on the timeline and tells the clicker', async () => {
    t.clock.set('2027-02-01T10:00:00Z');
    const res = await fire('DiskFull', 'search');
    const { incidents } = (await res.json()) as { incidents: { id: string }[] };
    const incidentId = incidents[0]!.id;
    await s.deliverOnce();
    const card = await s.fake.waitFor('chat.postMessage');
    const value = encodeMetadata(CardMoreValue, { a: 'silence', id: incidentId });
    const click = await s.driver.blockAction(INCIDENT_ACTIONS.more, value, {
      elementType: 'overflow',
      message: { ts: '1.000001', channel: String(card.args.channel) },
    });
    expect(click.status).toBe(200);
    await s.idle();
    expect(told()).toMatchObject({ response_type: 'ephemeral' });
    expect(told().text).toContain('Silenced alertname="DiskFull", service="search"');
    const inc = (await (await t.request('GET', '/api/v1/incidents/INC-1')).json()) as {
      timeline: { kind: string; data: { endsAt: string; matchers: string } }[];
    };
    const event = inc.timeline.find((e) => e.kind === 'silenced');
    expect(event?.data.endsAt).toBe('2027-02-01T11:00:00.000Z');
    // The next alert of that name and service is held back.
    const again = (await (await fire('DiskFull', 'search')).json()) as { silenced: number };
    expect(again.silenced).toBe(0); // a repeat of the alert already in INC-1 stays in it
    const other = await t.request('POST', '/api/v1/webhooks/generic', {
      title: 'DiskFull',
      severity: 'critical',
      service: 'search',
      dedup_key: 'search-disk-2',
    });
    expect(await other.json()).toMatchObject({ silenced: 1, incidents: [] });
    expect(s.fake.violations).toEqual([]);
  });

  it('/silence creates, lists and expires silences', async () => {
    await s.driver.slashCommand('/silence', 'service=checkout 2h deploy', { user: 'U0ALICE' });
    await s.idle();
    expect(told().text).toContain('Silenced service="checkout"');
    const [row] = await t.sql<{ id: string; reason: string; created_by: string }>(
      `select id, reason, created_by from silences where reason = 'deploy'`,
    );
    expect(row?.created_by).toBe('Alice Smith');
    await s.driver.slashCommand('/silence', 'list', { user: 'U0ALICE' });
    await s.idle();
    expect(told().text).toBe('2 silences');
    await s.driver.slashCommand('/silence', `expire ${row?.id}`, { user: 'U0ALICE' });
    await s.idle();
    expect(told().text).toBe('Silence service="checkout" expired');
    await s.driver.slashCommand('/silence', 'help', { user: 'U0ALICE' });
    await s.idle();
    expect(JSON.stringify(told())).toContain('/silence list');
    expect(s.fake.violations).toEqual([]);
  });
});

describe('maintenance announcements', () => {
  it('a window’s start and end are posted in the service’s channel once, with three workers ticking', async () => {
    const svc = await t.request('POST', '/api/v1/services', { name: 'billing', slackChannel: 'C0BILLING' });
    expect(svc.status).toBe(201);
    t.clock.set('2027-03-01T08:00:00Z');
    await t.request('POST', '/api/v1/maintenance-windows', {
      service: 'billing',
      name: 'DB upgrade',
      rule: { kind: 'once', startsAt: '2027-03-01T09:00:00Z', endsAt: '2027-03-01T10:00:00Z' },
    });
    const posts = () =>
      s.fake
        .callsTo('chat.postMessage')
        .filter((c) => c.ok && String(c.args.text).startsWith('Maintenance DB upgrade'));
    t.clock.set('2027-03-01T09:00:00Z');
    await Promise.all([t.tick(), t.tick(), t.tick()]);
    await t.tick();
    await s.deliverOnce();
    expect(posts().map((c) => [c.args.channel, c.args.text])).toEqual([
      ['C0BILLING', 'Maintenance DB upgrade on billing has started'],
    ]);
    t.clock.set('2027-03-01T10:00:00Z');
    await Promise.all([t.tick(), t.tick(), t.tick()]);
    await s.deliverOnce();
    t.clock.set('2027-03-01T10:05:00Z');
    await t.tick();
    await s.deliverOnce();
    expect(posts().map((c) => c.args.text)).toEqual([
      'Maintenance DB upgrade on billing has started',
      'Maintenance DB upgrade on billing has ended',
    ]);
    expect(s.fake.violations).toEqual([]);
  });
});
