import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServices } from '../src/app/services.js';
import { startTestApp, type TestApp, type TestSlack } from './harness/app.js';
import {
  addPolicy,
  addUser,
  declare,
  pagesOf,
  setRules,
  setServicePolicy,
} from './harness/escalation-fixtures.js';

let t: TestApp;
let s: TestSlack;
const u = {} as Record<'alice' | 'bob' | 'carol' | 'nobody', string>;
let berlin = '';
let empty = '';

beforeAll(async () => {
  t = await startTestApp({ slack: true });
  if (!t.slack) throw new Error('no slack');
  s = t.slack;
  u.alice = await addUser(t, 'Alice', 'U0ALICE');
  u.bob = await addUser(t, 'Bob', 'U0BOB');
  u.carol = await addUser(t, 'Carol', 'U0CAROL');
  const schedule = async (name: string, start: string) => {
    const res = await t.request('POST', '/api/v1/schedules', {
      name,
      timeZone: 'Europe/Berlin',
      layers: [
        {
          name: 'Primary',
          participants: [u.alice, u.bob],
          start,
          turn: { unit: 'days', count: 1 },
          handoffTime: '09:00',
        },
      ],
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };
  // Alice from 1 October 09:00 (CEST), then Bob, then Alice… one day each, handing over at 09:00 Berlin time.
  berlin = await schedule('Payments', '2026-10-01T07:00:00Z');
  // Nobody on call before 2030.
  empty = await schedule('Weekend', '2030-01-01T08:00:00Z');
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
const run = async () => {
  await t.tick();
  await s.deliverOnce();
};
const stepEvents = (incidentId: string) =>
  t.sql<{
    data: {
      step: number;
      targets: string[];
      paged: string[];
      defaulted: string[];
      continued: string[];
      nextAt: string;
    };
  }>(`select data from timeline_entries where incident_id = ? and kind = 'escalation_step' order by id`, [
    incidentId,
  ]);

describe('escalation rules', () => {
  it('a step whose schedule has nobody on call says so and escalates to the next step at once', async () => {
    const p = await addPolicy(t, 'Empty first', {
      steps: [
        { delayMinutes: 15, targets: [{ type: 'schedule', id: empty }] },
        { delayMinutes: 15, targets: [{ type: 'user', id: u.bob }] },
      ],
    });
    await setServicePolicy(t, 'empty', p);
    at('2026-03-02T10:00:00Z');
    s.fake.reset();
    const inc = await declare(t, 'empty');
    await run();
    expect(dmsTo('U0BOB')).toHaveLength(1);
    const nobody = await t.sql<{ data: { target: string } }>(
      `select data from timeline_entries where incident_id = ? and kind = 'nobody_on_call'`,
      [inc.id],
    );
    expect(nobody.map((n) => n.data.target)).toEqual(['Weekend']);
    const replies = s.fake.callsTo('chat.postMessage').filter((c) => c.ok && c.args.thread_ts);
    expect(replies.some((c) => String(c.args.text).includes('Nobody is on call for Weekend'))).toBe(true);
  });

  it('someone paged again while their own rules still run is not paged again: their chain continues', async () => {
    await setRules(t, u.alice, 'high', [
      { method: 'slack_dm', delayMinutes: 0 },
      { method: 'slack_dm', delayMinutes: 10 },
    ]);
    const p = await addPolicy(t, 'Alice twice', {
      steps: [
        { delayMinutes: 5, targets: [{ type: 'user', id: u.alice }] },
        {
          delayMinutes: 30,
          targets: [
            { type: 'user', id: u.alice },
            { type: 'user', id: u.bob },
          ],
        },
      ],
    });
    await setServicePolicy(t, 'chain', p);
    at('2026-03-03T10:00:00Z');
    s.fake.reset();
    const inc = await declare(t, 'chain');
    await run();
    at('2026-03-03T10:05:00Z');
    await run();
    at('2026-03-03T10:10:00Z');
    await run();
    // Alice: the DM at once and the one 10 minutes later — not a third, nor a restarted chain.
    expect(dmsTo('U0ALICE')).toHaveLength(2);
    expect(dmsTo('U0BOB')).toHaveLength(1);
    const pages = await pagesOf(t, inc.id);
    expect(pages.map((x) => [x.step, x.user_id, x.rule_position, x.status])).toEqual([
      [0, u.alice, 0, 'sent'],
      [0, u.alice, 1, 'sent'],
      [1, u.alice, 0, 'skipped'],
      [1, u.bob, 0, 'sent'],
    ]);
    expect(pages[2]?.detail).toContain('that chain continues');
    // Bob has no rules: he gets the defaults, and the timeline says so.
    const steps = await stepEvents(inc.id);
    expect(steps[1]?.data.defaulted).toEqual(['Bob']);
    expect(steps[1]?.data.continued).toEqual(['Alice']);
    await setRules(t, u.alice, 'high', []);
  });

  it('re-trigger (an alert firing again after the acknowledgement window) starts again from the first step', async () => {
    const p = await addPolicy(t, 'Storage', {
      steps: [
        { delayMinutes: 5, targets: [{ type: 'user', id: u.carol }] },
        { delayMinutes: 5, targets: [{ type: 'user', id: u.bob }] },
      ],
    });
    await setServicePolicy(t, 'storage', p);
    at('2026-03-04T10:00:00Z');
    s.fake.reset();
    const send = (key: string) =>
      t.request('POST', '/api/v1/webhooks/generic', {
        title: 'Disk almost full',
        dedup_key: key,
        service: 'storage',
        environment: 'prod',
        severity: 'critical',
        labels: { alertname: 'DiskFull' },
      });
    const first = (await (await send('disk-1')).json()) as { incidents: { id: string; number: number }[] };
    const inc = first.incidents[0];
    if (!inc) throw new Error('no incident');
    await run();
    expect(dmsTo('U0CAROL')).toHaveLength(1);
    await t.request('POST', `/api/v1/incidents/INC-${inc.number}/acknowledge`);
    at('2026-03-04T10:45:00Z');
    await send('disk-2');
    await run();
    expect(dmsTo('U0CAROL')).toHaveLength(2);
    const pages = await pagesOf(t, inc.id);
    expect(pages.map((x) => [x.generation, x.step, x.status])).toEqual([
      [0, 0, 'sent'],
      [1, 0, 'sent'],
    ]);
  });

  it('an acknowledged incident still unresolved after ackTimeoutMinutes goes back to triggered and escalates again', async () => {
    const p = await addPolicy(t, 'Timeout', {
      steps: [{ delayMinutes: 5, targets: [{ type: 'user', id: u.carol }] }],
      repeat: 0,
      ackTimeoutMinutes: 20,
    });
    await setServicePolicy(t, 'timeout', p);
    at('2026-03-05T10:00:00Z');
    s.fake.reset();
    const inc = await declare(t, 'timeout');
    await run();
    at('2026-03-05T10:02:00Z');
    await t.request('POST', `/api/v1/incidents/${inc.ref}/acknowledge`);
    at('2026-03-05T10:21:59Z');
    await run();
    expect(dmsTo('U0CAROL')).toHaveLength(1);
    at('2026-03-05T10:22:00Z');
    await run();
    await run(); // the re-trigger's step fires on the next tick (or at once by NOTIFY with a worker)
    expect(dmsTo('U0CAROL')).toHaveLength(2);
    const got = (await (await t.request('GET', `/api/v1/incidents/${inc.ref}`)).json()) as { status: string };
    expect(got.status).toBe('triggered');
  });

  it('a schedule step across the DST night (Europe/Berlin, last Sunday of October) pages whoever is on call then', async () => {
    const p = await addPolicy(t, 'Night', {
      steps: [
        { delayMinutes: 60, targets: [{ type: 'user', id: u.carol }] },
        { delayMinutes: 60, targets: [{ type: 'schedule', id: berlin }] },
      ],
    });
    await setServicePolicy(t, 'night', p);
    // 02:30 CEST on 25 October; an hour later it is 02:30 again (CET).
    at('2026-10-25T00:30:00Z');
    s.fake.reset();
    const inc = await declare(t, 'night');
    await run();
    at('2026-10-25T01:30:00Z');
    await run();
    // Saturday's turn (Bob, from 24 Oct 09:00 CEST) lasts until Sunday 09:00 CET = 08:00Z: 25 hours.
    expect(dmsTo('U0BOB')).toHaveLength(1);
    const steps = await stepEvents(inc.id);
    expect(steps.map((x) => [x.data.targets, x.data.nextAt])).toEqual([
      [['Carol'], '2026-10-25T01:30:00.000Z'],
      [['Payments'], '2026-10-25T02:30:00.000Z'],
    ]);
    // An hour before the handoff at 09:00 CET (07:30Z) it is still Bob; at 08:00Z Alice takes over.
    await setServicePolicy(
      t,
      'night2',
      await addPolicy(t, 'Sched', {
        steps: [{ delayMinutes: 5, targets: [{ type: 'schedule', id: berlin }] }],
      }),
    );
    at('2026-10-25T07:30:00Z');
    await declare(t, 'night2');
    await run();
    expect(dmsTo('U0BOB')).toHaveLength(2);
    at('2026-10-25T08:00:00Z');
    await declare(t, 'night2', 1, 'Again');
    await run();
    expect(dmsTo('U0ALICE')).toHaveLength(1);
  });

  it('escalate now: jumps to the next step once; a stale click does nothing and says so', async () => {
    const p = await addPolicy(t, 'Manual', {
      steps: [
        { delayMinutes: 30, targets: [{ type: 'user', id: u.alice }] },
        { delayMinutes: 30, targets: [{ type: 'user', id: u.bob }] },
      ],
    });
    await setServicePolicy(t, 'manual', p);
    at('2026-03-06T10:00:00Z');
    s.fake.reset();
    const inc = await declare(t, 'manual');
    await run();
    const token = { generation: 0, loop: 0, step: 0 };
    const first = await t.request('POST', `/api/v1/incidents/${inc.ref}/escalate`, { token });
    expect(await first.json()).toEqual({
      escalated: true,
      message: `${inc.ref}: escalating from step 1 to the next step now.`,
    });
    await run();
    expect(dmsTo('U0BOB')).toHaveLength(1);
    const again = await t.request('POST', `/api/v1/incidents/${inc.ref}/escalate`, { token });
    expect(await again.json()).toEqual({
      escalated: false,
      message: `${inc.ref} has already moved past step 1.`,
    });
    await run();
    expect(dmsTo('U0BOB')).toHaveLength(1);
    const kinds = await t.sql<{ actor_name: string }>(
      `select actor_name from timeline_entries where incident_id = ? and kind = 'escalated'`,
      [inc.id],
    );
    expect(kinds.map((k) => k.actor_name)).toEqual(['API key "bootstrap"']);
  });
});

describe('exactly once', () => {
  it('three engine instances on one database send each page once', async () => {
    const p = await addPolicy(t, 'Three', {
      steps: [
        { delayMinutes: 1, targets: [{ type: 'user', id: u.alice }] },
        { delayMinutes: 1, targets: [{ type: 'user', id: u.bob }] },
      ],
      repeat: 1,
    });
    await setServicePolicy(t, 'three', p);
    at('2026-03-07T10:00:00Z');
    s.fake.reset();
    const incs = [];
    for (let i = 0; i < 20; i++) incs.push(await declare(t, 'three', 1, `Outage ${i}`));
    const engines = [
      t.services.escalation.engine,
      createServices(t.orm, t.clock).escalation.engine,
      createServices(t.orm, t.clock).escalation.engine,
    ];
    for (const m of ['00', '01', '02', '03', '04']) {
      at(`2026-03-07T10:${m}:00Z`);
      await Promise.all(engines.map((e) => e.run(t.clock.now())));
      await Promise.all(engines.map((e) => e.run(t.clock.now())));
      await s.deliverOnce();
    }
    // Each incident: Alice, Bob, Alice, Bob.
    expect(dmsTo('U0ALICE')).toHaveLength(40);
    expect(dmsTo('U0BOB')).toHaveLength(40);
    const dup = await t.sql<{ n: number }>(
      `select count(*)::int as n from (select incident_id, generation, loop, step, user_id, rule_position
         from pages group by 1, 2, 3, 4, 5, 6 having count(*) > 1) d`,
    );
    expect(dup).toEqual([{ n: 0 }]);
  });

  it('a worker killed between recording a step and handing its page over: the page is sent exactly once after restart', async () => {
    const p = await addPolicy(t, 'Crash', {
      steps: [{ delayMinutes: 5, targets: [{ type: 'user', id: u.carol }] }],
    });
    await setServicePolicy(t, 'crash', p);
    at('2026-03-08T10:00:00Z');
    s.fake.reset();
    const inc = await declare(t, 'crash');
    const engine = t.services.escalation.engine;
    engine.hooks.beforeHandOver = () => {
      throw new Error('worker killed');
    };
    const report = (await t.tick()) as { escalation: { error?: string } };
    expect(report.escalation.error).toBe('worker killed');
    engine.hooks = {};
    await s.deliverOnce();
    expect(dmsTo('U0CAROL')).toHaveLength(0);
    // Another worker (a restarted one) picks it up.
    const restarted = createServices(t.orm, t.clock).escalation.engine;
    await restarted.run(t.clock.now());
    await restarted.run(t.clock.now());
    await run();
    expect(dmsTo('U0CAROL')).toHaveLength(1);
    expect((await pagesOf(t, inc.id)).map((x) => x.status)).toEqual(['sent']);
  });

  it('a page DM whose answer was lost is found in the DM, not sent twice', async () => {
    const p = await addPolicy(t, 'Lost', {
      steps: [{ delayMinutes: 5, targets: [{ type: 'user', id: u.bob }] }],
    });
    await setServicePolicy(t, 'lost', p);
    at('2026-03-10T10:00:00Z');
    s.fake.reset();
    const inc = await declare(t, 'lost');
    await t.tick();
    s.fake.failNext('chat.postMessage', { drop: 'after' }); // Slack posts it; OpsWatch never hears so
    await s.deliverOnce();
    for (let i = 0; i < 5; i++) {
      at(new Date(t.clock.now().getTime() + 60_000).toISOString());
      await s.deliverOnce();
    }
    const carried = s.fake
      .callsTo('chat.postMessage')
      .filter((c) => c.args.channel === 'U0BOB' && String(c.args.text).includes(inc.ref));
    expect(carried).toHaveLength(1);
    expect(s.fake.callsTo('conversations.history').length).toBeGreaterThan(0);
    expect((await pagesOf(t, inc.id)).map((x) => x.status)).toEqual(['sent']);
    expect(s.fake.violations).toEqual([]);
  });

  it('Slack down: pages wait in the outbox, then go out once, in order', async () => {
    const p = await addPolicy(t, 'Down', {
      steps: [{ delayMinutes: 5, targets: [{ type: 'user', id: u.carol }] }],
    });
    await setServicePolicy(t, 'down', p);
    at('2026-03-09T10:00:00Z');
    s.fake.reset();
    await s.fake.down('503');
    const titles = ['First', 'Second', 'Third'];
    for (const title of titles) await declare(t, 'down', 1, title);
    await t.tick();
    await s.deliverOnce();
    expect(dmsTo('U0CAROL')).toHaveLength(0);
    await s.fake.up();
    for (let i = 0; i < 6 && dmsTo('U0CAROL').length < 3; i++) {
      at(new Date(t.clock.now().getTime() + 60_000).toISOString());
      await run();
    }
    const dms = dmsTo('U0CAROL').map((c) => String(c.args.text));
    expect(dms).toHaveLength(3);
    expect(dms.map((d) => titles.find((x) => d.includes(`P1 ${x}`)))).toEqual(titles);
  });
});
