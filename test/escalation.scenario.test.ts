import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp, type TestSlack } from './harness/app.js';
import {
  addPolicy,
  addUser,
  declare,
  pagesOf,
  setRules,
  setServicePolicy,
  timelineKinds,
} from './harness/escalation-fixtures.js';

let t: TestApp;
let s: TestSlack;
const u = {} as Record<'alice' | 'bob' | 'carol' | 'nobody', string>;

beforeAll(async () => {
  t = await startTestApp({ slack: true });
  if (!t.slack) throw new Error('no slack');
  s = t.slack;
  u.alice = await addUser(t, 'Alice', 'U0ALICE');
  u.bob = await addUser(t, 'Bob', 'U0BOB');
  u.carol = await addUser(t, 'Carol', 'U0CAROL');
  u.nobody = await addUser(t, 'Noslack', null);
  const twoSteps = await addPolicy(t, 'Checkout', {
    steps: [
      { delayMinutes: 5, targets: [{ type: 'user', id: u.alice }] },
      { delayMinutes: 10, targets: [{ type: 'user', id: u.bob }] },
    ],
    repeat: 1,
  });
  await setServicePolicy(t, 'checkout', twoSteps);
});
afterAll(async () => {
  await t?.close();
});

/** Pages (not handoff notices) sent by DM to a Slack user. */
const dmsTo = (user: string) =>
  s.fake
    .callsTo('chat.postMessage')
    .filter((c) => c.ok && c.args.channel === user && /\bINC-\d+/.test(String(c.args.text)));
const at = (iso: string) => t.clock.set(iso);
/** One engine tick and one delivery run at the clock's now. */
const run = async () => {
  await t.tick();
  await s.deliverOnce();
};

describe('an incident escalates through its policy until someone acknowledges', () => {
  it('step 1 pages Alice at once; step 2 pages Bob after 5 minutes; acknowledging stops it', async () => {
    at('2026-03-02T10:00:00Z');
    s.fake.reset();
    const inc = await declare(t, 'checkout');
    await run();
    expect(dmsTo('U0ALICE')).toHaveLength(1);
    expect(dmsTo('U0ALICE')[0]?.args.text).toContain(`${inc.ref} P1 Checkout is down`);
    expect(dmsTo('U0BOB')).toHaveLength(0);
    at('2026-03-02T10:04:59Z');
    await run();
    expect(dmsTo('U0BOB')).toHaveLength(0);
    at('2026-03-02T10:05:00Z');
    await run();
    expect(dmsTo('U0BOB')).toHaveLength(1);
    expect((await t.request('POST', `/api/v1/incidents/${inc.ref}/acknowledge`)).status).toBe(200);
    await s.deliverOnce();
    // Both DMs are updated in place to say so.
    const updates = s.fake
      .callsTo('chat.update')
      .filter((c) => c.ok && String(c.args.text).includes('acknowledged'));
    expect(updates).toHaveLength(2);
    at('2026-03-02T11:00:00Z');
    await run();
    expect(dmsTo('U0ALICE')).toHaveLength(1);
    expect(dmsTo('U0BOB')).toHaveLength(1);
    const list = (await (await t.request('GET', `/api/v1/incidents/${inc.ref}/notifications`)).json()) as {
      step: number;
      userId: string;
      status: string;
      ackedAt?: string;
    }[];
    expect(list.map((n) => [n.step, n.userId, n.status, Boolean(n.ackedAt)])).toEqual([
      [0, u.alice, 'sent', true],
      [1, u.bob, 'sent', true],
    ]);
    const kinds = await timelineKinds(t, inc.id);
    expect(kinds.filter((k) => k === 'escalation_step')).toHaveLength(2);
    expect(kinds.filter((k) => k === 'notified')).toHaveLength(2);
    expect(s.fake.violations).toEqual([]);
  });

  it('acknowledging at the very instant a step is due sends nothing more', async () => {
    at('2026-03-03T10:00:00Z');
    s.fake.reset();
    const inc = await declare(t, 'checkout');
    await run();
    expect(dmsTo('U0ALICE')).toHaveLength(1);
    at('2026-03-03T10:05:00Z');
    await t.request('POST', `/api/v1/incidents/${inc.ref}/acknowledge`);
    await run();
    expect(dmsTo('U0BOB')).toHaveLength(0);
    expect((await pagesOf(t, inc.id)).map((p) => p.step)).toEqual([0]);
  });

  it('a page queued before the acknowledgement and not yet sent is cancelled, not sent', async () => {
    at('2026-03-04T10:00:00Z');
    s.fake.reset();
    const inc = await declare(t, 'checkout');
    await t.tick(); // handed to the outbox…
    await t.request('POST', `/api/v1/incidents/${inc.ref}/acknowledge`); // …acknowledged before delivery
    await s.deliverOnce();
    expect(dmsTo('U0ALICE')).toHaveLength(0);
    expect((await pagesOf(t, inc.id)).map((p) => p.status)).toEqual(['cancelled']);
  });

  it('resolving stops it', async () => {
    at('2026-03-05T10:00:00Z');
    s.fake.reset();
    const inc = await declare(t, 'checkout');
    await run();
    await t.request('POST', `/api/v1/incidents/${inc.ref}/resolve`);
    at('2026-03-05T12:00:00Z');
    await run();
    expect(dmsTo('U0ALICE')).toHaveLength(1);
    expect(dmsTo('U0BOB')).toHaveLength(0);
  });

  it('repeats its loops, then says nobody acknowledged in the thread and the default channel', async () => {
    at('2026-03-06T10:00:00Z');
    s.fake.reset();
    const inc = await declare(t, 'checkout');
    for (const m of ['00', '05', '15', '20', '30']) {
      at(`2026-03-06T10:${m}:00Z`);
      await run();
    }
    expect(dmsTo('U0ALICE')).toHaveLength(2);
    expect(dmsTo('U0BOB')).toHaveLength(2);
    const pages = await pagesOf(t, inc.id);
    expect(pages.map((p) => `${p.loop}.${p.step}`)).toEqual(['0.0', '0.1', '1.0', '1.1']);
    const posts = s.fake.callsTo('chat.postMessage').filter((c) => c.ok);
    // The default channel…
    expect(
      posts.filter(
        (c) =>
          !c.args.thread_ts && String(c.args.text).includes(`Nobody acknowledged ${inc.ref} after 2 loops`),
      ),
    ).toHaveLength(1);
    // …and the incident's thread (its card is in the default channel).
    expect(
      posts.filter(
        (c) => c.args.thread_ts && String(c.args.text).includes('Nobody acknowledged after 2 loops'),
      ),
    ).toHaveLength(1);
    at('2026-03-06T12:00:00Z');
    await run();
    expect(dmsTo('U0ALICE')).toHaveLength(2);
  });

  it('someone without a Slack id: the page fails and the timeline says why', async () => {
    const p = await addPolicy(t, 'No slack', {
      steps: [{ delayMinutes: 5, targets: [{ type: 'user', id: u.nobody }] }],
    });
    await setServicePolicy(t, 'noslack', p);
    at('2026-03-07T10:00:00Z');
    const inc = await declare(t, 'noslack');
    await run();
    const pages = await pagesOf(t, inc.id);
    expect(pages.map((x) => [x.status, x.detail])).toEqual([
      ['failed', 'They have no Slack user id, so no Slack DM can reach them.'],
    ]);
    expect(await timelineKinds(t, inc.id)).toContain('notified');
  });

  it('no policy: nothing escalates, and the timeline says so', async () => {
    const inc = await declare(t, 'unpoliced');
    await run();
    expect(await pagesOf(t, inc.id)).toEqual([]);
    const notes = await t.sql<{ data: { service: string } }>(
      `select data from timeline_entries where incident_id = ? and kind = 'escalation_none'`,
      [inc.id],
    );
    expect(notes.map((n) => n.data.service)).toEqual(['unpoliced']);
    const got = (await (await t.request('GET', `/api/v1/incidents/${inc.ref}`)).json()) as {
      timeline: { kind: string; message: string }[];
    };
    expect(got.timeline.find((e) => e.kind === 'escalation_none')?.message).toBe(
      'No escalation policy applies to service "unpoliced" and there is no default policy: nobody is paged.',
    );
  });
});
