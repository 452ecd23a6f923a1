/** People and schedules for the `/oncall` scenario, and the override modal's state values. */
import { ONCALL_INPUTS } from '../../blocks/ids.js';
import type { TestApp } from './app.js';
import { stateValue, type ViewStateValue } from './slack-signing.js';

const json = async <T>(res: Response) => (await res.json()) as T;

async function created(res: Response): Promise<string> {
  if (res.status !== 201) throw new Error(`expected 201, got ${res.status}: ${await res.text()}`);
  return (await json<{ id: string }>(res)).id;
}

/** alice (London), bob (New York) and carol (Tokyo), with Slack ids; their OpsWatch ids by name. */
export async function createPeople(t: TestApp): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  const people = [
    ['alice', 'U0ALICE', 'Europe/London'],
    ['bob', 'U0BOB', 'America/New_York'],
    ['carol', 'U0CAROL', 'Asia/Tokyo'],
  ] as const;
  for (const [name, slackUserId, timeZone] of people) {
    ids[name] = await created(
      await t.request('POST', '/api/v1/users', { name, email: `${name}@example.com`, slackUserId, timeZone }),
    );
  }
  return ids;
}

/**
 * Payments (London): a daily turn of alice, bob and carol from Monday 2 March 09:00. Support (New York):
 * bob, weekdays 09:00–17:00 only, so nobody is on call in New York's nights and weekends.
 */
export async function createSchedules(
  t: TestApp,
  ids: Record<string, string>,
): Promise<Record<string, string>> {
  const payments = await t.request('POST', '/api/v1/schedules', {
    name: 'Payments',
    timeZone: 'Europe/London',
    slackChannel: 'C0PAY',
    layers: [
      {
        name: 'Primary',
        participants: [ids.alice, ids.bob, ids.carol],
        start: '2026-03-02T09:00:00Z',
        turn: { unit: 'days', count: 1 },
        handoffTime: '09:00',
      },
    ],
  });
  const support = await t.request('POST', '/api/v1/schedules', {
    name: 'Support',
    timeZone: 'America/New_York',
    layers: [
      {
        name: 'Office',
        participants: [ids.bob],
        start: '2026-02-23T00:00:00Z',
        turn: { unit: 'weeks', count: 1 },
        handoffTime: '09:00',
        restrictions: [{ weekdays: [1, 2, 3, 4, 5], startTime: '09:00', endTime: '17:00' }],
      },
    ],
  });
  return { Payments: await created(payments), Support: await created(support) };
}

const picker = {
  date: (d: string): ViewStateValue => ({ type: 'datepicker', selected_date: d }),
  time: (hhmm: string, tz: string): ViewStateValue => ({
    type: 'timepicker',
    selected_time: hhmm,
    timezone: tz,
  }),
};

/** The override modal's `view.state.values`: pickers in Europe/London, the schedule labelled Payments. */
export function overrideValues(v: {
  schedule: string;
  user: string;
  replaces: string | null;
  start: [string, string];
  end: [string, string];
}): Record<string, Record<string, ViewStateValue>> {
  const I = ONCALL_INPUTS;
  const tz = 'Europe/London';
  return {
    [I.schedule.blockId]: { [I.schedule.actionId]: stateValue.select(v.schedule, 'Payments') },
    [I.user.blockId]: { [I.user.actionId]: stateValue.user(v.user) },
    [I.replaces.blockId]: { [I.replaces.actionId]: stateValue.user(v.replaces) },
    [I.startDate.blockId]: { [I.startDate.actionId]: picker.date(v.start[0]) },
    [I.startTime.blockId]: { [I.startTime.actionId]: picker.time(v.start[1], tz) },
    [I.endDate.blockId]: { [I.endDate.actionId]: picker.date(v.end[0]) },
    [I.endTime.blockId]: { [I.endTime.actionId]: picker.time(v.end[1], tz) },
  };
}
