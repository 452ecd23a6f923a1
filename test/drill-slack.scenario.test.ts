import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INCIDENT_ACTIONS } from '../blocks/ids.js';
import { startTestApp, type TestApp, type TestSlack } from './harness/app.js';

let t: TestApp;
let s: TestSlack;
beforeAll(async () => {
  t = await startTestApp({ slack: true });
  if (!t.slack) throw new Error('no slack');
  s = t.slack;
  s.fake.addUser({ id: 'U0ANA', real_name: 'Ana Lima', email: 'ana@example.com', tz: 'Europe/Lisbon' });
});
afterAll(async () => {
  await t?.close();
});

const lastAnswer = () => JSON.stringify(s.fake.responseUrlPosts.at(-1)?.body);
// A card: top-level and not in a DM (pages name the incident too).
const cardOf = (ref: string) =>
  s.fake.messages.find((m) => !m.channel.startsWith('D') && !m.thread_ts && m.text.includes(ref));
const repliesTo = (ts: string) => s.fake.messages.filter((m) => m.thread_ts === ts);

describe('a fire drill', () => {
  it('/incident drill payments opens an incident marked DRILL on its card', async () => {
    const res = await s.driver.slashCommand('/incident', 'drill payments', { user: 'U0ANA' });
    expect(res.status).toBe(200);
    await s.idle();
    expect(lastAnswer()).toContain('DRILL INC-1 opened for *payments*');
    const inc = (await (await t.request('GET', '/api/v1/incidents/INC-1')).json()) as {
      drill: boolean;
      severity: number;
      service: string;
    };
    expect(inc).toMatchObject({ drill: true, severity: 1, service: 'payments' });
    await s.deliverOnce();
    const card = cardOf('INC-1');
    expect(card?.text.startsWith('[DRILL] [P1] INC-1')).toBe(true);
    expect(JSON.stringify(card?.blocks)).toContain(':test_tube: DRILL');
    expect(s.fake.violations).toEqual([]);
  });

  it('is left out of the open-incidents gauge', async () => {
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/^opswatch_incidents_open\{severity="P1"\} 0$/m);
  });

  it('acknowledge, then resolve: its replies say DRILL and the closing one the time to acknowledge', async () => {
    const card = cardOf('INC-1');
    t.clock.advance(130_000);
    const id = ((await (await t.request('GET', '/api/v1/incidents/INC-1')).json()) as { id: string }).id;
    await s.driver.blockAction(INCIDENT_ACTIONS.acknowledge, id, {
      user: 'U0ANA',
      message: { ts: card?.ts ?? '', channel: card?.channel ?? '' },
    });
    await s.idle();
    t.clock.advance(60_000);
    await s.driver.slashCommand('/incident', 'resolve INC-1 drill done', { user: 'U0ANA' });
    await s.idle();
    await s.deliverOnce();
    const replies = repliesTo(card?.ts ?? '').map((m) => m.text);
    expect(replies.length).toBeGreaterThanOrEqual(2);
    for (const r of replies) expect(r.startsWith('[DRILL] ')).toBe(true);
    expect(replies.at(-1)).toContain('Drill over: acknowledged in 2 min 10 s by Ana Lima.');
    expect(s.fake.violations).toEqual([]);
  });

  it('POST /api/v1/incidents with "drill": true; a non-boolean drill is a 400', async () => {
    const res = await t.request('POST', '/api/v1/incidents', {
      title: 'Drill',
      service: 'payments',
      drill: true,
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ drill: true, ref: 'INC-2' });
    const real = await t.request('POST', '/api/v1/incidents', { title: 'Real', service: 'payments' });
    expect(await real.json()).toMatchObject({ drill: false });
    const bad = await t.request('POST', '/api/v1/incidents', { title: 'x', drill: 'yes' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('drill');
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    // INC-3 (real, P3) counts; INC-2 (drill, P3) does not.
    expect(metrics).toMatch(/^opswatch_incidents_open\{severity="P3"\} 1$/m);
  });

  it('/incident help lists escalate and drill; bad drill arguments get the usage', async () => {
    await s.driver.slashCommand('/incident', 'help');
    await s.idle();
    expect(lastAnswer()).toContain('/incident escalate INC-42');
    expect(lastAnswer()).toContain('/incident drill service [P1-P5]');
    await s.driver.slashCommand('/incident', 'drill');
    await s.idle();
    expect(lastAnswer()).toContain('Usage');
  });
});
