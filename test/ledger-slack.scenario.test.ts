/**
 * The delivery ledger people see, under the manual clock: a step's DM goes out → one thread reply under the
 * incident's card ("Paging @alice (step 1): Slack DM delivered 03:00:00"); acknowledging edits that same reply
 * (chat.update, never a second post) and says who acknowledged; a second step gets a reply of its own; an SMS's and
 * a call's Twilio statuses (rows written here as the Twilio side writes them) render in the ledger and in
 * `GET …/notifications` with their history; a post whose answer was lost is found in the thread, not posted twice.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INCIDENT_ACTIONS } from '../blocks/ids.js';
import { withTx } from '../src/db/tx.js';
import { ledgerTouched } from '../src/domains/notify/index.js';
import { SLACK_DEFAULT_CHANNEL, startTestApp, type TestApp, type TestSlack } from './harness/app.js';

let t: TestApp;
let s: TestSlack;
const u: Record<string, string> = {};
let tenantId = '';

const json = async <T>(res: Response | Promise<Response>) => (await (await res).json()) as T;
const post = (path: string, body: unknown) => t.request('POST', path, body);

async function addUser(name: string, slackUserId: string): Promise<string> {
  const res = await post('/api/v1/users', {
    name,
    email: `${name.toLowerCase()}@example.com`,
    slackUserId,
    timeZone: 'Europe/Lisbon',
  });
  if (res.status !== 201) throw new Error(`user ${name}: ${res.status} ${await res.text()}`);
  return (await json<{ id: string }>(res)).id;
}

const run = async () => {
  await t.tick();
  await s.deliverOnce();
};

/** Thread replies under the incident's card that are ledgers (they start "Paging"). */
const ledgers = (cardTs: string) =>
  s.fake.messages.filter((m) => m.thread_ts === cardTs && m.text.startsWith('Paging'));
const cardOf = (ref: string) =>
  s.fake.messages.find(
    (m) => !m.thread_ts && m.channel === SLACK_DEFAULT_CHANNEL && m.text.includes(` ${ref} `),
  );
const ledgerUpdates = (ts: string) => s.fake.callsTo('chat.update').filter((c) => c.ok && c.args.ts === ts);

/** Delivers until `done` holds (card updates and ledgers wait for the card's post to be recorded). */
async function deliverUntil(done: () => boolean): Promise<void> {
  for (let i = 0; i < 10 && !done(); i++) {
    t.clock.advance(2_000);
    await s.deliverOnce();
  }
}

beforeAll(async () => {
  t = await startTestApp({ slack: true });
  if (!t.slack) throw new Error('no slack');
  s = t.slack;
  tenantId = t.actor.tenantId;
  t.clock.set('2026-03-02T03:00:00Z');
  u.alice = await addUser('Alice', 'U0ALICE');
  u.bob = await addUser('Bob', 'U0BOB');
  const policy = await post('/api/v1/escalation-policies', {
    name: 'Checkout',
    steps: [
      { delayMinutes: 5, targets: [{ type: 'user', id: u.alice }] },
      { delayMinutes: 5, targets: [{ type: 'user', id: u.bob }] },
    ],
  });
  if (policy.status !== 201) throw new Error(`policy: ${policy.status} ${await policy.text()}`);
  const { id: policyId } = await json<{ id: string }>(policy);
  const svc = await post('/api/v1/services', { name: 'checkout', escalationPolicyId: policyId });
  if (svc.status !== 201) throw new Error(`service: ${svc.status} ${await svc.text()}`);
  for (const id of [u.alice, u.bob])
    await t.request('PUT', `/api/v1/users/${id}/notification-rules`, {
      high: [{ method: 'slack_dm', delayMinutes: 0 }],
      low: [{ method: 'slack_dm', delayMinutes: 0 }],
    });
});
afterAll(async () => {
  await t?.close();
});

describe('the delivery ledger in the card’s thread', () => {
  let incidentId = '';
  let cardTs = '';
  let stepOneTs = '';

  it('the first step’s DM goes out → one thread reply under the card, recorded for later edits', async () => {
    const inc = await json<{ id: string }>(
      post('/api/v1/incidents', { title: 'Checkout down', service: 'checkout', severity: 1 }),
    );
    incidentId = inc.id;
    await run();
    cardTs = cardOf('INC-1')?.ts ?? '';
    expect(cardTs).not.toBe('');
    await deliverUntil(
      () => ledgers(cardTs).length > 0 && ledgers(cardTs)[0]?.text.includes('delivered') === true,
    );
    const [ledger, ...others] = ledgers(cardTs);
    expect(others).toEqual([]);
    stepOneTs = ledger?.ts ?? '';
    expect(ledger?.history.at(-1)?.text).toBe('Paging Alice (step 1): Slack DM delivered 03:00:00');
    expect(JSON.stringify(ledger?.history.at(-1)?.blocks)).toContain(
      'Paging <@U0ALICE> (step 1): Slack DM delivered <!date^',
    );
    expect(
      await t.sql(
        'select generation, loop, step, slack_channel, slack_ts from page_ledgers where incident_id = ?',
        [incidentId],
      ),
    ).toEqual([
      { generation: 0, loop: 0, step: 0, slack_channel: SLACK_DEFAULT_CHANNEL, slack_ts: stepOneTs },
    ]);
    expect(s.fake.violations).toEqual([]);
  });

  it('a second step gets a second reply; the first stays as it was', async () => {
    t.clock.set('2026-03-02T03:05:00Z');
    await run();
    await deliverUntil(
      () => ledgers(cardTs).length > 1 && ledgers(cardTs)[1]?.text.includes('delivered') === true,
    );
    const replies = ledgers(cardTs);
    expect(replies.map((m) => m.history.at(-1)?.text)).toEqual([
      'Paging Alice (step 1): Slack DM delivered 03:00:00',
      'Paging Bob (step 2): Slack DM delivered 03:05:00',
    ]);
  });

  it('SMS and call statuses from Twilio render in the ledger, failures with their code', async () => {
    // What the Twilio side writes for Bob's SMS and call of step 2 (their sending is not this test's).
    const smsSend = randomUUID();
    const callSend = randomUUID();
    const cm = randomUUID();
    await t.sql(
      `insert into contact_methods (id, tenant_id, user_id, type, phone_number, status, created_at, updated_at)
       values (?, ?, ?, 'sms', '+15005550006', 'active', now(), now())`,
      [cm, tenantId, u.bob],
    );
    await t.sql(
      `insert into twilio_sends (id, tenant_id, contact_method_id, user_id, kind, purpose, phone_number, body, status,
         provider_sid, error_code, error_message, created_at, updated_at)
       values (?, ?, ?, ?, 'sms', 'page', '+15005550006', 'INC-1 P1', 'delivered', ?, null, null, now(), now()),
              (?, ?, ?, ?, 'voice', 'page', '+15005550006', 'INC-1 P1', 'failed', ?, 21610, 'Unsubscribed', now(), now())`,
      [
        smsSend,
        tenantId,
        cm,
        u.bob,
        `SM${'a'.repeat(32)}`,
        callSend,
        tenantId,
        cm,
        u.bob,
        `CA${'b'.repeat(32)}`,
      ],
    );
    await t.sql(
      `insert into twilio_send_events (tenant_id, send_id, status, error_code, at) values
         (?, ?, 'sending', null, '2026-03-02T03:05:01Z'), (?, ?, 'sent', null, '2026-03-02T03:05:02Z'),
         (?, ?, 'delivered', null, '2026-03-02T03:05:04Z'),
         (?, ?, 'queued', null, '2026-03-02T03:06:00Z'), (?, ?, 'failed', 21610, '2026-03-02T03:06:01Z')`,
      [tenantId, smsSend, tenantId, smsSend, tenantId, smsSend, tenantId, callSend, tenantId, callSend],
    );
    const [dm] = await t.sql<{ created_at: Date; due_at: Date }>(
      `select created_at, due_at from pages where incident_id = ? and step = 1`,
      [incidentId],
    );
    await t.sql(
      `insert into pages (id, tenant_id, incident_id, generation, loop, step, user_id, target_type, target_id,
         target_label, rule_position, method, due_at, status, queued_at, sent_at, created_at, contact_method_id, send_id,
         delivery, delivery_at)
       values (?, ?, ?, 0, 0, 1, ?, 'user', ?, 'Bob', 1, 'sms', ?, 'sent', '2026-03-02T03:05:00Z',
               '2026-03-02T03:05:02Z', ?, ?, ?, 'delivered', '2026-03-02T03:05:04Z'),
              (?, ?, ?, 0, 0, 1, ?, 'user', ?, 'Bob', 2, 'voice', ?, 'failed', '2026-03-02T03:06:00Z', null, ?, ?, ?,
               'failed', '2026-03-02T03:06:01Z')`,
      [
        randomUUID(),
        tenantId,
        incidentId,
        u.bob,
        u.bob,
        dm?.due_at,
        dm?.created_at,
        cm,
        smsSend,
        randomUUID(),
        tenantId,
        incidentId,
        u.bob,
        u.bob,
        dm?.due_at,
        dm?.created_at,
        cm,
        callSend,
      ],
    );
    // The Twilio side tells the ledger through the exported hook, in the transaction of its change.
    await withTx(t.orm, { tenantId }, (em) =>
      ledgerTouched(em, { tenantId, incidentId, generation: 0, loop: 0, step: 1 }, t.clock.now()),
    );
    const stepTwoTs = ledgers(cardTs)[1]?.ts ?? '';
    await s.deliverOnce();
    const latest = s.fake.messages.find((m) => m.ts === stepTwoTs)?.history.at(-1);
    expect(latest?.text).toBe(
      'Paging Bob (step 2): Slack DM delivered 03:05:00 · SMS delivered 03:05:04 · call failed (21610: opted out)',
    );
    expect(ledgers(cardTs)).toHaveLength(2);
  });

  it('GET …/notifications: each page’s delivery, its history, the contact method, a masked number, Twilio’s sid', async () => {
    const list = await json<
      {
        step: number;
        method: string;
        delivery: string;
        errorCode?: number;
        history: { status: string; at: string; errorCode?: number }[];
        contactMethodId: string | null;
        phoneNumber: string | null;
        providerSid: string | null;
      }[]
    >(t.request('GET', '/api/v1/incidents/INC-1/notifications'));
    const [aliceDm, bobDm, sms, call] = list;
    expect(aliceDm?.delivery).toBe('sent');
    expect(aliceDm?.history.map((h) => h.status)).toEqual(['queued', 'sending', 'sent']);
    expect(bobDm?.history.map((h) => h.status)).toEqual(['queued', 'sending', 'sent']);
    expect(sms).toMatchObject({
      method: 'sms',
      delivery: 'delivered',
      phoneNumber: '+*******0006',
      providerSid: `SM${'a'.repeat(32)}`,
    });
    expect(sms?.contactMethodId).toMatch(/^[0-9a-f-]{36}$/);
    expect(sms?.history).toEqual([
      { status: 'queued', at: '2026-03-02T03:05:00.000Z' },
      { status: 'sending', at: '2026-03-02T03:05:01.000Z' },
      { status: 'sent', at: '2026-03-02T03:05:02.000Z' },
      { status: 'delivered', at: '2026-03-02T03:05:04.000Z' },
    ]);
    expect(call).toMatchObject({ method: 'voice', delivery: 'failed', errorCode: 21610 });
    expect(call?.history.at(-1)).toEqual({
      status: 'failed',
      at: '2026-03-02T03:06:01.000Z',
      errorCode: 21610,
    });
  });

  it('acknowledging edits the same replies (chat.update, never a second post) and says who acknowledged', async () => {
    t.clock.set('2026-03-02T03:07:10Z');
    const stepOneUpdates = ledgerUpdates(stepOneTs).length;
    const posts = s.fake.callsTo('chat.postMessage').length;
    const card = cardOf('INC-1');
    await s.driver.blockAction(INCIDENT_ACTIONS.acknowledge, incidentId, {
      user: 'U0ALICE',
      message: { ts: card?.ts ?? '', channel: SLACK_DEFAULT_CHANNEL },
    });
    await s.idle();
    await s.deliverOnce();
    expect(ledgers(cardTs)).toHaveLength(2);
    expect(ledgerUpdates(stepOneTs).length).toBeGreaterThan(stepOneUpdates);
    expect(s.fake.messages.find((m) => m.ts === stepOneTs)?.history.at(-1)?.text).toBe(
      'Paging Alice (step 1): Slack DM delivered 03:00:00\nAcknowledged by Alice at 03:07:10',
    );
    expect(JSON.stringify(s.fake.messages.find((m) => m.ts === stepOneTs)?.history.at(-1)?.blocks)).toContain(
      'Acknowledged by <@U0ALICE> at <!date^',
    );
    // No ledger was posted again: the posts since are the acknowledgement's own thread reply, if any.
    const ledgerPosts = s.fake
      .callsTo('chat.postMessage')
      .slice(posts)
      .filter((c) => String(c.args.text).startsWith('Paging'));
    expect(ledgerPosts).toEqual([]);
    expect(s.fake.violations).toEqual([]);
  });
});

describe('a ledger post whose answer was lost', () => {
  it('is found in the thread by its metadata and edited, never posted twice', async () => {
    t.clock.set('2026-03-02T04:00:00Z');
    const inc = await json<{ id: string }>(
      post('/api/v1/incidents', { title: 'Payments slow', service: 'checkout', severity: 1 }),
    );
    // The card first (so the ledger row is the only post of its own delivery round).
    let dropped = 0;
    s.fake.failWith((method, args) => {
      if (method !== 'chat.postMessage' || !String(args.text).startsWith('Paging') || dropped > 0)
        return null;
      dropped++;
      return { drop: 'after' };
    });
    try {
      await run();
      const cardTs = cardOf('INC-2')?.ts ?? '';
      await deliverUntil(() => dropped > 0);
      expect(dropped).toBe(1);
      // The retry (after its backoff) looks in the thread first, finds the post, records it and edits it.
      for (let i = 0; i < 10; i++) {
        const [row] = await t.sql<{ n: number }>(
          `select count(*)::int as n from outbox where incident_id = ? and destination = 'slack.ledger' and status = 'pending'`,
          [inc.id],
        );
        if (!row?.n) break;
        t.clock.advance(30_000);
        await s.deliverOnce();
      }
      expect(ledgers(cardTs)).toHaveLength(1);
      const [ledger] = ledgers(cardTs);
      expect(await t.sql('select slack_ts from page_ledgers where incident_id = ?', [inc.id])).toEqual([
        { slack_ts: ledger?.ts },
      ]);
      expect(ledgerUpdates(ledger?.ts ?? '').length).toBeGreaterThan(0);
      expect(ledger?.history.at(-1)?.text).toBe('Paging Alice (step 1): Slack DM delivered 04:00:00');
    } finally {
      s.fake.failWith(null);
    }
  });
});

describe('a burst of changes to one step', () => {
  it('waits as one ledger row until the outbox takes it; a change after that adds a row', async () => {
    t.clock.set('2026-03-02T05:00:00Z');
    const inc = await json<{ id: string; ref: string }>(
      post('/api/v1/incidents', { title: 'Burst', service: 'checkout', severity: 1 }),
    );
    const waiting = async () =>
      (
        await t.sql<{ n: number }>(
          `select count(*)::int as n from outbox where incident_id = ? and destination = 'slack.ledger'
             and status = 'pending'`,
          [inc.id],
        )
      )[0]?.n;
    await t.tick(); // step 1 fires; its page is handed over (a touch)
    await t.request('POST', `/api/v1/incidents/${inc.ref}/acknowledge`, {}); // another touch, same step
    await t.request('POST', `/api/v1/incidents/${inc.ref}/resolve`, {}); // and another
    expect(await waiting()).toBe(1);
    for (let i = 0; i < 10 && (await waiting()) !== 0; i++) {
      t.clock.advance(2_000);
      await s.deliverOnce();
    }
    expect(await waiting()).toBe(0);
    const [key] = await t.sql<{ idempotency_key: string }>(
      `select idempotency_key from outbox where incident_id = ? and destination = 'slack.ledger' order by id limit 1`,
      [inc.id],
    );
    // Leased, the row gave its key up (renamed with its id), so a later touch is a row of its own.
    expect(key?.idempotency_key).toMatch(/:pending:\d+$/);
  });
});
