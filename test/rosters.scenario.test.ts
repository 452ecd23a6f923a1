import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ical, { type VEvent } from 'node-ical';
import { applyConfig } from '../src/cli/apply.js';
import { layerInputSchema, OnCallService, type ScheduleRules, shifts } from '../src/domains/rosters/index.js';
import { startTestApp, type TestApp } from './harness/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const json = async <T>(res: Response) => (await res.json()) as T;
interface Problem {
  status: number;
  errors?: { field: string; message: string }[];
}
interface ScheduleJson {
  id: string;
  name: string;
  icalUrl: string;
  gaps: { start: string; end: string }[];
}
interface OnCallJson {
  users: { id: string; name: string }[];
  until: string | null;
  source: { kind: string } | null;
}
interface ShiftJson {
  userId: string;
  start: string;
  end: string;
}

const ids: Record<string, string> = {};
let payments: ScheduleJson;
const daily = () => ({
  name: 'Primary',
  participants: [ids.alice, ids.bob, ids.carol],
  start: '2026-03-02T09:00:00Z',
  turn: { unit: 'days', count: 1 },
  handoffTime: '09:00',
});
const oncall = async (at: string) =>
  json<OnCallJson>(
    await t.request('GET', `/api/v1/schedules/${payments.id}/oncall?at=${encodeURIComponent(at)}`),
  );
const pathOf = (url: string) => new URL(url).pathname;

describe('on-call schedules over REST', () => {
  it('creates users and a Europe/London daily schedule', async () => {
    for (const name of ['alice', 'bob', 'carol']) {
      const res = await t.request('POST', '/api/v1/users', { name, email: `${name}@example.com` });
      ids[name] = (await json<{ id: string }>(res)).id;
    }
    const res = await t.request('POST', '/api/v1/schedules', {
      name: 'Payments',
      timeZone: 'Europe/London',
      layers: [daily()],
    });
    expect(res.status).toBe(201);
    payments = await json<ScheduleJson>(res);
    expect(payments.icalUrl).toMatch(/^http:\/\/localhost\/ical\/schedules\/[A-Za-z0-9_-]+\.ics$/);
    expect(payments.gaps).toEqual([]);
    expect((await t.request('POST', '/api/v1/schedules', { name: 'Payments', timeZone: 'UTC' })).status).toBe(
      409,
    );
  });

  it('keeps the 09:00 handoff across the March and October 2026 DST changes', async () => {
    // 28 March 09:00 GMT → 29 March 09:00 BST (= 08:00Z): a 23-hour turn for Carol.
    expect(await oncall('2026-03-29T07:30:00Z')).toMatchObject({
      users: [{ id: ids.carol, name: 'carol' }],
      until: '2026-03-29T08:00:00.000Z',
    });
    expect(await oncall('2026-03-29T08:30:00Z')).toMatchObject({
      users: [{ id: ids.alice }],
      until: '2026-03-30T08:00:00.000Z',
    });
    // 24 October 09:00 BST (08:00Z) → 25 October 09:00 GMT (09:00Z): a 25-hour turn.
    expect(await oncall('2026-10-25T08:30:00Z')).toMatchObject({
      users: [{ id: ids.carol }],
      until: '2026-10-25T09:00:00.000Z',
    });
    expect(await oncall('2026-10-25T09:00:00Z')).toMatchObject({
      users: [{ id: ids.alice }],
      until: '2026-10-26T09:00:00.000Z',
    });
  });

  it('lets an override win, and shifts agree with the calculator', async () => {
    const res = await t.request('POST', `/api/v1/schedules/${payments.id}/overrides`, {
      userId: ids.bob,
      replaces: ids.alice,
      start: '2026-03-29T10:00:00Z',
      end: '2026-03-29T12:00:00Z',
    });
    expect(res.status).toBe(201);
    const override = await json<{ id: string }>(res);
    expect(await oncall('2026-03-29T11:00:00Z')).toMatchObject({
      users: [{ id: ids.bob }],
      source: { kind: 'override' },
      until: '2026-03-29T12:00:00.000Z',
    });
    const from = new Date('2026-03-23T00:00:00Z');
    const to = new Date('2026-03-30T00:00:00Z');
    const got = await json<{ items: ShiftJson[] }>(
      await t.request(
        'GET',
        `/api/v1/schedules/${payments.id}/shifts?from=${from.toISOString()}&to=${to.toISOString()}`,
      ),
    );
    const rules: ScheduleRules = {
      timeZone: 'Europe/London',
      layers: [layerInputSchema.parse(daily())],
      overrides: [
        {
          id: override.id,
          userId: ids.bob ?? '',
          replaces: ids.alice,
          start: new Date('2026-03-29T10:00:00Z'),
          end: new Date('2026-03-29T12:00:00Z'),
        },
      ],
    };
    const want = shifts(rules, from, to).map((s) => ({
      userId: s.userId,
      start: s.start.toISOString(),
      end: s.end.toISOString(),
    }));
    expect(got.items.map(({ userId, start, end }) => ({ userId, start, end }))).toEqual(want);
    // Seven days of daily 09:00 handoffs cut at the window's ends (8 shifts), one of them split around
    // Bob's override (+2).
    expect(want).toHaveLength(10);
    const overrides = await json<{ items: { id: string }[] }>(
      await t.request('GET', `/api/v1/schedules/${payments.id}/overrides`),
    );
    expect(overrides.items.map((o) => o.id)).toEqual([override.id]);
    // A range over 180 days is refused.
    expect(
      (
        await t.request(
          'GET',
          `/api/v1/schedules/${payments.id}/shifts?from=2026-01-01T00:00:00Z&to=2026-12-01T00:00:00Z`,
        )
      ).status,
    ).toBe(400);
  });

  it('adds, replaces and removes layers one at a time', async () => {
    const res = await t.request('POST', '/api/v1/schedules', {
      name: 'Layers',
      timeZone: 'UTC',
      layers: [daily()],
    });
    const id = (await json<ScheduleJson>(res)).id;
    const top = {
      ...daily(),
      name: 'Weekend',
      participants: [ids.bob],
      restrictions: [{ weekdays: [6, 7] }],
    };
    const added = await t.request('POST', `/api/v1/schedules/${id}/layers`, top);
    expect(added.status).toBe(201);
    expect((await json<{ layers: { name: string }[] }>(added)).layers.map((l) => l.name)).toEqual([
      'Primary',
      'Weekend',
    ]);
    // Saturday 7 March: the weekend layer wins.
    const sat = await json<OnCallJson>(
      await t.request('GET', `/api/v1/schedules/${id}/oncall?at=2026-03-07T12:00:00Z`),
    );
    expect(sat.users.map((u) => u.id)).toEqual([ids.bob]);
    const replaced = await t.request('PUT', `/api/v1/schedules/${id}/layers/1`, {
      ...top,
      participants: [ids.carol],
    });
    expect((await json<{ layers: { participants: string[] }[] }>(replaced)).layers[1]?.participants).toEqual([
      ids.carol,
    ]);
    expect((await t.request('PUT', `/api/v1/schedules/${id}/layers/5`, top)).status).toBe(404);
    expect((await t.request('PUT', `/api/v1/schedules/${id}/layers/x`, top)).status).toBe(400);
    const bad = await t.request('POST', `/api/v1/schedules/${id}/layers`, { ...top, handoffTime: '9am' });
    expect(bad.status).toBe(400);
    expect((await json<Problem>(bad)).errors?.map((e) => e.field)).toEqual(['handoffTime']);
    const removed = await t.request('DELETE', `/api/v1/schedules/${id}/layers/0`);
    expect((await json<{ layers: { name: string }[] }>(removed)).layers.map((l) => l.name)).toEqual([
      'Weekend',
    ]);
    expect((await t.request('DELETE', `/api/v1/schedules/${id}`)).status).toBe(204);
  });

  it('flags gaps for a business-hours-only layer', async () => {
    const res = await t.request('POST', '/api/v1/schedules', {
      name: 'Office',
      timeZone: 'Europe/London',
      layers: [
        { ...daily(), restrictions: [{ weekdays: [1, 2, 3, 4, 5], startTime: '09:00', endTime: '17:00' }] },
      ],
    });
    const office = await json<ScheduleJson>(res);
    // now = Monday 2 March 09:00Z: the first gap is Monday evening to Tuesday morning.
    expect(office.gaps[0]).toEqual({ start: '2026-03-02T17:00:00.000Z', end: '2026-03-03T09:00:00.000Z' });
    const gaps = await json<{ items: unknown[] }>(
      await t.request('GET', `/api/v1/schedules/${office.id}/gaps`),
    );
    expect(gaps.items).toEqual(office.gaps);
    expect(gaps.items.length).toBeGreaterThanOrEqual(10);
    expect((await t.request('DELETE', `/api/v1/schedules/${office.id}`)).status).toBe(204);
    expect((await t.request('GET', `/api/v1/schedules/${office.id}`)).status).toBe(404);
  });

  it('serves the schedule and user iCal feeds by secret token, each event matching the shifts', async () => {
    const res = await fetch(`${t.url}${pathOf(payments.icalUrl)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    const events = Object.values(ical.sync.parseICS(await res.text())).filter(
      (c): c is VEvent => c?.type === 'VEVENT',
    );
    const [from, to] = OnCallService.feedWindow(t.clock.now());
    const items = (
      await json<{ items: ShiftJson[] }>(
        await t.request(
          'GET',
          `/api/v1/schedules/${payments.id}/shifts?from=${from.toISOString()}&to=${to.toISOString()}`,
        ),
      )
    ).items;
    const names: Record<string, string> = {
      [ids.alice ?? '']: 'alice',
      [ids.bob ?? '']: 'bob',
      [ids.carol ?? '']: 'carol',
    };
    expect(
      events
        .map((e) => ({ start: e.start.toISOString(), end: e.end?.toISOString(), summary: e.summary }))
        .sort((a, b) => a.start.localeCompare(b.start)),
    ).toEqual(
      items.map((s) => ({ start: s.start, end: s.end, summary: `On call: ${names[s.userId]} (Payments)` })),
    );
    expect((await fetch(`${t.url}/ical/schedules/not-the-token.ics`)).status).toBe(404);

    const link = await json<{ icalUrl: string }>(await t.request('GET', `/api/v1/users/${ids.bob}/ical`));
    expect(await json<{ icalUrl: string }>(await t.request('GET', `/api/v1/users/${ids.bob}/ical`))).toEqual(
      link,
    );
    const mine = Object.values(
      ical.sync.parseICS(await (await fetch(`${t.url}${pathOf(link.icalUrl)}`)).text()),
    ).filter((c): c is VEvent => c?.type === 'VEVENT');
    expect(mine.map((e) => e.start.toISOString()).sort()).toEqual(
      items.filter((s) => s.userId === ids.bob).map((s) => s.start),
    );
    expect(new Set(mine.map((e) => e.summary))).toEqual(new Set(['On call: Payments']));
    expect((await fetch(`${t.url}/ical/users/nope.ics`)).status).toBe(404);
  });

  it('answers bad input with 400 naming the fields, and stores nothing', async () => {
    const bad = async (body: unknown) => {
      const res = await t.request('POST', '/api/v1/schedules', body);
      expect(res.status).toBe(400);
      return (await json<Problem>(res)).errors?.map((e) => e.field);
    };
    expect(await bad({ name: 'X', timeZone: 'Mars/Olympus', layers: [daily()] })).toEqual(['timeZone']);
    expect(await bad({ name: 'X', timeZone: 'UTC', layers: [{ ...daily(), handoffTime: '25:00' }] })).toEqual(
      ['layers.0.handoffTime'],
    );
    expect(
      await bad({
        name: 'X',
        timeZone: 'UTC',
        layers: [{ ...daily(), participants: [ids.alice, '00000000-0000-4000-8000-000000000000'] }],
      }),
    ).toEqual(['layers.0.participants.1']);
    const o = await t.request('POST', `/api/v1/schedules/${payments.id}/overrides`, {
      userId: ids.alice,
      replaces: 'someone-else',
      start: '2026-03-29T10:00:00Z',
      end: '2026-03-29T09:00:00Z',
    });
    expect((await json<Problem>(o)).errors?.map((e) => e.field)).toEqual(['end']);
    const list = await json<{ items: ScheduleJson[] }>(await t.request('GET', '/api/v1/schedules'));
    expect(list.items.map((s) => s.name)).toEqual(['Payments']);
  });
});

describe('opswatch apply', () => {
  const example = readFileSync(new URL('../manifests/opswatch-config.example.yaml', import.meta.url), 'utf8');

  it('creates users and the schedule from the example, and re-applying changes nothing', async () => {
    const first = await applyConfig(t.services, t.actor, example);
    expect(first).toMatchObject({ ok: true, problems: [] });
    expect(first.changes).toEqual([
      'user alice@example.com: updated',
      'user bob@example.com: updated',
      'user carol@example.com: updated',
      'schedule "Payments": updated',
      'slack routes (2): updated',
      'manager of alice@example.com: updated',
      'notification rules of alice@example.com: updated',
      'manager of bob@example.com: updated',
      'escalation policy "Payments escalation": created (version 1)',
      'service "payments": updated',
      'service "checkout": updated',
      'runbook "checkout-high-error-rate": created (version 1)',
      'sla "checkout/ERROR_RATE": created (version 1)',
    ]);
    expect((await t.services.catalog.routes(t.actor)).routes).toEqual({
      payments: 'payments-oncall',
      checkout: 'C0123CHECKOUT',
    });
    const again = await applyConfig(t.services, t.actor, example);
    expect(again.changes).toEqual([
      'user alice@example.com: unchanged',
      'user bob@example.com: unchanged',
      'user carol@example.com: unchanged',
      'schedule "Payments": unchanged',
      'slack routes (2): unchanged',
      'manager of alice@example.com: unchanged',
      'notification rules of alice@example.com: unchanged',
      'manager of bob@example.com: unchanged',
      'escalation policy "Payments escalation": unchanged',
      'service "payments": unchanged',
      'service "checkout": unchanged',
      'runbook "checkout-high-error-rate": unchanged',
      'sla "checkout/ERROR_RATE": unchanged',
    ]);
    const s = await t.services.rosters.scheduleByName(t.actor, 'Payments');
    expect(s?.layers.map((l) => l.name)).toEqual(['Primary', 'Business hours']);
    expect(s?.layers[0]?.participants).toEqual([ids.alice, ids.bob, ids.carol]);
    const fresh = await applyConfig(t.services, t.actor, example.replaceAll('Payments', 'Payments EU'));
    expect(fresh.changes).toContain('schedule "Payments EU": created');
  });

  it('reports every problem with its path and writes nothing', async () => {
    const broken = example
      .replace('handoffTime: "09:00"', 'handoffTime: "25:00"')
      .replace('timeZone: America/New_York', 'timeZone: Nowhere/Else')
      // One more schedule, last in the schedules list.
      .replace(
        '\nrunbooks:\n',
        `
  - name: Broken
    timeZone: Europe/Lodnon
    layers:
      - name: L
        participants: [dave@example.com]
        start: 2026-03-02T09:00:00Z
        turn: { unit: days, count: 1 }
        handoffTime: "09:00"
runbooks:
`,
      )
      .replace('name: Carol Example', 'name: Carol Renamed');
    const before = await t.sql('select count(*)::int as n from audit_events');
    const r = await applyConfig(t.services, t.actor, [{ name: 'bad.yaml', text: broken }]);
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([
      expect.stringMatching(/^bad\.yaml: users\[2\]\.timeZone: /),
      expect.stringMatching(/^bad\.yaml: schedules\[0\]\.layers\[0\]\.handoffTime: /),
      expect.stringMatching(/^bad\.yaml: schedules\[1\]\.timeZone: .*Europe\/Lodnon/),
    ]);
    const r2 = await applyConfig(
      t.services,
      t.actor,
      broken
        .replace('handoffTime: "25:00"', 'handoffTime: "09:00"')
        .replace('Nowhere/Else', 'UTC')
        .replace('Europe/Lodnon', 'Europe/London'),
    );
    expect(r2.problems).toEqual([
      expect.stringMatching(/^config: schedules\[1\]\.layers\[0\]\.participants\[0\]: "dave@example.com"/),
    ]);
    expect(await t.sql('select count(*)::int as n from audit_events')).toEqual(before);
    expect((await t.services.users.list(t.actor)).find((u) => u.email === 'carol@example.com')?.name).toBe(
      'Carol Example',
    );
    expect((await applyConfig(t.services, t.actor, 'schedules: [')).ok).toBe(false);
    const badRoute = await applyConfig(
      t.services,
      t.actor,
      'slack:\n  routes:\n    payments: "Not A Channel"\n',
    );
    expect(badRoute.problems).toEqual([
      expect.stringMatching(/^config: slack\.routes\.payments: expected a channel id/),
    ]);
    expect((await t.services.catalog.routes(t.actor)).routes.payments).toBe('payments-oncall');
  });
});

describe('time zones: users and schedules take the same names', () => {
  const accepted = [
    ['Asia/Kolkata', 'Asia/Kolkata'], // what Slack sends for India (a link in ICU's data)
    ['US/Eastern', 'US/Eastern'],
    ['Etc/UTC', 'Etc/UTC'],
    ['UTC', 'UTC'],
    [' europe/london ', 'Europe/London'],
  ];
  it.each(accepted)('%j is accepted and stored as %j by both', async (given, stored) => {
    const slug = given.trim().toLowerCase().replace(/\W/g, '-');
    const user = await t.request('POST', '/api/v1/users', {
      name: `tz ${slug}`,
      email: `tz-${slug}@example.com`,
      timeZone: given,
    });
    expect(user.status).toBe(201);
    expect((await json<{ timeZone: string }>(user)).timeZone).toBe(stored);
    const schedule = await t.request('POST', '/api/v1/schedules', { name: `tz ${slug}`, timeZone: given });
    expect(schedule.status).toBe(201);
    const [row] = await t.sql<{ time_zone: string }>('select time_zone from schedules where name = ?', [
      `tz ${slug}`,
    ]);
    expect(row?.time_zone).toBe(stored);
  });

  it.each(['+03:00', 'Mars/Olympus'])('%j is refused by both, naming the field', async (given) => {
    const message = `"${given}" is not an IANA time zone name; use one like "Europe/London" or "America/New_York".`;
    const user = await t.request('POST', '/api/v1/users', { name: 'tz bad', timeZone: given });
    expect(user.status).toBe(400);
    expect((await json<Problem>(user)).errors).toEqual([{ field: 'timeZone', message }]);
    const schedule = await t.request('POST', '/api/v1/schedules', { name: 'tz bad', timeZone: given });
    expect(schedule.status).toBe(400);
    expect((await json<Problem>(schedule)).errors).toEqual([{ field: 'timeZone', message }]);
  });
});
