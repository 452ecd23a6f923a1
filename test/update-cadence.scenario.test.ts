/**
 * The status update cadence: a P1 with no update for 30 minutes reminds its commander by DM — once, however many
 * workers tick — once more each interval, counted again from each update, until it resolves. The schedule lives
 * in the database: another OpsWatch on the same database (a restart) keeps it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INCIDENT_ACTIONS, VIEWS } from '../blocks/ids.js';
import { buildOpsWatch, type OpsWatch } from '../src/app/opswatch.js';
import { createLogger } from '../src/shared/logger.js';
import { startTestApp, type TestApp, type TestSlack } from './harness/app.js';
import { addPerson } from './harness/tenants.js';

let t: TestApp;
let s: TestSlack;
let others: OpsWatch[] = [];
let incidentId = '';

const config = {
  slackEnabled: false,
  publicBaseUrl: 'http://localhost',
  ENGINE_TICK_SECONDS: 1,
  PORT: 0,
  HOST: '127.0.0.1',
};

beforeAll(async () => {
  t = await startTestApp({ slack: true });
  if (!t.slack) throw new Error('no slack');
  s = t.slack;
  for (const [name, slack] of [
    ['Bob Jones', 'U0BOB'],
    ['Alice Smith', 'U0ALICE'],
  ] as const) {
    s.fake.addUser({ id: slack, real_name: name, email: `${slack}@example.com`, tz: 'Europe/London' });
    await addPerson(t, t.actor.tenantId, {
      name,
      role: 'responder',
      slackUserId: slack,
      email: `${slack}@example.com`,
    });
  }
  // Two more workers on the same database, as three worker processes would be.
  const log = createLogger('silent');
  others = [
    await buildOpsWatch({ orm: t.orm, clock: t.clock, log, config }),
    await buildOpsWatch({ orm: t.orm, clock: t.clock, log, config }),
  ];
});
afterAll(async () => {
  await t?.close();
});

const at = (iso: string) => t.clock.set(iso);
/** Three workers tick at once, twice, then the outbox is delivered. */
async function workersTick(workers: OpsWatch[] = [t.app, ...others]): Promise<void> {
  for (let i = 0; i < 2; i++) await Promise.all(workers.map((w) => w.engine.tick(t.clock.now())));
  await s.deliverOnce();
}
const reminders = (user: string) =>
  s.fake
    .callsTo('chat.postMessage')
    .filter(
      (c) => c.ok && c.args.channel === user && String(c.args.text).includes('has had no status update'),
    )
    .map((c) => String(c.args.text));
const post = (path: string, body: unknown) => t.request('POST', `/api/v1/incidents/INC-1${path}`, body);

describe('status update reminders', () => {
  it('a P1 opens at 09:00 with Bob as commander; a P3 has no cadence', async () => {
    at('2026-03-02T09:00:00Z');
    const p1 = await t.request('POST', '/api/v1/incidents', { title: 'Checkout down', severity: 'P1' });
    incidentId = ((await p1.json()) as { id: string }).id;
    expect((await post('/roles', { role: 'commander', userId: 'U0BOB' })).status).toBe(200);
    await t.request('POST', '/api/v1/incidents', { title: 'Slow report', severity: 'P3' });
    const cadences = await t.sql<{ interval_minutes: number; due_at: Date }>(
      'select interval_minutes, due_at from incident_update_cadences',
    );
    expect(cadences.map((c) => [c.interval_minutes, new Date(c.due_at).toISOString()])).toEqual([
      [30, '2026-03-02T09:30:00.000Z'],
    ]);
    await s.deliverOnce();
  });

  it('29 minutes pass: nobody is reminded', async () => {
    at('2026-03-02T09:29:00Z');
    await workersTick();
    expect(reminders('U0BOB')).toEqual([]);
  });

  it('30 minutes with no update: three workers racing DM the commander once', async () => {
    at('2026-03-02T09:30:00Z');
    await workersTick();
    expect(reminders('U0BOB')).toEqual(['INC-1 has had no status update for 30 min: /incident update INC-1']);
    const events = await t.sql('select 1 from timeline_entries where kind = ?', ['update_reminder']);
    expect(events).toHaveLength(1);
  });

  it('another 30 minutes: one more, and only one', async () => {
    at('2026-03-02T09:45:00Z');
    await workersTick();
    at('2026-03-02T10:00:00Z');
    await workersTick();
    expect(reminders('U0BOB')).toHaveLength(2);
    expect(reminders('U0BOB')[1]).toContain('for 60 min');
  });

  it('"Post update" on the reminder opens the update modal; an update counts the interval again', async () => {
    await s.driver.blockAction(INCIDENT_ACTIONS.postUpdate, incidentId, {
      user: 'U0BOB',
      channelId: 'D0BOB',
    });
    const open = await s.fake.waitFor(
      'views.open',
      (c) => (c.args.view as { callback_id?: string }).callback_id === VIEWS.statusUpdate,
    );
    expect(JSON.stringify(open.args.view)).toContain('INC-1');
    at('2026-03-02T10:05:00Z');
    expect((await post('/updates', { status: 'identified', message: 'Bad deploy' })).status).toBe(201);
    at('2026-03-02T10:34:00Z');
    await workersTick();
    expect(reminders('U0BOB')).toHaveLength(2);
    at('2026-03-02T10:35:00Z');
    await workersTick();
    expect(reminders('U0BOB')).toHaveLength(3);
    expect(reminders('U0BOB')[2]).toContain('for 30 min');
  });

  it('a restart (another OpsWatch on the same database) keeps the schedule', async () => {
    const restarted = await buildOpsWatch({
      orm: t.orm,
      clock: t.clock,
      log: createLogger('silent'),
      config,
    });
    at('2026-03-02T11:05:00Z');
    await workersTick([restarted]);
    expect(reminders('U0BOB')).toHaveLength(4);
  });

  it('with no commander, the assignee is reminded', async () => {
    expect((await post('/roles', { role: 'commander', userId: null })).status).toBe(200);
    expect((await post('/assign', { user: 'U0ALICE' })).status).toBe(200);
    at('2026-03-02T11:35:00Z');
    await workersTick();
    expect(reminders('U0BOB')).toHaveLength(4);
    expect(reminders('U0ALICE')).toEqual([
      'INC-1 has had no status update for 90 min: /incident update INC-1',
    ]);
  });

  it('resolved: no more reminders', async () => {
    at('2026-03-02T11:40:00Z');
    expect((await post('/resolve', {})).status).toBe(200);
    for (const time of ['2026-03-02T12:05:00Z', '2026-03-02T12:35:00Z', '2026-03-02T14:00:00Z']) {
      at(time);
      await workersTick();
    }
    expect(reminders('U0BOB')).toHaveLength(4);
    expect(reminders('U0ALICE')).toHaveLength(1);
    const events = await t.sql('select 1 from timeline_entries where kind = ?', ['update_reminder']);
    expect(events).toHaveLength(5);
    expect(s.fake.violations).toEqual([]);
  });
});
