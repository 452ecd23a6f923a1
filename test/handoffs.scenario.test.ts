import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { VIEWS } from '../blocks/ids.js';
import { createServices } from '../src/app/services.js';
import { startTestApp, type TestApp, type TestSlack } from './harness/app.js';
import { overrideValues } from './harness/oncall-fixtures.js';

let t: TestApp;
let s: TestSlack;
const ids: Record<string, string> = {};
let scheduleId = '';

beforeAll(async () => {
  t = await startTestApp({ slack: true });
  if (!t.slack) throw new Error('no slack');
  s = t.slack;
  for (const [name, slack, tz] of [
    ['Alice Smith', 'U0ALICE', 'Europe/London'],
    ['Bob Jones', 'U0BOB', 'America/New_York'],
  ] as const) {
    const res = await t.request('POST', '/api/v1/users', {
      name,
      email: `${slack.toLowerCase()}@example.com`,
      slackUserId: slack,
      timeZone: tz,
    });
    ids[slack] = ((await res.json()) as { id: string }).id;
  }
  const res = await t.request('POST', '/api/v1/schedules', {
    name: 'Payments',
    timeZone: 'Europe/Berlin',
    slackChannel: '#payments-oncall',
    slackUserGroup: 'S0PAYONCALL',
    layers: [
      {
        name: 'Primary',
        participants: [ids.U0ALICE, ids.U0BOB],
        start: '2026-03-02T08:00:00Z',
        turn: { unit: 'days', count: 1 },
        handoffTime: '09:00',
      },
    ],
  });
  expect(res.status).toBe(201);
  scheduleId = ((await res.json()) as { id: string }).id;
});
afterAll(async () => {
  await t?.close();
});

const channelPosts = () =>
  s.fake.callsTo('chat.postMessage').filter((c) => c.ok && c.args.channel === 'payments-oncall');
const dmsTo = (user: string) =>
  s.fake.callsTo('chat.postMessage').filter((c) => c.ok && c.args.channel === user);
const groupUpdates = () => s.fake.callsTo('usergroups.users.update').filter((c) => c.ok);

describe('handoffs at 09:00 Berlin time', () => {
  it('first look: the user group is set to whoever is on call, and nothing from the past is announced', async () => {
    // now = Monday 2 March 09:00Z; Alice's first turn began at 09:00 CET (08:00Z).
    expect(await t.tick()).toMatchObject({ handoffs: { checked: 1, handoffs: 0, notices: 1 } });
    await s.deliverOnce();
    expect(groupUpdates().map((c) => c.args)).toEqual([{ usergroup: 'S0PAYONCALL', users: 'U0ALICE' }]);
    expect(channelPosts()).toHaveLength(0);
  });

  it('nothing happens before the handoff instant', async () => {
    t.clock.set('2026-03-03T07:59:59Z');
    expect(await t.tick()).toMatchObject({ handoffs: { handoffs: 0, notices: 0 } });
    await s.deliverOnce();
    expect(channelPosts()).toHaveLength(0);
    expect(groupUpdates()).toHaveLength(1);
  });

  it('at the handoff: a post in the channel, a DM to the person coming on, and the user group follows', async () => {
    t.clock.set('2026-03-03T08:00:03Z');
    expect(await t.tick()).toMatchObject({ handoffs: { handoffs: 1, notices: 1 } });
    await s.deliverOnce();
    const [post] = channelPosts();
    expect(post?.args.text).toBe(
      'Bob Jones is now on call for Payments until Wed 09:00 CET, taking over from Alice Smith.',
    );
    expect(JSON.stringify(post?.args.blocks)).toContain('<@U0BOB> is now on call for *Payments*');
    expect(JSON.stringify(post?.args.blocks)).toContain('Times in Europe/Berlin');
    // Bob reads it in New York time.
    const [dm] = dmsTo('U0BOB');
    expect(dm?.args.text).toBe('You are now on call for Payments until Wed 03:00 EST.');
    expect(groupUpdates().at(-1)?.args).toEqual({ usergroup: 'S0PAYONCALL', users: 'U0BOB' });
    const handoffs = (await (await t.request('GET', `/api/v1/schedules/${scheduleId}/handoffs`)).json()) as {
      items: unknown[];
    };
    expect(handoffs.items).toEqual([
      {
        at: '2026-03-03T08:00:00.000Z',
        fromUserId: ids.U0ALICE,
        toUserId: ids.U0BOB,
        until: '2026-03-04T08:00:00.000Z',
        announced: true,
      },
    ]);
    expect(s.fake.violations).toEqual([]);
  });

  it('announces each handoff once, however many ticks and workers look', async () => {
    await t.tick();
    await s.deliverOnce();
    expect(channelPosts()).toHaveLength(1);
    t.clock.set('2026-03-04T08:00:01Z');
    // Three replicas tick at the same moment.
    const replicas = [
      t.services.handoffs,
      createServices(t.orm, t.clock).handoffs,
      createServices(t.orm, t.clock).handoffs,
    ];
    const reports = await Promise.all(replicas.map((r) => r.run()));
    expect(reports.reduce((n, r) => n + r.notices, 0)).toBe(1);
    await Promise.all([t.tick(), t.tick()]);
    await s.deliverOnce();
    expect(channelPosts().map((c) => c.args.text)).toEqual([
      'Bob Jones is now on call for Payments until Wed 09:00 CET, taking over from Alice Smith.',
      'Alice Smith is now on call for Payments until Thu 09:00 CET, taking over from Bob Jones.',
    ]);
    expect(dmsTo('U0ALICE')).toHaveLength(1);
    expect(groupUpdates().at(-1)?.args).toEqual({ usergroup: 'S0PAYONCALL', users: 'U0ALICE' });
  });

  it('keeps 09:00 local across the March DST change (08:00Z before, 07:00Z after)', async () => {
    t.clock.set('2026-03-29T06:59:00Z');
    await t.tick();
    await s.deliverOnce();
    const before = channelPosts().length;
    t.clock.set('2026-03-29T07:00:01Z');
    await t.tick();
    await s.deliverOnce();
    expect(channelPosts()).toHaveLength(before + 1);
    const [latest] = (
      (await (await t.request('GET', `/api/v1/schedules/${scheduleId}/handoffs`)).json()) as {
        items: { at: string; announced: boolean }[];
      }
    ).items;
    expect(latest).toMatchObject({ at: '2026-03-29T07:00:00.000Z', announced: true });
    expect(channelPosts().at(-1)?.args.text).toMatch(/until Mon 09:00 CEST/);
  });

  it('an override added in the Slack modal hands off at its start and end, and the user group follows', async () => {
    t.clock.set('2026-03-30T12:00:00Z');
    await t.tick();
    await s.deliverOnce();
    await s.driver.slashCommand('/oncall', 'override Payments', { user: 'U0ALICE' });
    await s.idle();
    const open = await s.fake.waitFor(
      'views.open',
      (c) => (c.args.view as { callback_id?: string }).callback_id === VIEWS.override,
    );
    const metadata = (open.args.view as { private_metadata: string }).private_metadata;
    // Alice (London) covers Bob's turn on Tuesday 31 March, 12:00–14:00 her time (BST: 11:00Z–13:00Z).
    const res = await s.driver.viewSubmission(
      VIEWS.override,
      overrideValues({
        schedule: scheduleId,
        user: 'U0ALICE',
        replaces: 'U0BOB',
        start: ['2026-03-31', '12:00'],
        end: ['2026-03-31', '14:00'],
      }),
      metadata,
      'U0ALICE',
    );
    expect(res.status).toBe(200);
    await s.idle();
    const posted = channelPosts().length;
    t.clock.set('2026-03-31T10:59:59Z');
    await t.tick();
    await s.deliverOnce();
    expect(channelPosts()).toHaveLength(posted + 1); // 07:00Z Bob's turn began
    t.clock.set('2026-03-31T11:00:02Z');
    await t.tick();
    await s.deliverOnce();
    expect(channelPosts().at(-1)?.args.text).toBe(
      'Alice Smith is now on call for Payments until Tue 15:00 CEST, taking over from Bob Jones.',
    );
    expect(groupUpdates().at(-1)?.args).toEqual({ usergroup: 'S0PAYONCALL', users: 'U0ALICE' });
    t.clock.set('2026-03-31T13:00:02Z');
    await t.tick();
    await s.deliverOnce();
    expect(channelPosts().at(-1)?.args.text).toBe(
      'Bob Jones is now on call for Payments until Wed 09:00 CEST, taking over from Alice Smith.',
    );
    expect(groupUpdates().at(-1)?.args).toEqual({ usergroup: 'S0PAYONCALL', users: 'U0BOB' });
    expect(channelPosts()).toHaveLength(posted + 3);
    expect(s.fake.violations).toEqual([]);
  });
});
