/**
 * Running a big incident from Slack: roles set from the card's "More" menu and from `/incident role`, status
 * updates posted from their modal to the card's thread and to the people and channels following the incident.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { View } from '@slack/types';
import { INCIDENT_ACTIONS, ROLE_INPUTS, UPDATE_INPUTS, VIEWS } from '../blocks/ids.js';
import { SLACK_DEFAULT_CHANNEL, startTestApp, type TestApp, type TestSlack } from './harness/app.js';
import { stateValue } from './harness/slack-signing.js';

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
  s.fake.addUser({ id: 'U0BOB', real_name: 'Bob Jones', email: 'bob@example.com', tz: 'Europe/London' });
  s.fake.addUser({ id: 'U0ANN', real_name: 'Ann Lee', email: 'ann@example.com', tz: 'Europe/London' });
});
afterAll(async () => {
  await t?.close();
});

interface Roles {
  commander: { name: string } | null;
  communications: { name: string } | null;
  scribe: { name: string } | null;
}

const json = async <T>(res: Response | Promise<Response>): Promise<T> => (await res).json() as Promise<T>;
const rolesOf = (ref: string) => json<Roles>(t.request('GET', `/api/v1/incidents/${ref}/roles`));
const card = () => s.fake.messages.find((m) => m.channel === SLACK_DEFAULT_CHANNEL && !m.thread_ts);
const repliesTo = (ts: string) => s.fake.messages.filter((m) => m.thread_ts === ts);
const lastView = async (callbackId: string): Promise<View & { private_metadata?: string }> => {
  const call = await s.fake.waitFor(
    'views.open',
    (c) => (c.args.view as { callback_id?: string }).callback_id === callbackId,
  );
  return call.args.view as View & { private_metadata?: string };
};

/** What the acting person was told last (ephemerally, through the response_url). */
const lastTold = (): string =>
  (s.fake.responseUrlPosts.at(-1)?.body as { text?: string } | undefined)?.text ?? '';

/** The value of the card's "More" option `a`. */
function moreOption(a: string): string {
  const blocks = JSON.stringify(card()?.blocks ?? []);
  const menu = (
    (card()?.blocks ?? []) as { elements?: { action_id?: string; options?: { value: string }[] }[] }[]
  )
    .flatMap((b) => b.elements ?? [])
    .find((e) => e.action_id === INCIDENT_ACTIONS.more);
  const option = menu?.options?.find((o) => o.value.includes(`"a":"${a}"`));
  if (!option) throw new Error(`no "${a}" in the card's More menu: ${blocks}`);
  return option.value;
}

describe('roles', () => {
  it('a P1 is declared: its card offers "Set a role…" in its More menu', async () => {
    const res = await t.request('POST', '/api/v1/incidents', { title: 'Checkout down', severity: 'P1' });
    expect(res.status).toBe(201);
    await s.deliverOnce();
    expect(card()?.text).toContain('INC-1');
    expect(moreOption('role')).toContain('role');
    expect(await rolesOf('INC-1')).toEqual({ commander: null, communications: null, scribe: null });
  });

  it('Alice chooses "Set a role…", picks Bob as commander: the card shows it, the thread says it', async () => {
    const ts = card()?.ts ?? '';
    await s.driver.blockAction(INCIDENT_ACTIONS.more, moreOption('role'), {
      elementType: 'overflow',
      message: { ts, channel: SLACK_DEFAULT_CHANNEL },
    });
    const view = await lastView(VIEWS.role);
    const res = await s.driver.viewSubmission(
      VIEWS.role,
      {
        [ROLE_INPUTS.role.blockId]: { [ROLE_INPUTS.role.actionId]: stateValue.select('commander') },
        [ROLE_INPUTS.user.blockId]: { [ROLE_INPUTS.user.actionId]: stateValue.user('U0BOB') },
      },
      view.private_metadata,
    );
    expect(res.status).toBe(200);
    await s.idle();
    expect((await rolesOf('INC-1')).commander?.name).toBe('Bob Jones');
    await s.deliverOnce();
    const update = await s.fake.waitFor('chat.update', (c) =>
      JSON.stringify(c.args.blocks).includes('Commander'),
    );
    expect(JSON.stringify(update.args.blocks)).toContain('Commander <@U0BOB> · Comms — · Scribe —');
    expect(repliesTo(ts).map((m) => m.text)).toEqual([expect.stringContaining('Commander: Bob Jones')]);
  });

  it('/incident role sets, replaces and clears roles; the incident and its timeline keep them', async () => {
    await s.driver.slashCommand('/incident', 'role INC-1 comms <@U0ANN|ann>');
    await s.idle();
    await s.driver.slashCommand('/incident', 'role INC-1 scribe <@U0ALICE|alice>');
    await s.idle();
    await s.driver.slashCommand('/incident', 'role INC-1 scribe <@U0ANN|ann>');
    await s.idle();
    await s.driver.slashCommand('/incident', 'role INC-1 scribe clear');
    await s.idle();
    const told = s.fake.responseUrlPosts.map((p) => (p.body as { text: string }).text);
    expect(told.at(-1)).toContain(
      'INC-1: :busts_in_silhouette: Commander <@U0BOB> · Comms <@U0ANN> · Scribe —',
    );
    const inc = await json<{ roles: Roles; timeline: { kind: string; message: string }[] }>(
      t.request('GET', '/api/v1/incidents/INC-1'),
    );
    expect(inc.roles.communications?.name).toBe('Ann Lee');
    expect(inc.roles.scribe).toBeNull();
    expect(inc.timeline.filter((e) => e.kind === 'role_assigned').map((e) => e.message)).toEqual([
      'INC-1 commander: Bob Jones, set by Alice Smith',
      'INC-1 communications: Ann Lee, set by Alice Smith',
      'INC-1 scribe: Alice Smith, set by Alice Smith',
      'INC-1 scribe: Ann Lee (was Alice Smith), set by Alice Smith',
      'INC-1 scribe cleared (was Ann Lee), set by Alice Smith',
    ]);
  });

  it('over REST: a role by email, and a person-readable 400 for an unknown role', async () => {
    const set = await t.request('POST', '/api/v1/incidents/INC-1/roles', {
      role: 'scribe',
      userId: 'alice@example.com',
    });
    expect(set.status).toBe(200);
    expect(((await set.json()) as Roles).scribe?.name).toBe('Alice Smith');
    const bad = await t.request('POST', '/api/v1/incidents/INC-1/roles', { role: 'captain', userId: null });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(await bad.text()).toContain('expected one of commander, communications, scribe');
  });
});

describe('status updates and followers', () => {
  it('Bob follows from the card; a channel follows by command', async () => {
    const ts = card()?.ts ?? '';
    await s.driver.blockAction(INCIDENT_ACTIONS.more, moreOption('follow'), {
      elementType: 'overflow',
      user: 'U0BOB',
      message: { ts, channel: SLACK_DEFAULT_CHANNEL },
    });
    await s.idle();
    expect(lastTold()).toContain('You follow INC-1');
    await s.driver.slashCommand('/incident', 'follow INC-1 <#C0STATUS|status>');
    await s.idle();
    expect(lastTold()).toContain('<#C0STATUS> follows INC-1');
  });

  it('a status update with no message is refused on the modal, and nothing is sent', async () => {
    await s.driver.slashCommand('/incident', 'update INC-1');
    const view = await lastView(VIEWS.statusUpdate);
    const res = await s.driver.viewSubmission(
      VIEWS.statusUpdate,
      {
        [UPDATE_INPUTS.status.blockId]: { [UPDATE_INPUTS.status.actionId]: stateValue.select('identified') },
        [UPDATE_INPUTS.message.blockId]: { [UPDATE_INPUTS.message.actionId]: stateValue.text('  ') },
      },
      view.private_metadata,
    );
    const body = res.body as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(body.errors[UPDATE_INPUTS.message.blockId]).toBe('a message is required');
    expect(await json<{ items: unknown[] }>(t.request('GET', '/api/v1/incidents/INC-1/updates'))).toEqual({
      items: [],
    });
  });

  it('Alice posts an update: it goes under the card, to Bob by DM and to the following channel', async () => {
    s.fake.reset();
    await s.driver.slashCommand('/incident', 'update INC-1');
    const view = await lastView(VIEWS.statusUpdate);
    const res = await s.driver.viewSubmission(
      VIEWS.statusUpdate,
      {
        [UPDATE_INPUTS.status.blockId]: { [UPDATE_INPUTS.status.actionId]: stateValue.select('identified') },
        [UPDATE_INPUTS.message.blockId]: {
          [UPDATE_INPUTS.message.actionId]: stateValue.text('A bad deploy; rolling back'),
        },
      },
      view.private_metadata,
    );
    expect(res.status).toBe(200);
    await s.idle();
    await s.deliverOnce();
    const ts = card()?.ts ?? '';
    expect(repliesTo(ts).at(-1)?.text).toContain('A bad deploy; rolling back');
    const posts = s.fake.callsTo('chat.postMessage').filter((c) => c.ok);
    const dm = posts.filter((c) => c.args.channel === 'U0BOB');
    expect(dm.map((c) => c.args.text)).toEqual([
      'INC-1 status update (Identified): A bad deploy; rolling back',
    ]);
    const channel = posts.filter((c) => c.args.channel === 'C0STATUS');
    expect(channel.map((c) => c.args.text)).toEqual([
      'INC-1 status update (Identified): A bad deploy; rolling back',
    ]);
    // Delivered again: nothing more goes out (idempotency keys).
    await s.deliverOnce();
    expect(s.fake.callsTo('chat.postMessage').filter((c) => c.ok)).toHaveLength(posts.length);
    const list = await json<{ items: { status: string; message: string; author: { name: string } }[] }>(
      t.request('GET', '/api/v1/incidents/INC-1/updates'),
    );
    expect(list.items).toEqual([
      expect.objectContaining({
        status: 'identified',
        message: 'A bad deploy; rolling back',
        author: expect.objectContaining({ name: 'Alice Smith' }),
      }),
    ]);
    expect(s.fake.violations).toEqual([]);
  });

  it('Bob unfollows from the card; an update over REST with status resolved resolves the incident', async () => {
    const ts = card()?.ts ?? '';
    await s.driver.blockAction(INCIDENT_ACTIONS.more, moreOption('follow'), {
      elementType: 'overflow',
      user: 'U0BOB',
      message: { ts, channel: SLACK_DEFAULT_CHANNEL },
    });
    await s.idle();
    expect(lastTold()).toContain('no longer follow INC-1');
    s.fake.reset();
    const res = await t.request('POST', '/api/v1/incidents/INC-1/updates', {
      status: 'resolved',
      message: 'Rolled back; error rate normal',
    });
    expect(res.status).toBe(201);
    await s.deliverOnce();
    const inc = await json<{ status: string }>(t.request('GET', '/api/v1/incidents/INC-1'));
    expect(inc.status).toBe('resolved');
    const posts = s.fake.callsTo('chat.postMessage').filter((c) => c.ok);
    expect(posts.filter((c) => c.args.channel === 'U0BOB')).toHaveLength(0);
    expect(posts.filter((c) => c.args.channel === 'C0STATUS')).toHaveLength(1);
    const again = await t.request('POST', '/api/v1/incidents/INC-1/updates', {
      status: 'monitoring',
      message: 'x',
    });
    expect(again.status).toBe(409);
  });
});
