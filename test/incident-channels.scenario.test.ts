import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { INCIDENT_ACTIONS } from '../blocks/ids.js';
import { CardMoreValue } from '../blocks/incident-card-more.blocks.js';
import { encodeMetadata } from '../blocks/metadata.js';
import { buildOpsWatch } from '../src/app/opswatch.js';
import { createLogger } from '../src/shared/logger.js';
import { PUBLIC_BASE_URL, startTestApp, type TestApp, type TestSlack } from './harness/app.js';
import type { FakeCall } from './harness/fake-slack.js';

let t: TestApp;
let s: TestSlack;
beforeAll(async () => {
  t = await startTestApp({ slack: true });
  if (!t.slack) throw new Error('no slack');
  s = t.slack;
  s.fake.addUser({ id: 'U0ALICE', real_name: 'Alice Smith', email: 'alice@example.com' });
  s.fake.addUser({ id: 'U0BOB', real_name: 'Bob Jones', email: 'bob@example.com' });
  t.clock.set('2026-03-02T10:00:00Z');
  const svc = (body: unknown) => t.request('POST', '/api/v1/services', body);
  expect((await svc({ name: 'payments', slackChannel: 'C0PAYMENTS' })).status).toBe(201);
  const checkout = await svc({
    name: 'checkout',
    slackChannel: 'C0CHECKOUT',
    autoChannel: { minSeverity: 'P1' },
  });
  expect(checkout.status).toBe(201);
  expect(await checkout.json()).toMatchObject({ autoChannel: { minSeverity: 1 }, channelArchiveHours: null });
});
afterAll(async () => {
  await t?.close();
});

const CHANNEL_METHODS = [
  'conversations.create',
  'conversations.invite',
  'pins.add',
  'bookmarks.add',
  'conversations.rename',
  'conversations.archive',
];
const channelCalls = (since = 0): FakeCall[] =>
  s.fake.calls.slice(since).filter((c) => CHANNEL_METHODS.includes(c.method) && c.ok);
const said = (): string => String((s.fake.responseUrlPosts.at(-1)?.body as { text?: string })?.text);
const incident = async (ref: string) =>
  (await (await t.request('GET', `/api/v1/incidents/${ref}`)).json()) as {
    id: string;
    title: string;
    severity: number;
    status: string;
    timeline: { kind: string; message: string; data: Record<string, unknown> }[];
  };
let seq = 0;
async function fire(service: string, severity: string, title: string): Promise<string> {
  seq++;
  const res = await t.request('POST', '/api/v1/webhooks/generic', {
    title,
    severity,
    service,
    dedup_key: `${service}-${seq}`,
    status: 'firing',
    annotations: { runbook_url: 'https://runbooks.example.com/payments' },
    links: [{ href: 'https://grafana.example.com/d/payments', text: 'Payments dashboard' }],
  });
  expect(res.status).toBe(200);
  const [row] = await t.sql<{ n: number }>('select max(number)::int as n from incidents');
  return `INC-${row?.n}`;
}
const command = async (text: string, user = 'U0ALICE') => {
  expect((await s.driver.slashCommand('/incident', text, { user })).status).toBe(200);
  await s.idle();
};

describe('an incident channel opened by hand', () => {
  let ref = '';
  let number = 0;
  let channelId = '';
  let cardTs = '';

  it('"/incident channel" creates #inc-N-<slug>, invites the responders, pins the summary, bookmarks the links', async () => {
    ref = await fire('payments', 'P2', 'Payments: card auths failing!');
    number = Number(ref.slice(4));
    await s.deliverOnce();
    const card = s.fake.calls.find((c) => c.method === 'chat.postMessage' && c.args.channel === 'C0PAYMENTS');
    cardTs = String(s.fake.messages.find((m) => m.channel === 'C0PAYMENTS' && !m.thread_ts)?.ts);
    expect(card).toBeDefined();
    // The card offers to open a channel while the incident has none.
    expect(JSON.stringify(card?.args.blocks)).toContain('Open channel');
    await command(`assign ${ref} <@U0BOB|bob>`);
    const before = s.fake.calls.length;
    await command(`channel ${ref}`);
    expect(said()).toContain(`Opening a channel for ${ref}`);
    await s.deliverOnce();

    const calls = channelCalls(before);
    const name = `inc-${number}-payments-card-auths-failing`;
    expect(calls.map((c) => c.method)).toEqual([
      'conversations.create',
      'conversations.invite',
      'pins.add',
      'bookmarks.add',
      'bookmarks.add',
    ]);
    const [create, invite, pin, ...bookmarks] = calls;
    expect(create?.args).toMatchObject({ name });
    channelId = s.fake.channels.byName(name)?.id ?? '';
    expect(channelId).toMatch(/^C/);
    // The assignee and the person who asked.
    expect(invite?.args).toMatchObject({ channel: channelId, users: 'U0BOB,U0ALICE' });
    const summary = s.fake.messages.find((m) => m.channel === channelId && m.ts === pin?.args.timestamp);
    expect(summary?.text).toContain(`INC-${number} Payments: card auths failing!`);
    expect(pin?.args).toMatchObject({ channel: channelId });
    expect(bookmarks.map((b) => [b.args.channel_id, b.args.type, b.args.title, b.args.link])).toEqual([
      [channelId, 'link', 'Runbook', 'https://runbooks.example.com/payments'],
      [channelId, 'link', 'Payments dashboard', 'https://grafana.example.com/d/payments'],
    ]);

    // The card links to it (and no longer offers to open one), with a thread reply under it.
    const updates = s.fake.callsTo('chat.update').filter((c) => c.args.ts === cardTs);
    const last = JSON.stringify(updates.at(-1)?.args.blocks);
    expect(last).toContain(`Channel: <#${channelId}|${name}>`);
    expect(last).not.toContain('Open channel');
    const reply = s.fake.messages.find((m) => m.thread_ts === cardTs && m.text.includes('incident channel'));
    expect(reply?.text).toContain(`#${name}`);
    const inc = await incident(ref);
    expect(inc.timeline.find((e) => e.kind === 'channel_opened')?.data).toEqual({ channelId, name });
    expect(s.fake.violations).toEqual([]);
  });

  it('asking again (the card menu) opens no second channel', async () => {
    const before = s.fake.calls.length;
    const value = encodeMetadata(CardMoreValue, { a: 'channel', id: (await incident(ref)).id }, 150);
    // One option: the menu is a button.
    await s.driver.blockAction(INCIDENT_ACTIONS.more, value, {
      message: { ts: cardTs, channel: 'C0PAYMENTS' },
    });
    await s.idle();
    expect(said()).toContain('has its channel already');
    await s.deliverOnce();
    expect(channelCalls(before)).toEqual([]);
  });

  it('a note added in OpsWatch is mirrored to the channel, as well as under the card', async () => {
    await command(`note ${ref} rolling back the deploy`);
    await s.deliverOnce();
    const inChannel = s.fake.messages.filter((m) => m.channel === channelId && !m.thread_ts);
    expect(inChannel.at(-1)?.text).toContain('rolling back the deploy');
    expect(s.fake.messages.filter((m) => m.thread_ts === cardTs).at(-1)?.text).toContain(
      'rolling back the deploy',
    );
  });

  it('"/incident rename" renames the incident, its card and its channel; "/incident severity" changes the severity', async () => {
    const before = s.fake.calls.length;
    await command(`rename ${ref} Payments down in EU`);
    expect(said()).toContain('is now titled "Payments down in EU"');
    await command(`severity ${ref} P1`);
    expect(said()).toContain(`${ref} is now P1`);
    await s.deliverOnce();
    expect(channelCalls(before).map((c) => [c.method, c.args.channel, c.args.name])).toEqual([
      ['conversations.rename', channelId, `inc-${number}-payments-down-in-eu`],
    ]);
    const inc = await incident(ref);
    expect(inc).toMatchObject({ title: 'Payments down in EU', severity: 1 });
    expect(inc.timeline.filter((e) => ['title_changed', 'severity_changed'].includes(e.kind))).toMatchObject([
      { kind: 'title_changed', data: { from: 'Payments: card auths failing!', to: 'Payments down in EU' } },
      { kind: 'severity_changed', data: { from: 2, to: 1, cause: 'manual' } },
    ]);
    const card = s.fake.messages.find((m) => m.ts === cardTs);
    expect(card?.text).toContain('[P1]');
    expect(card?.text).toContain('Payments down in EU');
    const mirrored = s.fake.messages
      .filter((m) => m.channel === channelId && !m.thread_ts)
      .map((m) => m.text);
    expect(mirrored.some((x) => x.includes('renamed'))).toBe(true);
    expect(mirrored.some((x) => x.includes('changed the severity'))).toBe(true);
  });

  it('the channel is archived 24 h after the incident resolves (the engine tick), once', async () => {
    await command(`resolve ${ref} fixed`);
    await s.deliverOnce();
    const before = s.fake.calls.length;
    t.clock.advance(23 * 3_600_000);
    await t.tick();
    await s.deliverOnce();
    expect(channelCalls(before)).toEqual([]);
    t.clock.advance(3_600_000);
    await Promise.all([t.tick(), t.tick(), t.tick()]);
    await s.deliverOnce();
    await t.tick();
    await s.deliverOnce();
    expect(channelCalls(before).map((c) => [c.method, c.args.channel])).toEqual([
      ['conversations.archive', channelId],
    ]);
    expect(s.fake.channels.byName(`inc-${number}-payments-down-in-eu`)?.archived).toBe(true);
    expect((await incident(ref)).timeline.filter((e) => e.kind === 'channel_archived')).toHaveLength(1);
  });
});

describe('an incident channel opened automatically', () => {
  it('a P1 of a service that asks for one gets its channel once, with three workers', async () => {
    const config = {
      publicBaseUrl: PUBLIC_BASE_URL,
      slackEnabled: false,
      ENGINE_TICK_SECONDS: 1,
      PORT: 0,
      HOST: '127.0.0.1',
    };
    const log = createLogger('silent');
    const others = [
      await buildOpsWatch({ orm: t.orm, clock: t.clock, log, config }),
      await buildOpsWatch({ orm: t.orm, clock: t.clock, log, config }),
    ];
    const before = s.fake.calls.length;
    // The same alert reaches three replicas at once; each ticks its engine; Slack delivery runs concurrently.
    const body = {
      title: 'Checkout 500s',
      severity: 'P1',
      service: 'checkout',
      dedup_key: 'co-1',
      status: 'firing',
    };
    const sent = await Promise.all([1, 2, 3].map(() => t.request('POST', '/api/v1/webhooks/generic', body)));
    expect(sent.map((r) => r.status)).toEqual([200, 200, 200]);
    await Promise.all([t.tick(), ...others.map((o) => o.engine.tick(t.clock.now()))]);
    await Promise.all([s.deliverOnce(), s.deliverOnce(), s.deliverOnce()]);
    const creates = channelCalls(before).filter((c) => c.method === 'conversations.create');
    expect(creates).toHaveLength(1);
    expect(String(creates[0]?.args.name)).toMatch(/^inc-\d+-checkout-500s$/);
    // A P2 of the same service gets none.
    await fire('checkout', 'P2', 'Checkout slow');
    await s.deliverOnce();
    expect(channelCalls(before).filter((c) => c.method === 'conversations.create')).toHaveLength(1);
  });

  it('a failed pin is retried by itself: no second channel, no second summary', async () => {
    const before = s.fake.calls.length;
    s.fake.failNext('pins.add', { error: 'internal_error' });
    const ref = await fire('checkout', 'P1', 'Checkout down');
    await s.deliverOnce();
    expect(s.fake.calls.slice(before).filter((c) => c.method === 'pins.add' && !c.ok)).toHaveLength(1);
    t.clock.advance(5 * 60_000);
    await s.deliverOnce();
    const calls = channelCalls(before);
    expect(calls.filter((c) => c.method === 'conversations.create')).toHaveLength(1);
    expect(calls.filter((c) => c.method === 'pins.add')).toHaveLength(1);
    const name = `inc-${ref.slice(4)}-checkout-down`;
    const ch = s.fake.channels.byName(name);
    expect(ch?.pins).toHaveLength(1);
    const summaries = s.fake.messages.filter((m) => m.channel === ch?.id && m.text.includes('Checkout down'));
    expect(summaries.filter((m) => m.ts === ch?.pins[0])).toHaveLength(1);
  });

  it("a lost answer to conversations.create, then a dropped invite: the channel made is the incident's, once", async () => {
    const before = s.fake.calls.length;
    s.fake.failNext('conversations.create', { drop: 'after' });
    const ref = await fire('checkout', 'P1', 'Checkout lost answer');
    await command(`assign ${ref} <@U0BOB|bob>`);
    await s.deliverOnce();
    const name = `inc-${ref.slice(4)}-checkout-lost-answer`;
    const made = s.fake.channels.byName(name);
    expect(made).toBeDefined();
    s.fake.failNext('conversations.invite', { drop: 'before' });
    t.clock.advance(5 * 60_000);
    await s.deliverOnce();
    t.clock.advance(5 * 60_000);
    await s.deliverOnce();
    const creates = s.fake.calls.slice(before).filter((c) => c.method === 'conversations.create');
    // The second attempt finds the name taken by OpsWatch itself and takes that channel.
    expect(creates.map((c) => [c.args.name, c.error ?? 'ok'])).toEqual([
      [name, 'ok'],
      [name, 'name_taken'],
    ]);
    expect(s.fake.channels.byName(`${name}-2`)).toBeUndefined();
    const invites = s.fake.calls.slice(before).filter((c) => c.method === 'conversations.invite');
    expect(invites.map((c) => [c.args.channel, c.args.users, c.dropped ?? 'answered'])).toEqual([
      [made?.id, 'U0BOB', 'before'],
      [made?.id, 'U0BOB', 'answered'],
    ]);
    expect(made?.members).toContain('U0BOB');
    expect(made?.pins).toHaveLength(1);
    const opened = (await incident(ref)).timeline.filter((e) => e.kind === 'channel_opened');
    expect(opened.map((e) => e.data)).toEqual([{ channelId: made?.id, name }]);
  });

  it('a name taken in Slack gets a suffix; a missing scope shows on the timeline', async () => {
    const ref = await fire('payments', 'P3', 'Taken name');
    s.fake.channels.add(`inc-${ref.slice(4)}-taken-name`);
    await command(`channel ${ref}`);
    await s.deliverOnce();
    expect(s.fake.channels.byName(`inc-${ref.slice(4)}-taken-name-2`)).toBeDefined();

    const other = await fire('payments', 'P3', 'No scope');
    s.fake.failNext('conversations.create', { error: 'missing_scope' });
    await command(`channel ${other}`);
    await s.deliverOnce();
    const failed = (await incident(other)).timeline.find((e) => e.kind === 'notification_failed');
    expect(failed?.message).toBe('Slack incident channel failed: missing_scope');
  });
});

describe('the Slack app', () => {
  it('made only well-formed calls, with scopes slack-app-manifest.yml declares', () => {
    expect(s.fake.violations).toEqual([]);
    const manifest = parse(readFileSync(new URL('../slack-app-manifest.yml', import.meta.url), 'utf8')) as {
      oauth_config: { scopes: { bot: string[] } };
      features: { slash_commands: { command: string; usage_hint?: string }[] };
    };
    const declared = new Set(manifest.oauth_config.scopes.bot);
    const needed = [...s.fake.requiredScopes()].filter((sc) => !sc.startsWith('conversations:'));
    expect(needed.filter((sc) => !declared.has(sc))).toEqual([]);
    for (const sc of ['channels:manage', 'groups:write', 'pins:write', 'bookmarks:write'])
      expect(s.fake.requiredScopes().has(sc)).toBe(true);
    const hint = manifest.features.slash_commands.find((c) => c.command === '/incident')?.usage_hint;
    expect(hint).toContain('channel INC-42');
    expect(hint).toContain('rename INC-42');
  });
});
