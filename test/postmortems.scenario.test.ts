import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { POSTMORTEM_ACTIONS, VIEWS } from '../blocks/ids.js';
import { createServices } from '../src/app/services.js';
import { fixture, startTestApp, type TestApp, type TestSlack } from './harness/app.js';

let t: TestApp;
let s: TestSlack;
const ids: Record<string, string> = {};

/** Alertmanager's firing alert for `checkout`, started at `startsAt`. */
function checkoutAlert(startsAt: string): string {
  const body = JSON.parse(fixture('prometheus-rule-firing.json')) as {
    alerts: { labels: Record<string, string>; startsAt: string; fingerprint: string }[];
    commonLabels: Record<string, string>;
    groupKey: string;
  };
  for (const a of body.alerts) {
    a.labels = { ...a.labels, alertname: 'PgbouncerDown', service: 'checkout', severity: 'critical' };
    a.startsAt = startsAt;
    a.fingerprint = 'fp-pgbouncer';
  }
  body.commonLabels = { ...body.commonLabels, alertname: 'PgbouncerDown', service: 'checkout' };
  body.groupKey = '{}:{alertname="PgbouncerDown"}';
  return JSON.stringify(body);
}

interface Timeline {
  kind: string;
  message: string;
  actor: { name: string };
  createdAt: string;
}
interface Incident {
  id: string;
  severity: number;
  alerts: { startsAt: string | null }[];
  timeline: Timeline[];
}
interface Postmortem {
  id: string;
  status: string;
  version: number;
  facts: {
    timeZone: string;
    owner: { name: string } | null;
    services: string[];
    figures: { mttdMs: number | null; mttaMs: number | null; mttrMs: number | null };
    timeline: { at: string; kind: string; what: string; who: string }[];
  };
  content: { resolution: string; summary: string };
}

const json = async <T>(res: Response): Promise<T> => (await res.json()) as T;
const cardsIn = (channel: string) => s.fake.messages.filter((m) => m.channel === channel && !m.thread_ts);
const repliesTo = (ts: string) => s.fake.messages.filter((m) => m.thread_ts === ts);
const dmsTo = (user: string) =>
  s.fake.callsTo('chat.postMessage').filter((c) => c.ok && c.args.channel === user);

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
  for (const [name, slack, tz] of [['Bob Jones', 'U0BOB', 'America/New_York']] as const) {
    const res = await t.request('POST', '/api/v1/users', {
      name,
      email: `${slack.toLowerCase()}@example.com`,
      slackUserId: slack,
      timeZone: tz,
    });
    ids[slack] = (await json<{ id: string }>(res)).id;
  }
  expect(
    (await t.request('PUT', '/api/v1/slack/routes', { routes: { checkout: '#payments-oncall' } })).status,
  ).toBe(200);
  const settings = await t.request('PUT', '/api/v1/settings', { postmortems: { timeZone: 'Europe/Berlin' } });
  expect(settings.status).toBe(200);
  expect(await json<{ postmortems: unknown }>(settings)).toMatchObject({
    postmortems: { timeZone: 'Europe/Berlin', buttonSeverities: [1, 2] },
  });
});
afterAll(async () => {
  await t?.close();
});

describe('a postmortem drafted from what OpsWatch recorded', () => {
  let cardTs = '';

  it('an incident runs its course: alert at 08:55, opened 09:00, acknowledged, noted, resolved with a note', async () => {
    t.clock.set('2026-03-02T09:00:00Z');
    expect(
      (await t.request('POST', '/api/v1/webhooks/alertmanager', checkoutAlert('2026-03-02T08:55:00Z')))
        .status,
    ).toBe(200);
    await s.deliverOnce();
    cardTs = cardsIn('payments-oncall')[0]?.ts ?? '';
    expect(cardTs).not.toBe('');
    t.clock.set('2026-03-02T09:04:30Z');
    const early = await t.request('POST', '/api/v1/incidents/INC-1/postmortem');
    expect(early.status).toBe(409); // not resolved yet
    expect((await t.request('POST', '/api/v1/incidents/INC-1/acknowledge')).status).toBe(200);
    expect((await t.request('POST', '/api/v1/incidents/INC-1/assign', { user: ids.U0BOB })).status).toBe(200);
    t.clock.set('2026-03-02T09:20:00Z');
    expect(
      (await t.request('POST', '/api/v1/incidents/INC-1/notes', { text: 'pgbouncer pool full' })).status,
    ).toBe(201);
    t.clock.set('2026-03-02T09:37:10Z');
    const resolved = await t.request('POST', '/api/v1/incidents/INC-1/resolve', {
      fix: 'restarted pgbouncer',
      rootCause: 'config',
    });
    expect(resolved.status).toBe(200);
    await s.deliverOnce();
    // The resolved P1's card now offers the postmortem.
    const update = s.fake
      .callsTo('chat.update')
      .filter((c) => c.ok)
      .at(-1);
    expect(JSON.stringify(update?.args.blocks)).toContain(POSTMORTEM_ACTIONS.open);
  });

  it('the draft’s timeline and figures are exactly the incident’s', async () => {
    const res = await t.request('POST', '/api/v1/incidents/INC-1/postmortem');
    expect(res.status).toBe(201);
    const pm = await json<Postmortem>(res);
    const again = await t.request('POST', '/api/v1/incidents/INC-1/postmortem');
    expect(again.status).toBe(200);
    expect((await json<Postmortem>(again)).id).toBe(pm.id);

    const inc = await json<Incident>(await t.request('GET', '/api/v1/incidents/INC-1'));
    // MTTA and MTTR computed here, independently, from the incident's timeline rows.
    const at = (kind: string) =>
      inc.timeline.filter((e) => e.kind === kind).map((e) => Date.parse(e.createdAt));
    const [opened] = at('created');
    const [acked] = at('acknowledged');
    const resolvedAt = at('resolved').at(-1);
    expect([opened, acked, resolvedAt].every((x) => typeof x === 'number')).toBe(true);
    const startsAt = Date.parse(inc.alerts[0]?.startsAt ?? '');
    expect(pm.facts.figures).toEqual({
      mttdMs: (opened ?? 0) - startsAt,
      mttaMs: (acked ?? 0) - (opened ?? 0),
      mttrMs: (resolvedAt ?? 0) - (opened ?? 0),
    });
    expect(pm.facts.figures).toEqual({ mttdMs: 5 * 60_000, mttaMs: 270_000, mttrMs: 37 * 60_000 + 10_000 });
    // Every timeline row, in order, as the incident tells it; the first alert first.
    expect(pm.facts.timeline[0]).toEqual({
      at: '2026-03-02T08:55:00.000Z',
      kind: 'first_alert',
      what: 'First alert started: vector(1) > 0 is always true',
      who: 'alertmanager',
    });
    expect(pm.facts.timeline.slice(1)).toEqual(
      inc.timeline.map((e) => ({ at: e.createdAt, kind: e.kind, what: e.message, who: e.actor.name })),
    );
    expect(pm.facts.timeline.map((r) => r.kind)).toEqual(
      expect.arrayContaining(['created', 'escalation_none', 'acknowledged', 'assigned', 'note', 'resolved']),
    );
    expect(pm.facts.owner?.name).toBe('Bob Jones');
    expect(pm.facts.services).toEqual(['checkout']);
    expect(pm.facts.timeZone).toBe('Europe/Berlin');
    // The Resolution section starts from the knowledge base's capture of what fixed it.
    expect(pm.content.resolution).toBe(
      'restarted pgbouncer\n\n_Root cause category: config · told by API key "bootstrap" · knowledge base entry KB-1_',
    );
    expect(pm.status).toBe('draft');
  });

  it('goes draft → in review → published; publishing posts its summary under the card once', async () => {
    const put = (body: unknown) => t.request('PUT', '/api/v1/incidents/INC-1/postmortem', body);
    const skip = await put({ status: 'published' });
    expect(skip.status).toBe(409);
    expect(await skip.text()).toContain('can go to in review');
    const edited = await json<Postmortem>(
      await put({
        summary: 'Checkout failed for 37 minutes: the pgbouncer pool was full.',
        usersAffected: 1200,
      }),
    );
    expect(edited.content.summary).toContain('pgbouncer pool was full');
    const stale = await put({ summary: 'x', version: edited.version - 1 });
    expect(stale.status).toBe(409);
    expect((await put({ rootCause: 'x'.repeat(30_001) })).status).toBe(400);
    expect((await json<Postmortem>(await put({ status: 'in_review' }))).status).toBe('in_review');
    const readOnly = await t.request('POST', '/api/v1/api-keys', { name: 'dash', scopes: ['read'] });
    const key = (await json<{ key: string }>(readOnly)).key;
    const refused = await t.request(
      'PUT',
      '/api/v1/incidents/INC-1/postmortem',
      { status: 'published' },
      {
        authorization: `Bearer ${key}`,
      },
    );
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');

    const published = await put({ status: 'published' });
    expect(published.status).toBe(200);
    expect((await put({ status: 'published' })).status).toBe(409);
    expect((await put({ summary: 'later' })).status).toBe(409);
    await s.deliverOnce();
    await s.deliverOnce();
    const notices = repliesTo(cardTs).filter((m) => (m.text ?? '').includes('published the postmortem'));
    expect(notices).toHaveLength(1);
    expect(JSON.stringify(notices[0]?.blocks)).toContain('pgbouncer pool was full');
    const inc = await json<Incident>(await t.request('GET', '/api/v1/incidents/INC-1'));
    expect(inc.timeline.filter((e) => e.kind === 'postmortem_published')).toHaveLength(1);
    expect(s.fake.violations).toEqual([]);
  });

  it('reads as one Markdown document', async () => {
    const res = await t.request('GET', '/api/v1/incidents/INC-1/postmortem?format=md');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/markdown');
    const md = await res.text();
    expect(md).toContain('# Postmortem: ');
    expect(md).toContain('**Users affected:** 1200');
    expect(md).toContain(
      '| 2026-03-02 09:55:00 | First alert started: vector(1) > 0 is always true | alertmanager |',
    );
    expect(md).toContain('restarted pgbouncer');
    expect((await t.request('GET', '/api/v1/incidents/INC-999/postmortem')).status).toBe(404);
  });
});

describe('action items', () => {
  let bobsItem = '';

  it('are added with an owner and a due date, and listed while open', async () => {
    const add = await t.request('POST', '/api/v1/incidents/INC-1/postmortem/action-items', {
      title: 'Alert on pgbouncer pool saturation',
      owner: 'U0BOB',
      dueOn: '2026-03-03',
    });
    expect(add.status).toBe(201);
    const item = await json<{ id: string; owner: { name: string }; overdue: boolean }>(add);
    expect(item).toMatchObject({ owner: { name: 'Bob Jones' }, overdue: false });
    bobsItem = item.id;
    expect(
      (
        await t.request('POST', '/api/v1/incidents/INC-1/postmortem/action-items', {
          title: 'Raise the pool size',
        })
      ).status,
    ).toBe(201);
    const bad = await t.request('POST', '/api/v1/incidents/INC-1/postmortem/action-items', {
      title: 'x',
      owner: 'nobody@example.com',
    });
    expect(bad.status).toBe(400);
    const open = await json<{ items: unknown[] }>(await t.request('GET', '/api/v1/action-items'));
    expect(open.items).toHaveLength(2);
    const path = (ref: string) => `/api/v1/incidents/${ref}/postmortem/action-items/${bobsItem}`;
    expect((await t.request('PATCH', path('INC-7'), { title: 'elsewhere' })).status).toBe(404);
    const moved = await t.request('PATCH', path('INC-1'), { dueOn: '2026-03-02' });
    expect(await json<{ dueOn: string }>(moved)).toMatchObject({ dueOn: '2026-03-02' });
  });

  it('an overdue item sends its owner one reminder a day, not two, with 3 workers', async () => {
    const workers = [t.services, createServices(t.orm, t.clock), createServices(t.orm, t.clock)];
    const remindAll = async () => {
      const reports = await Promise.all([...workers.map((w) => w.actionItems.remind()), t.tick()]);
      await s.deliverOnce();
      return reports;
    };
    // 4 March, 08:00 in New York: overdue, but before the day's reminder.
    t.clock.set('2026-03-04T13:00:00Z');
    await remindAll();
    expect(dmsTo('U0BOB')).toHaveLength(0);
    t.clock.set('2026-03-04T14:30:00Z');
    await remindAll();
    await remindAll();
    t.clock.set('2026-03-04T23:00:00Z');
    await remindAll();
    const first = dmsTo('U0BOB');
    expect(first).toHaveLength(1);
    expect(first[0]?.args.text).toContain(
      'Overdue action item from the INC-1 postmortem: Alert on pgbouncer',
    );
    expect(JSON.stringify(first[0]?.args.blocks)).toContain(POSTMORTEM_ACTIONS.closeItem);
    // The next day, once more.
    t.clock.set('2026-03-05T14:30:00Z');
    await remindAll();
    await remindAll();
    expect(dmsTo('U0BOB')).toHaveLength(2);
    const [row] = await t.sql<{ n: string }>(
      `select count(*)::text as n from outbox where destination = 'slack.dm' and payload->>'type' = 'action_item_reminder'`,
    );
    expect(row?.n).toBe('2');
  });

  it('closing it from the DM ends the reminders', async () => {
    const dm = s.fake.messages.filter((m) => m.channel === 'U0BOB').at(-1);
    const res = await s.driver.blockAction(POSTMORTEM_ACTIONS.closeItem, bobsItem, {
      user: 'U0BOB',
      message: {
        ts: dm?.ts ?? '',
        channel: 'U0BOB',
        blocks: dm?.blocks as unknown[],
      },
    });
    expect(res.status).toBe(200);
    await s.idle();
    const replaced = s.fake.responseUrlPosts.at(-1)?.body as { replace_original: boolean; text: string };
    expect(replaced).toMatchObject({ replace_original: true });
    expect(replaced.text).toContain('Closed: Alert on pgbouncer');
    t.clock.set('2026-03-06T14:30:00Z');
    await Promise.all([t.services.actionItems.remind(), t.tick()]);
    await s.deliverOnce();
    expect(dmsTo('U0BOB')).toHaveLength(2);
    const open = await json<{ items: { id: string }[] }>(await t.request('GET', '/api/v1/action-items'));
    expect(open.items.map((i) => i.id)).not.toContain(bobsItem);
  });
});

describe('/postmortem in Slack', () => {
  it('opens the postmortem in a modal', async () => {
    const before = s.fake.callsTo('views.open').length;
    const res = await s.driver.slashCommand('/postmortem', 'INC-1', { user: 'U0ALICE' });
    expect(res.status).toBe(200);
    await s.idle();
    const opened = s.fake.callsTo('views.open');
    expect(opened).toHaveLength(before + 1);
    const view = opened.at(-1)?.args.view as { callback_id: string; blocks: unknown[] };
    expect(view.callback_id).toBe(VIEWS.postmortem);
    expect(JSON.stringify(view.blocks)).toContain('Status: *Published*');
    expect(s.fake.violations).toEqual([]);
  });

  it('lists open action items, and answers help', async () => {
    await s.driver.slashCommand('/postmortem', 'actions', { user: 'U0ALICE' });
    await s.idle();
    expect(JSON.stringify(s.fake.responseUrlPosts.at(-1)?.body)).toContain('Raise the pool size');
    await s.driver.slashCommand('/postmortem', 'actions mine', { user: 'U0ALICE' });
    await s.idle();
    expect(JSON.stringify(s.fake.responseUrlPosts.at(-1)?.body)).toContain('Your open action items');
    await s.driver.slashCommand('/postmortem', 'help', { user: 'U0ALICE' });
    await s.idle();
    expect(JSON.stringify(s.fake.responseUrlPosts.at(-1)?.body)).toContain('/postmortem actions mine');
  });

  it('drafts from the card’s button and edits a section in its modal', async () => {
    t.clock.set('2026-03-07T10:00:00Z');
    const declared = await json<{ id: string; ref: string }>(
      await t.request('POST', '/api/v1/incidents', {
        title: 'Queue backlog',
        service: 'checkout',
        severity: 'P2',
      }),
    );
    t.clock.set('2026-03-07T10:30:00Z');
    await t.request('POST', `/api/v1/incidents/${declared.ref}/resolve`);
    await s.driver.blockAction(POSTMORTEM_ACTIONS.open, declared.id, { user: 'U0ALICE' });
    await s.idle();
    const view = s.fake.callsTo('views.open').at(-1)?.args.view as { blocks: unknown[] };
    expect(JSON.stringify(view.blocks)).toContain(`${declared.ref} · Queue backlog`);
    const res = await s.driver.viewSubmission(
      VIEWS.postmortemSection,
      {
        'postmortem.part.0': {
          'postmortem.part.value': { type: 'plain_text_input', value: 'Workers stalled.' },
        },
      },
      JSON.stringify({ ref: declared.ref, s: 'summary', v: 1 }),
      'U0ALICE',
    );
    expect(res.status).toBe(200);
    const pm = await json<Postmortem>(await t.request('GET', `/api/v1/incidents/${declared.ref}/postmortem`));
    expect(pm.content.summary).toBe('Workers stalled.');
    expect(s.fake.violations).toEqual([]);
  });

  it('moves it along, shows the whole timeline and adds an action item from the modal', async () => {
    const viewId =
      [...s.fake.views.values()].filter((v) => v.view.callback_id === VIEWS.postmortem).at(-1)?.id ?? '';
    const value = (v: Record<string, string>) => JSON.stringify(v);
    const inModal = { user: 'U0ALICE', view: { id: viewId, callback_id: VIEWS.postmortem } };
    await s.driver.blockAction(
      `${POSTMORTEM_ACTIONS.setStatus}.in_review`,
      value({ ref: 'INC-2', to: 'in_review' }),
      inModal,
    );
    await s.idle();
    const updated = s.fake.callsTo('views.update').filter((c) => c.ok && c.args.view_id === viewId);
    expect(JSON.stringify(updated.at(-1)?.args.view)).toContain('Status: *In review*');
    const pushes = () => s.fake.callsTo('views.push').filter((c) => c.ok);
    const before = pushes().length;
    await s.driver.blockAction(POSTMORTEM_ACTIONS.editSection, value({ ref: 'INC-2', s: 'impact' }), inModal);
    await s.driver.blockAction(POSTMORTEM_ACTIONS.showTimeline, value({ ref: 'INC-2' }), inModal);
    await s.driver.blockAction(POSTMORTEM_ACTIONS.addItem, value({ ref: 'INC-2' }), inModal);
    await s.idle();
    const callbacks = pushes()
      .slice(before)
      .map((c) => (c.args.view as { callback_id: string }).callback_id);
    // Each answers as soon as it can, so in any order.
    expect(callbacks.sort()).toEqual(
      [VIEWS.actionItem, VIEWS.postmortemSection, VIEWS.postmortemTimeline].sort(),
    );
    const bad = await s.driver.viewSubmission(
      VIEWS.postmortemSection,
      {
        'postmortem.users_affected': {
          'postmortem.users_affected.value': { type: 'plain_text_input', value: 'many' },
        },
      },
      JSON.stringify({ ref: 'INC-2', s: 'impact', v: 3 }),
      'U0ALICE',
    );
    expect(JSON.stringify(bad.body)).toContain('postmortem.users_affected');
    const added = await s.driver.viewSubmission(
      VIEWS.actionItem,
      {
        'postmortem.item.title': {
          'postmortem.item.title.value': { type: 'plain_text_input', value: 'Alert on backlog' },
        },
        'postmortem.item.owner': {
          'postmortem.item.owner.value': { type: 'users_select', selected_user: 'U0BOB' },
        },
        'postmortem.item.due': {
          'postmortem.item.due.value': { type: 'datepicker', selected_date: '2026-03-20' },
        },
      },
      JSON.stringify({ ref: 'INC-2' }),
      'U0ALICE',
    );
    expect(added.status).toBe(200);
    await s.idle();
    const pm = await json<{ actionItems: { title: string; owner: { name: string }; dueOn: string }[] }>(
      await t.request('GET', '/api/v1/incidents/INC-2/postmortem'),
    );
    expect(pm.actionItems).toEqual([
      expect.objectContaining({
        title: 'Alert on backlog',
        owner: expect.objectContaining({ name: 'Bob Jones' }),
        dueOn: '2026-03-20',
      }),
    ]);
    expect(s.fake.violations).toEqual([]);
  });
});
