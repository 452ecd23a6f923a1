/**
 * Slack accepts a card but its answer is lost; the outbox finds the card again in the channel's history instead of
 * posting twice, and brings it up to date like any other card: it never stays showing a state the incident left.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp, type TestSlack } from './harness/app.js';
import type { FailurePlan, FakeMessage } from './harness/fake-slack.js';

let t: TestApp;
let s: TestSlack;
const ROUTES = { checkout: 'C0CHECKOUT', payments: 'C0PAYMENTS', search: 'C0SEARCH', billing: 'C0BILLING' };
beforeAll(async () => {
  t = await startTestApp({ slack: true });
  if (!t.slack) throw new Error('no slack');
  s = t.slack;
  await t.request('PUT', '/api/v1/slack/routes', { routes: ROUTES });
});
afterAll(async () => {
  await t?.close();
});

let seq = 0;
/** Fires a new alert for `service` (a new incident); returns the incident's number. */
async function fire(service: string): Promise<number> {
  seq++;
  const res = await t.request('POST', '/api/v1/webhooks/generic', {
    title: `${service} problem ${seq}`,
    severity: 'P2',
    service,
    dedup_key: `${service}-${seq}`,
  });
  expect(res.status).toBe(200);
  const [row] = await t.sql<{ n: number }>('select max(number) as n from incidents');
  return Number(row?.n);
}

async function acknowledge(n: number): Promise<void> {
  expect((await t.request('POST', `/api/v1/incidents/INC-${n}/acknowledge`)).status).toBe(200);
}

interface PostRow {
  id: string;
  number: number;
  status: string;
  channel: string;
  post_id: string;
  post_status: string;
  ts: string | null;
}
const incidentsWithPosts = () =>
  t.sql<PostRow>(
    `select i.id, i.number, i.status, o.lane as channel, o.id::text as post_id, o.status as post_status, m.ts
     from incidents i join outbox o on o.incident_id = i.id and o.destination = 'slack.post'
     left join slack_messages m on m.incident_id = i.id and m.channel = o.lane
     order by i.number`,
  );

/** Top-level messages in the fake Slack that are the post of outbox row `postId`. */
const cardsOf = (channel: string, postId: string): FakeMessage[] =>
  s.fake.messages.filter(
    (m) =>
      m.channel === channel &&
      !m.thread_ts &&
      !m.deleted &&
      String((m.metadata?.event_payload as { outbox_ids?: string } | undefined)?.outbox_ids ?? '')
        .split(',')
        .includes(postId),
  );
const repliesTo = (channel: string, ts: string): FakeMessage[] =>
  s.fake.messages.filter((m) => m.channel === channel && m.thread_ts === ts && !m.deleted);

/** What a version of the card shows in its Status field ("Triggered", "Acknowledged"…). */
function statusShown(version: { blocks: unknown[] }): string | undefined {
  const blocks = version.blocks as { type?: string; fields?: { text?: string }[] }[];
  for (const b of blocks) {
    const field = b.fields?.find((f) => f.text?.startsWith('*Status*\n'));
    if (field?.text) return field.text.split('\n')[1]?.replace(/^:[a-z_]+: /, '');
  }
  return undefined;
}
const LABEL: Record<string, string> = {
  triggered: 'Triggered',
  acknowledged: 'Acknowledged',
  resolved: 'Resolved',
};

async function pendingCount(): Promise<number> {
  const [row] = await t.sql<{ n: string }>(`select count(*) as n from outbox where status = 'pending'`);
  return Number(row?.n);
}

/** Delivers until the outbox is empty, moving the clock to each next retry (no waiting on wall time). */
async function drain(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    await s.deliverOnce();
    const [next] = await t.sql<{ at: Date | null }>(
      `select min(next_attempt_at) as at from outbox where status = 'pending'`,
    );
    if (!next?.at) return;
    if (new Date(next.at) > t.clock.now()) t.clock.set(new Date(next.at));
  }
  throw new Error(`the outbox did not drain: ${await pendingCount()} rows pending`);
}

const cardPosts = (channel: string) =>
  s.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === channel && !c.args.thread_ts);

describe('a card whose answer was lost is found again and brought up to date', () => {
  it('posted, answer lost, acknowledged meanwhile: one card, recovered from history, showing Acknowledged', async () => {
    const n = await fire('checkout');
    // Slack posts the card, but the connection drops before its answer arrives.
    s.fake.failNext('chat.postMessage', { drop: 'after' });
    await s.deliverOnce();
    expect(cardPosts('C0CHECKOUT').map((c) => c.dropped)).toEqual(['after']);
    const [posted] = s.fake.messages.filter((m) => m.channel === 'C0CHECKOUT');
    expect(posted && statusShown(posted)).toBe('Triggered');
    // A moment later someone acknowledges; the post's retry and the card update are then due together.
    await acknowledge(n);
    t.clock.advance(2_000);
    await s.deliverOnce();

    expect(s.fake.callsTo('conversations.history').at(-1)?.args).toMatchObject({ channel: 'C0CHECKOUT' });
    expect(cardPosts('C0CHECKOUT')).toHaveLength(1);
    const [row] = (await incidentsWithPosts()).filter((r) => r.number === n);
    expect(row).toMatchObject({ status: 'acknowledged', post_status: 'sent', ts: posted?.ts });
    const cards = cardsOf('C0CHECKOUT', row?.post_id ?? '');
    expect(cards).toHaveLength(1);
    expect(cards[0]?.history.map(statusShown)).toEqual(['Triggered', 'Acknowledged']);
    expect(statusShown(cards[0] ?? { blocks: [] })).toBe('Acknowledged');
    expect(cards[0]?.text).toContain(`INC-${n} Acknowledged`);
    expect(repliesTo('C0CHECKOUT', posted?.ts ?? '').map((m) => m.text)).toEqual([
      `API key "bootstrap" acknowledged INC-${n}`,
    ]);
    expect(await pendingCount()).toBe(0);
  });

  it('the same when the update waited for the card before the post was retried', async () => {
    const n = await fire('checkout');
    s.fake.failNext('chat.postMessage', { drop: 'after' });
    await s.deliverOnce();
    await acknowledge(n);
    const [posted] = s.fake.messages.filter((m) => m.channel === 'C0CHECKOUT').slice(-1);
    await s.deliverOnce(); // the update and the reply are due, the post is not: they wait for the card
    expect(s.fake.callsTo('chat.update').filter((c) => c.args.ts === posted?.ts)).toHaveLength(0);
    await drain();

    const [row] = (await incidentsWithPosts()).filter((r) => r.number === n);
    const cards = cardsOf('C0CHECKOUT', row?.post_id ?? '');
    expect(cards).toHaveLength(1);
    expect(cards[0]?.history.map(statusShown)).toEqual(['Triggered', 'Acknowledged']);
    expect(cardPosts('C0CHECKOUT')).toHaveLength(2); // one per incident of this describe
  });

  it('a look-up that is rate limited or cut off is tried again later, never answered with a second card', async () => {
    await fire('checkout');
    s.fake.failNext('chat.postMessage', { drop: 'after' });
    await s.deliverOnce();
    s.fake.failNext('conversations.history', { status: 429, retryAfter: 2 });
    t.clock.advance(2_000);
    await s.deliverOnce();
    s.fake.failNext('conversations.history', { drop: 'before' });
    t.clock.advance(2_000);
    await s.deliverOnce();
    expect(cardPosts('C0CHECKOUT')).toHaveLength(3);
    await drain();
    expect(cardPosts('C0CHECKOUT')).toHaveLength(3);
    expect(
      s.fake
        .callsTo('conversations.history')
        .slice(-3)
        .map((c) => c.status),
    ).toEqual([429, 0, 200]);
  });
});

/** A small seeded generator, so a storm is the same storm on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const STORMY = new Set(['chat.postMessage', 'chat.update', 'conversations.history', 'conversations.replies']);

/**
 * 429s with Retry-After, 500s and dropped connections (before and after Slack carried the call out), decided per
 * channel by a seeded generator: channels are delivered in parallel, each channel's calls in order.
 */
function storm(seed: number): FailurePlan {
  const perChannel = new Map<string, () => number>();
  return (method, args) => {
    if (!STORMY.has(method)) return null;
    const channel = String(args.channel ?? '');
    let rnd = perChannel.get(channel);
    if (!rnd) {
      rnd = seeded(seed + [...channel].reduce((h, c) => h * 31 + c.charCodeAt(0), 0));
      perChannel.set(channel, rnd);
    }
    const r = rnd();
    if (r < 0.15) return { status: 429, retryAfter: 1 + Math.floor(rnd() * 3) };
    if (r < 0.25) return { status: 500 };
    if (r < 0.37) return { drop: 'after' };
    if (r < 0.42) return { drop: 'before' };
    return null;
  };
}

describe('a 15-second storm of 429s, 500s and dropped connections', () => {
  it('60 incidents and 30 acknowledgements: every card posted once, none lost, each showing its incident now', async () => {
    const before = new Set((await incidentsWithPosts()).map((r) => r.number));
    const services = ['payments', 'search', 'billing'];
    s.fake.failWith(storm(20261201));
    const fired: number[] = [];
    for (let second = 0; second < 15; second++) {
      for (let i = 0; i < 4; i++)
        fired.push(await fire(services[(second + i) % services.length] ?? 'search'));
      // One incident from the second before (its card may be on its way), one whose card is not even posted yet.
      await acknowledge(fired.at(second === 0 ? -3 : -6) ?? 0);
      await acknowledge(fired.at(-1) ?? 0);
      await s.deliverOnce();
      t.clock.advance(1_000);
    }
    s.fake.failWith(null);
    await drain();

    const calls = s.fake.calls;
    expect(calls.some((c) => c.status === 429)).toBe(true);
    expect(calls.some((c) => c.status === 500)).toBe(true);
    expect(calls.some((c) => c.method === 'chat.postMessage' && c.dropped === 'after')).toBe(true);
    expect(calls.some((c) => c.method === 'conversations.history' && c.ok)).toBe(true);

    const rows = (await incidentsWithPosts()).filter((r) => !before.has(r.number));
    expect(rows).toHaveLength(60);
    expect(rows.filter((r) => r.status === 'acknowledged')).toHaveLength(30);
    const lost: number[] = [];
    const duplicated: number[] = [];
    /** The card OpsWatch recorded is not the one in Slack, or its post is not marked sent. */
    const misrecorded: number[] = [];
    const stale: string[] = [];
    const badThreads: string[] = [];
    for (const r of rows) {
      const cards = cardsOf(r.channel, r.post_id);
      if (cards.length === 0) lost.push(r.number);
      if (cards.length > 1) duplicated.push(r.number);
      const [card] = cards;
      if (!card) continue;
      if (card.ts !== r.ts || r.post_status !== 'sent') misrecorded.push(r.number);
      const shown = statusShown(card);
      if (shown !== LABEL[r.status]) stale.push(`INC-${r.number} shows ${shown}, is ${r.status}`);
      const replies = repliesTo(r.channel, card.ts).map((m) => m.text);
      const expected =
        r.status === 'acknowledged' ? [`API key "bootstrap" acknowledged INC-${r.number}`] : [];
      if (JSON.stringify(replies) !== JSON.stringify(expected))
        badThreads.push(`INC-${r.number}: ${replies}`);
    }
    expect({ lost, duplicated, misrecorded, stale, badThreads }).toEqual({
      lost: [],
      duplicated: [],
      misrecorded: [],
      stale: [],
      badThreads: [],
    });
    const [failed] = await t.sql<{ n: string }>(`select count(*) as n from outbox where status = 'failed'`);
    expect(Number(failed?.n)).toBe(0);
    expect(s.fake.violations).toEqual([]);
  }, 180_000);
});
