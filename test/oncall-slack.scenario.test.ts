/**
 * `/oncall` over signed Slack requests against the fake Slack: people in London and New York ask who is on
 * call and are answered in their own zones; Alice adds an override in the modal for Dave (new to OpsWatch);
 * `/oncall` then shows Dave; App Home shows each person their on-call picture.
 *
 * The clock starts on Monday 2 March 2026 09:00Z (09:00 GMT in London, 04:00 EST in New York).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { ONCALL_ACTIONS, ONCALL_INPUTS, VIEWS } from '../blocks/ids.js';
import { decodeMetadata } from '../blocks/metadata.js';
import { OverrideMetadata } from '../src/slack/features/oncall-command/override-metadata.js';
import { startTestApp, type TestApp, type TestSlack } from './harness/app.js';
import { createPeople, createSchedules, overrideValues } from './harness/oncall-fixtures.js';

let t: TestApp;
let s: TestSlack;
const ids: Record<string, string> = {};
const schedules: Record<string, string> = {};

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
  s.fake.addUser({ id: 'U0CAROL', real_name: 'Carol White', email: 'carol@example.com', tz: 'Asia/Tokyo' });
  // Dave is in Slack only: OpsWatch meets him when he is picked in the override modal.
  s.fake.addUser({ id: 'U0DAVE', real_name: 'Dave Brown', email: 'dave@example.com', tz: 'Europe/Berlin' });
});
afterAll(async () => {
  await t?.close();
});

const json = async <T>(res: Response) => (await res.json()) as T;

/** The last ephemeral answer to a slash command (posted to its response_url), as JSON text. */
const answer = (): string => JSON.stringify(s.fake.responseUrlPosts.at(-1)?.body ?? null);

async function oncall(text: string, user = 'U0ALICE'): Promise<string> {
  const before = s.fake.responseUrlPosts.length;
  const res = await s.driver.slashCommand('/oncall', text, { user });
  expect(res.status).toBe(200);
  await s.idle();
  expect(s.fake.responseUrlPosts.length).toBe(before + 1);
  return answer();
}

const overridesOf = async (schedule: string) =>
  (
    await json<{ items: { userId: string; replaces: string | null; start: string; end: string }[] }>(
      await t.request('GET', `/api/v1/schedules/${schedules[schedule]}/overrides`),
    )
  ).items;

describe('/oncall in Slack', () => {
  let metadata = '';

  it('sets up people (London, New York, Tokyo) and two schedules over REST', async () => {
    Object.assign(ids, await createPeople(t));
    Object.assign(schedules, await createSchedules(t, ids));
  });

  it('/oncall: who is on call now for each schedule, until when, in my zone; nobody on call is flagged', async () => {
    const text = await oncall('');
    expect(text).toContain('On call now');
    expect(text).toContain('*Payments*: <@U0ALICE> until Tue 09:00 GMT');
    // Support starts at 09:00 in New York, 14:00 in London.
    expect(text).toContain('*Support*: :warning: *nobody on call* until Mon 14:00 GMT');
    expect(text).toContain('1 with nobody on call');
    expect(text).toContain('Times in Europe/London');
    expect(text).toContain('"response_type":"ephemeral"');
  });

  it('/oncall Payments: now, until when and the next shifts', async () => {
    const text = await oncall('payments');
    expect(text).toContain('On call now: <@U0ALICE> until Tue 09:00 GMT');
    expect(text).toContain('• Tue 09:00 GMT – Wed 09:00 GMT — <@U0BOB>');
    expect(text).toContain('• Wed 09:00 GMT – Thu 09:00 GMT — <@U0CAROL>');
    expect(text).toContain('Schedule zone Europe/London · <#C0PAY>');
    expect(text).toContain('Times in Europe/London');
  });

  it('/oncall with a name no schedule has: says so, names the schedules and shows the help', async () => {
    const text = await oncall('Suport');
    expect(text).toContain('No schedule is named *Suport* either. Did you mean *Support*?');
    expect(text).toContain('Schedules: *Payments* · *Support*');
    const unknown = await oncall('frobnicate');
    expect(unknown).toContain("I don't know `/oncall frobnicate`");
    expect(unknown).toContain('/oncall override');
  });

  it('/oncall at tomorrow 09:00 reads the time in the caller’s zone', async () => {
    // Bob, in New York: tomorrow 09:00 EST is Tuesday 14:00Z, inside Support's hours.
    const bob = await oncall('at tomorrow 09:00', 'U0BOB');
    expect(bob).toContain('On call at Tue 09:00 EST');
    expect(bob).toContain('*Support*: <@U0BOB> until Tue 17:00 EST');
    expect(bob).toContain('*Payments*: <@U0BOB> until Wed 04:00 EST');
    expect(bob).toContain('Times in America/New_York');
    // Alice, in London: tomorrow 09:00 GMT is Tuesday 09:00Z, before New York's office opens.
    const alice = await oncall('at tomorrow 09:00');
    expect(alice).toContain('On call at Tue 09:00 GMT');
    expect(alice).toContain('*Support*: :warning: *nobody on call* until Tue 14:00 GMT');
  });

  it('/oncall at with a time it cannot read says how to write one', async () => {
    const text = await oncall('at someday');
    expect(text).toContain('Couldn\'t read \\"someday\\" as a time');
    expect(text).toContain('/oncall at tomorrow 09:00');
    expect(await oncall('at')).toContain('Usage: `/oncall at TIME`');
  });

  it('/oncall me: my current and next shifts in my zone', async () => {
    const text = await oncall('me', 'U0BOB');
    expect(text).toContain('You are not on call right now.');
    expect(text).toContain('• Mon 09:00 EST – 17:00 EST — *Support*');
    expect(text).toContain('• Tue 04:00 EST – Wed 04:00 EST — *Payments*');
    expect(text).toContain('Times in America/New_York');
  });

  it('/oncall schedules: zone, layers and channel, and the business-hours schedule’s gaps flagged', async () => {
    const text = await oncall('schedules');
    expect(text).toContain(':warning: 1 of 2 have uncovered time in the next 14 days');
    expect(text).toContain('*Payments* · Europe/London · <#C0PAY>');
    expect(text).toContain('Layers: *Primary* (3 people, daily at 09:00)');
    expect(text).toContain(':white_check_mark: Covered for the next 14 days');
    expect(text).toContain('*Support* · America/New_York');
    expect(text).toContain('*Office* (1 person, weekly on Mon at 09:00, only Mon–Fri 09:00–17:00)');
    expect(text).toMatch(
      /gaps in the next 14 days: Mon 09:00 GMT – 14:00 GMT, Mon 22:00 GMT – Tue 14:00 GMT, Tue 22:00 GMT – Wed 14:00 GMT, \+\d+ more/,
    );
  });

  it('/oncall override opens the modal, prefilled in the caller’s zone', async () => {
    const before = s.fake.callsTo('views.open').length;
    await s.driver.slashCommand('/oncall', 'override payments', { user: 'U0ALICE' });
    await s.idle();
    const opened = s.fake.callsTo('views.open');
    expect(opened).toHaveLength(before + 1);
    const view = opened.at(-1)?.args.view as {
      callback_id: string;
      private_metadata: string;
      blocks: { block_id?: string; element?: Record<string, unknown> }[];
    };
    expect(view.callback_id).toBe(VIEWS.override);
    const element = (blockId: string) => view.blocks.find((b) => b.block_id === blockId)?.element;
    expect(element(ONCALL_INPUTS.schedule.blockId)?.initial_option).toMatchObject({
      value: schedules.Payments,
    });
    expect(element(ONCALL_INPUTS.user.blockId)).toMatchObject({
      type: 'users_select',
      initial_user: 'U0ALICE',
    });
    expect(element(ONCALL_INPUTS.startDate.blockId)).toMatchObject({ initial_date: '2026-03-02' });
    expect(element(ONCALL_INPUTS.startTime.blockId)).toMatchObject({
      initial_time: '10:00',
      timezone: 'Europe/London',
    });
    expect(element(ONCALL_INPUTS.endTime.blockId)).toMatchObject({ initial_time: '18:00' });
    metadata = view.private_metadata;
    expect(decodeMetadata(OverrideMetadata, metadata)).toEqual({
      zone: 'Europe/London',
      channel: 'C0INCIDENTS',
    });
  });

  it('a submission ending before it starts is refused on the end field and stores nothing', async () => {
    const res = await s.driver.viewSubmission(
      VIEWS.override,
      overrideValues({
        schedule: schedules.Payments ?? '',
        user: 'U0BOB',
        replaces: null,
        start: ['2026-03-02', '14:00'],
        end: ['2026-03-02', '13:00'],
      }),
      metadata,
    );
    expect(res.body).toEqual({
      response_action: 'errors',
      errors: { [ONCALL_INPUTS.endTime.blockId]: 'end must be after start.' },
    });
    expect(await overridesOf('Payments')).toEqual([]);
  });

  it('replacing someone who is not on the schedule is refused on that field', async () => {
    const res = await s.driver.viewSubmission(
      VIEWS.override,
      overrideValues({
        schedule: schedules.Payments ?? '',
        user: 'U0ALICE',
        replaces: 'U0DAVE',
        start: ['2026-03-02', '10:00'],
        end: ['2026-03-02', '12:00'],
      }),
      metadata,
    );
    expect(res.body).toMatchObject({
      response_action: 'errors',
      errors: {
        [ONCALL_INPUTS.replaces.blockId]: expect.stringContaining('is not a participant of Payments'),
      },
    });
    expect(await overridesOf('Payments')).toEqual([]);
  });

  it('the submission adds the override for Dave (created from users.info) and tells Alice in her zone', async () => {
    const res = await s.driver.viewSubmission(
      VIEWS.override,
      overrideValues({
        schedule: schedules.Payments ?? '',
        user: 'U0DAVE',
        replaces: 'U0ALICE',
        start: ['2026-03-02', '10:00'],
        end: ['2026-03-02', '12:00'],
      }),
      metadata,
    );
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    await s.idle();
    const [dave] = await t.sql<{ id: string; name: string; time_zone: string }>(
      `select id, name, time_zone from users where slack_user_id = 'U0DAVE'`,
    );
    expect(dave).toMatchObject({ name: 'Dave Brown', time_zone: 'Europe/Berlin' });
    expect(await overridesOf('Payments')).toEqual([
      expect.objectContaining({
        userId: dave?.id,
        replaces: ids.alice,
        start: '2026-03-02T10:00:00.000Z',
        end: '2026-03-02T12:00:00.000Z',
      }),
    ]);
    const told = s.fake.ephemerals.at(-1);
    expect(told).toMatchObject({ channel: 'C0INCIDENTS', user: 'U0ALICE' });
    expect(JSON.stringify(told?.blocks)).toContain(
      'Override added to *Payments*: <@U0DAVE> covers <@U0ALICE>’s shifts, Mon 10:00 GMT – 12:00 GMT.',
    );
    expect(JSON.stringify(told?.blocks)).toContain('Times in Europe/London');
  });

  it('/oncall during the override shows the person covering', async () => {
    t.clock.advance(90 * 60_000); // 10:30Z
    const text = await oncall('');
    expect(text).toContain('*Payments*: <@U0DAVE> until Mon 12:00 GMT');
    const bob = await oncall('Payments', 'U0BOB');
    expect(bob).toContain('On call now: <@U0DAVE> until Mon 07:00 EST');
  });

  it('/oncall help, and the Add override button opens the modal for its schedule', async () => {
    expect(await oncall('help')).toContain('/oncall schedules');
    const value = JSON.stringify({ s: schedules.Support });
    await s.driver.blockAction(ONCALL_ACTIONS.addOverride, value, { user: 'U0BOB' });
    await s.idle();
    const view = s.fake.callsTo('views.open').at(-1)?.args.view as {
      blocks: unknown[];
      private_metadata: string;
    };
    expect(JSON.stringify(view.blocks)).toContain(
      `"initial_option":{"text":{"type":"plain_text","text":"Support"`,
    );
    expect(decodeMetadata(OverrideMetadata, view.private_metadata)).toEqual({
      zone: 'America/New_York',
      channel: 'C0INCIDENTS',
    });
  });

  it('App Home: each person’s On call section, in their own zone', async () => {
    const home = async (user: string): Promise<string> => {
      const before = s.fake.callsTo('views.publish').length;
      expect((await s.driver.appHomeOpened(user)).status).toBe(200);
      await s.idle();
      const published = s.fake.callsTo('views.publish');
      expect(published).toHaveLength(before + 1);
      expect(published.at(-1)?.args.user_id).toBe(user);
      return JSON.stringify(published.at(-1)?.args.view);
    };
    const bob = await home('U0BOB');
    expect(bob).toContain('"text":"On call"');
    expect(bob).toContain(':white_circle: You are not on call right now.');
    expect(bob).toContain('Your next shift: *Support*, Mon 09:00 EST – 17:00 EST.');
    expect(bob).toContain('*Payments*: <@U0DAVE> until Mon 07:00 EST');
    expect(bob).toContain('*Support*: :warning: *nobody on call* until Mon 09:00 EST');
    expect(bob).toContain('Times in America/New_York');
    const dave = await home('U0DAVE');
    expect(dave).toContain('You are on call for *Payments* until Mon 13:00 CET.');
    expect(dave).toContain('Times in Europe/Berlin');
  });

  it('made only well-formed calls with scopes the manifest declares', () => {
    expect(s.fake.violations).toEqual([]);
    const manifest = parse(readFileSync(new URL('../slack-app-manifest.yml', import.meta.url), 'utf8')) as {
      oauth_config: { scopes: { bot: string[] } };
      features: { slash_commands: { command: string; usage_hint?: string }[] };
    };
    const declared = new Set(manifest.oauth_config.scopes.bot);
    expect([...s.fake.requiredScopes()].filter((sc) => !declared.has(sc))).toEqual([]);
    expect(manifest.features.slash_commands.find((c) => c.command === '/oncall')?.usage_hint).toBeTruthy();
  });
});
