/**
 * The knowledge base, as people meet it: Resolve opens a form asking what fixed it; the fix becomes the entry of
 * the incident's signature; the next incident with that signature shows "Seen once, last INC-1 12 days ago, fixed
 * by Bob in 9 min: restarted pgbouncer" on its card — and one of another service with the same alert name shows
 * nothing. Entries are searched (ranked, odd input survives), edited with versions, and an incident that resolved
 * by itself asks its acknowledger once what fixed it, however many workers look.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INCIDENT_ACTIONS, KB_ACTIONS, RESOLVE_INPUTS, VIEWS } from '../blocks/ids.js';
import { checkLimits } from '../blocks/limits.js';
import { encodeMetadata } from '../blocks/metadata.js';
import { createServices } from '../src/app/services.js';
import { ResolveMetadata } from '../src/slack/features/knowledge/resolve-metadata.js';
import { fixture, startTestApp, type TestApp, type TestSlack } from './harness/app.js';
import { stateValue } from './harness/slack-signing.js';

let t: TestApp;
let s: TestSlack;
beforeAll(async () => {
  t = await startTestApp({ slack: true });
  if (!t.slack) throw new Error('no slack');
  s = t.slack;
  s.fake.addUser({ id: 'U0BOB', real_name: 'Bob Jones', email: 'bob@example.com', tz: 'Europe/London' });
  s.fake.addUser({ id: 'U0ANA', real_name: 'Ana Lima', email: 'ana@example.com', tz: 'Europe/Lisbon' });
});
afterAll(async () => {
  await t?.close();
});

/** Alertmanager's webhook for one alert `name` of `service` on `instance`. */
function alert(name: string, service: string, instance: string, status: 'firing' | 'resolved' = 'firing') {
  const body = JSON.parse(fixture('prometheus-rule-firing.json')) as {
    status: string;
    alerts: { status: string; labels: Record<string, string>; fingerprint: string; endsAt: string }[];
    groupLabels: Record<string, string>;
    commonLabels: Record<string, string>;
    groupKey: string;
  };
  const labels = { alertname: name, service, instance };
  body.status = status;
  body.alerts = body.alerts.slice(0, 1).map((a) => ({
    ...a,
    status,
    labels,
    fingerprint: `fp-${name}-${service}-${instance}`,
    ...(status === 'resolved' ? { endsAt: t.clock.now().toISOString() } : {}),
  }));
  body.groupLabels = { alertname: name };
  body.commonLabels = labels;
  body.groupKey = `{}:{alertname="${name}", service="${service}", instance="${instance}"}`;
  return JSON.stringify(body);
}

const fire = async (body: string) => {
  const res = await t.request('POST', '/api/v1/webhooks/alertmanager', body);
  expect(res.status).toBe(200);
  await s.deliverOnce();
};
const card = (ref: string) =>
  s.fake.messages
    .filter((m) => !m.channel.startsWith('D') && !m.thread_ts && m.text.includes(`${ref} `))
    .at(-1);
const cardText = (ref: string) => {
  const c = card(ref);
  return JSON.stringify(c?.history.at(-1)?.blocks ?? c?.blocks ?? []);
};
const incidentId = async (ref: string) =>
  ((await (await t.request('GET', `/api/v1/incidents/${ref}`)).json()) as { id: string }).id;
const lastView = (method: string) =>
  (s.fake.calls.filter((c) => c.method === method).at(-1)?.args.view ?? {}) as {
    callback_id?: string;
    title?: { text: string };
    blocks?: unknown[];
  };
const answers = () => JSON.stringify(s.fake.responseUrlPosts.at(-1)?.body ?? {});
const resolveForm = (fix: string | null, cause: string | null, kb: boolean) => ({
  [RESOLVE_INPUTS.fix.blockId]: { [RESOLVE_INPUTS.fix.actionId]: stateValue.text(fix) },
  [RESOLVE_INPUTS.cause.blockId]: {
    [RESOLVE_INPUTS.cause.actionId]: cause
      ? stateValue.select(cause)
      : { type: 'static_select', selected_option: null },
  },
  [RESOLVE_INPUTS.kb.blockId]: {
    [RESOLVE_INPUTS.kb.actionId]: {
      type: 'checkboxes',
      selected_options: kb ? [{ text: { type: 'plain_text', text: 'Add' }, value: 'kb' }] : [],
    },
  },
});

describe('what fixed it last time', () => {
  let entryId = '';

  it('Resolve on the card opens a form; what fixed it becomes the entry of its signature', async () => {
    await fire(alert('HighLatency', 'checkout', 'pod-1'));
    expect(cardText('INC-1')).not.toContain('Seen');
    const id = await incidentId('INC-1');
    t.clock.advance(9 * 60_000);
    await s.driver.blockAction(INCIDENT_ACTIONS.resolve, id, { user: 'U0BOB', channelId: 'C0DEFAULT' });
    await s.idle();
    const form = lastView('views.open');
    expect(form.callback_id).toBe(VIEWS.resolve);
    expect(JSON.stringify(form)).toContain('Add to the knowledge base');
    expect(checkLimits('modal', form)).toEqual([]);
    expect(
      ((await (await t.request('GET', '/api/v1/incidents/INC-1')).json()) as { status: string }).status,
    ).not.toBe('resolved');

    const meta = encodeMetadata(ResolveMetadata, { incidentId: id });
    const res = await s.driver.viewSubmission(
      VIEWS.resolve,
      resolveForm('restarted pgbouncer', 'config', true),
      meta,
      'U0BOB',
    );
    expect(res.status).toBe(200);
    const inc = (await (await t.request('GET', '/api/v1/incidents/INC-1')).json()) as {
      status: string;
      timeline: { kind: string; message: string; data: Record<string, unknown> }[];
    };
    expect(inc.status).toBe('resolved');
    expect(inc.timeline.find((e) => e.kind === 'resolved')?.message).toBe(
      'INC-1 resolved by Bob Jones: restarted pgbouncer (root cause: config)',
    );

    const sig = encodeURIComponent('checkout/HighLatency');
    const entry = (await (await t.request('GET', `/api/v1/kb/signature/${sig}`)).json()) as {
      id: string;
      ref: string;
      resolution: string;
      rootCause: string;
      occurrences: number;
      meanTimeToResolveMinutes: number;
      incidents: { ref: string }[];
      version: number;
    };
    expect(entry).toMatchObject({ ref: 'KB-1', rootCause: 'config', occurrences: 1, version: 1 });
    expect(entry.meanTimeToResolveMinutes).toBe(9);
    expect(entry.resolution).toContain('INC-1 (2026-03-02, config, Bob Jones): restarted pgbouncer');
    expect(entry.incidents.map((i) => i.ref)).toEqual(['INC-1']);
    entryId = entry.id;

    const capture = await t.services.knowledge.resolutionOf(t.actor, 'INC-1');
    expect(capture).toMatchObject({
      incidentRef: 'INC-1',
      fix: 'restarted pgbouncer',
      rootCause: 'config',
      addedToKnowledgeBase: true,
      autoResolved: false,
      timeToResolveMinutes: 9,
      resolvedBy: { kind: 'user', name: 'Bob Jones', slackUserId: 'U0BOB' },
      entry: { ref: 'KB-1' },
    });
    expect(s.fake.violations).toEqual([]);
  });

  it('12 days later the same alert on another pod shows the hint on its new card, with the entry a click away', async () => {
    t.clock.advance(12 * 24 * 3600_000);
    await fire(alert('HighLatency', 'checkout', 'pod-7'));
    const text = cardText('INC-2');
    expect(text).toContain('Seen once, last');
    expect(text).toContain('INC-1');
    expect(text).toContain('12 days ago, fixed by <@U0BOB> in 9 min: restarted pgbouncer');
    expect(text).toContain(KB_ACTIONS.showEntry);
    expect(checkLimits('message', { blocks: card('INC-2')?.blocks ?? [] })).toEqual([]);

    await s.driver.blockAction(KB_ACTIONS.showEntry, entryId, { user: 'U0BOB', channelId: 'C0DEFAULT' });
    await s.idle();
    const modal = lastView('views.open');
    expect(modal.callback_id).toBe(VIEWS.kbEntry);
    expect(JSON.stringify(modal)).toContain('restarted pgbouncer');
  });

  it('the same alert name on another service matches nothing: its card shows no hint', async () => {
    await fire(alert('HighLatency', 'search', 'pod-1'));
    const text = cardText('INC-3');
    expect(text).toContain('HighLatency');
    expect(text).not.toContain('Seen');
    expect(text).not.toContain(KB_ACTIONS.showEntry);
  });

  it('/incident resolve INC-2 with a note updates the entry, keeping the earlier version', async () => {
    t.clock.advance(20 * 60_000);
    await s.driver.slashCommand('/incident', 'resolve INC-2 raised the pool size', { user: 'U0BOB' });
    await s.idle();
    const entry = (await (await t.request('GET', '/api/v1/kb/KB-1')).json()) as {
      resolution: string;
      occurrences: number;
      version: number;
      incidents: { ref: string }[];
      meanTimeToResolveMinutes: number;
    };
    expect(entry.version).toBe(2);
    expect(entry.occurrences).toBe(2);
    expect(entry.meanTimeToResolveMinutes).toBe(14.5);
    expect(entry.resolution).toContain('restarted pgbouncer');
    expect(entry.resolution).toContain('INC-2 (2026-03-14, Bob Jones): raised the pool size');
    expect(entry.incidents.map((i) => i.ref)).toEqual(['INC-2', 'INC-1']);
    const versions = (await (await t.request('GET', '/api/v1/kb/KB-1/versions')).json()) as {
      version: number;
      editedBy: { name: string };
      resolution: string;
    }[];
    expect(versions.map((v) => v.version)).toEqual([2, 1]);
    expect(versions[1]?.resolution).not.toContain('raised the pool size');
    expect(versions[0]?.editedBy.name).toBe('Bob Jones');
  });

  it('/incident resolve INC-3 without a note opens the form; submitted empty it just resolves', async () => {
    await s.driver.slashCommand('/incident', 'resolve INC-3', { user: 'U0BOB' });
    await s.idle();
    expect(lastView('views.open').callback_id).toBe(VIEWS.resolve);
    const meta = encodeMetadata(ResolveMetadata, { incidentId: await incidentId('INC-3') });
    await s.driver.viewSubmission(VIEWS.resolve, resolveForm(null, null, true), meta, 'U0BOB');
    expect(
      ((await (await t.request('GET', '/api/v1/incidents/INC-3')).json()) as { status: string }).status,
    ).toBe('resolved');
    const none = await t.request('GET', `/api/v1/kb/signature/${encodeURIComponent('search/HighLatency')}`);
    expect(none.status).toBe(404);
    expect((await t.services.knowledge.resolutionOf(t.actor, 'INC-3'))?.fix).toBeNull();
  });
});

describe('entries and search', () => {
  it('adds, edits (versions, optimistic concurrency) and refuses a second entry for one signature', async () => {
    const post = (body: unknown) => t.request('POST', '/api/v1/kb', body);
    const a = await post({
      title: 'Connection storm after a deploy',
      symptoms: 'Every pod reconnects at once when the new release starts.',
      resolution: 'Stagger the rollout: `maxSurge: 1`.',
      signature: 'api/ConnectionStorm',
      rootCause: 'deploy',
    });
    expect(a.status).toBe(201);
    const b = await post({
      title: 'Retries pile up on the pool',
      symptoms: 'A storm of client retries while the connection pool is saturated.',
      resolution: 'Add jitter to retries.',
    });
    expect(b.status).toBe(201);
    const dup = await post({ title: 'again', signature: 'api/ConnectionStorm' });
    expect(dup.status).toBe(409);
    expect(dup.headers.get('content-type')).toContain('application/problem+json');
    const bad = await post({ title: '', rootCause: 'cosmic rays' });
    expect(bad.status).toBe(400);

    const { ref, version } = (await a.json()) as { ref: string; version: number };
    const stale = await t.request('PUT', `/api/v1/kb/${ref}`, { version: version + 5, title: 'x' });
    expect(stale.status).toBe(409);
    const put = await t.request('PUT', `/api/v1/kb/${ref}`, {
      version,
      symptoms: 'Every pod reconnects at once.',
    });
    expect(put.status).toBe(200);
    const edited = (await put.json()) as { version: number; title: string; symptoms: string };
    expect(edited).toMatchObject({ version: 2, title: 'Connection storm after a deploy' });
    const versions = (await (await t.request('GET', `/api/v1/kb/${ref}/versions`)).json()) as unknown[];
    expect(versions).toHaveLength(2);
    const list = (await (await t.request('GET', '/api/v1/kb')).json()) as { items: { ref: string }[] };
    expect(list.items.map((i) => i.ref)).toEqual(expect.arrayContaining(['KB-1', 'KB-2', 'KB-3']));
  });

  it('ranks the entry holding the exact phrase first, with highlighted snippets', async () => {
    const search = async (q: string) => {
      const res = await t.request('GET', `/api/v1/kb/search?q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
      return ((await res.json()) as { items: { ref: string; snippet: string; rank: number }[] }).items;
    };
    const both = await search('connection storm');
    expect(both.map((h) => h.ref)).toEqual(['KB-2', 'KB-3']);
    expect(both[0]?.snippet).toContain('<b>');
    expect((await search('"connection storm"')).map((h) => h.ref)).toEqual(['KB-2']);
    expect((await search('pgbouncer -jitter')).map((h) => h.ref)).toEqual(['KB-1']);
  });

  it('survives odd input: quotes, SQL, 2,000 characters; refuses more with a problem', async () => {
    for (const q of [
      "'; drop table kb_entries; --",
      '"',
      "'",
      '""',
      '-',
      'or',
      '(((',
      'x'.repeat(2000),
      `${'storm '.repeat(333)}`.slice(0, 2000),
    ]) {
      const res = await t.request('GET', `/api/v1/kb/search?q=${encodeURIComponent(q)}`);
      expect([q.slice(0, 20), res.status]).toEqual([q.slice(0, 20), 200]);
      expect(Array.isArray(((await res.json()) as { items: unknown[] }).items)).toBe(true);
    }
    const long = await t.request('GET', `/api/v1/kb/search?q=${'x'.repeat(2001)}`);
    expect(long.status).toBe(400);
    expect(long.headers.get('content-type')).toContain('application/problem+json');
    const [n] = await t.sql<{ n: number }>('select count(*)::int as n from kb_entries');
    expect(n?.n).toBe(3);
  });

  it('/kb search, /kb show and /kb help answer in Slack', async () => {
    await s.driver.slashCommand('/kb', 'search connection storm', { user: 'U0BOB' });
    await s.idle();
    expect(answers()).toContain('KB-2');
    expect(answers()).toContain('*storm*');
    await s.driver.slashCommand('/kb', 'show KB-1', { user: 'U0BOB' });
    await s.idle();
    expect(answers()).toContain('restarted pgbouncer');
    await s.driver.slashCommand('/kb', "search '; drop table", { user: 'U0BOB' });
    await s.idle();
    expect(answers()).toContain('Nothing in the knowledge base matches');
    await s.driver.slashCommand('/kb', 'help', { user: 'U0BOB' });
    await s.idle();
    expect(answers()).toContain('/kb search');
    expect(s.fake.violations).toEqual([]);
  });
});

describe('an incident that resolved by itself', () => {
  it('asks its acknowledger once, with three workers, and files what they tell', async () => {
    await fire(alert('DiskFull', 'billing', 'db-1'));
    const id = await incidentId('INC-4');
    await s.driver.blockAction(INCIDENT_ACTIONS.acknowledge, id, { user: 'U0ANA', channelId: 'C0DEFAULT' });
    await s.idle();
    t.clock.advance(15 * 60_000);
    await fire(alert('DiskFull', 'billing', 'db-1', 'resolved'));
    expect(
      ((await (await t.request('GET', '/api/v1/incidents/INC-4')).json()) as { status: string }).status,
    ).toBe('resolved');

    const replicas = [1, 2, 3].map(() => createServices(t.orm, t.clock).knowledge);
    const reports = await Promise.all(replicas.map((k) => k.askPending(t.clock.now())));
    expect(reports.reduce((n, r) => n + r.asked, 0)).toBe(1);
    await Promise.all(replicas.map((k) => k.askPending(t.clock.now())));
    await t.tick();
    await s.deliverOnce();
    await s.deliverOnce();
    const asks = s.fake.messages.filter((m) => m.text.includes('INC-4 resolved by itself'));
    expect(asks).toHaveLength(1);
    expect(asks[0]?.channel).toMatch(/^D/);
    expect(JSON.stringify(asks[0]?.blocks)).toContain(KB_ACTIONS.tellFix);
    expect(await t.services.knowledge.resolutionOf(t.actor, 'INC-4')).toMatchObject({
      autoResolved: true,
      fix: null,
    });

    await s.driver.blockAction(KB_ACTIONS.tellFix, id, { user: 'U0ANA', channelId: asks[0]?.channel ?? '' });
    await s.idle();
    const form = lastView('views.open');
    expect(form.callback_id).toBe(VIEWS.resolve);
    expect(form.title?.text).toBe('What fixed INC-4?');
    const meta = encodeMetadata(ResolveMetadata, { incidentId: id });
    await s.driver.viewSubmission(
      VIEWS.resolve,
      resolveForm('rotated the WAL archive', 'capacity', true),
      meta,
      'U0ANA',
    );
    const inc = (await (await t.request('GET', '/api/v1/incidents/INC-4')).json()) as {
      timeline: { kind: string; message: string }[];
    };
    expect(inc.timeline.find((e) => e.kind === 'resolution_captured')?.message).toBe(
      'Ana Lima told what fixed INC-4: rotated the WAL archive (root cause: capacity)',
    );
    const entry = (await (
      await t.request('GET', `/api/v1/kb/signature/${encodeURIComponent('billing/DiskFull')}`)
    ).json()) as { resolution: string; rootCause: string };
    expect(entry).toMatchObject({ rootCause: 'capacity' });
    expect(entry.resolution).toContain('rotated the WAL archive');
    expect(await t.services.knowledge.resolutionOf(t.actor, 'INC-4')).toMatchObject({
      fix: 'rotated the WAL archive',
      capturedBy: { name: 'Ana Lima', slackUserId: 'U0ANA' },
    });
    await t.tick();
    await s.deliverOnce();
    expect(s.fake.messages.filter((m) => m.text.includes('INC-4 resolved by itself'))).toHaveLength(1);
    expect(s.fake.violations).toEqual([]);
  });
});
