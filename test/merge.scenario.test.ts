import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp, type TestSlack } from './harness/app.js';
import { addPolicy, addUser, declare, setServicePolicy } from './harness/escalation-fixtures.js';
import { addKey, addTenant } from './harness/tenants.js';

let t: TestApp;
let s: TestSlack;

beforeAll(async () => {
  t = await startTestApp({ slack: true });
  if (!t.slack) throw new Error('no slack');
  s = t.slack;
  const alice = await addUser(t, 'Alice', 'U0ALICE');
  const bob = await addUser(t, 'Bob', 'U0BOB');
  const policy = await addPolicy(t, 'Checkout', {
    steps: [
      { delayMinutes: 5, targets: [{ type: 'user', id: alice }] },
      { delayMinutes: 10, targets: [{ type: 'user', id: bob }] },
    ],
    repeat: 1,
  });
  await setServicePolicy(t, 'checkout', policy);
});
afterAll(async () => {
  await t?.close();
});

interface Incident {
  id: string;
  ref: string;
  status: string;
  alertCount: number;
  firingAlertCount: number;
  mergedInto: { id: string; ref: string } | null;
}
interface Detail extends Incident {
  alerts: { dedupKey: string; status: string }[];
  timeline: { kind: string; message: string; mergedFrom: string | null }[];
}

const fire = async (title: string, dedup: string, status: 'firing' | 'resolved' = 'firing') => {
  const res = await t.request('POST', '/api/v1/webhooks/generic', {
    title,
    service: 'checkout',
    severity: 'critical',
    dedup_key: dedup,
    status,
  });
  expect(res.status).toBe(200);
  return (await res.json()) as {
    created: number;
    incidents: { id: string; number: number; created: boolean }[];
  };
};
const detail = async (ref: string) =>
  (await (await t.request('GET', `/api/v1/incidents/${ref}`)).json()) as Detail;
const merge = (ref: string, into: string, key?: string) =>
  t.request(
    'POST',
    `/api/v1/incidents/${ref}/merge`,
    { into },
    key ? { authorization: `Bearer ${key}` } : {},
  );
const dmsTo = (user: string) =>
  s.fake
    .callsTo('chat.postMessage')
    .filter((c) => c.ok && c.args.channel === user && /\bINC-\d+/.test(String(c.args.text)));
const run = async () => {
  await t.tick();
  await s.deliverOnce();
};

describe('merging a duplicate incident', () => {
  let a: { id: string; ref: string };
  let b: { id: string; ref: string };

  it('two incidents of the same outage both page Alice', async () => {
    t.clock.set('2026-03-02T10:00:00Z');
    const first = await fire('Checkout 500s', 'checkout-500');
    const second = await fire('Checkout latency', 'checkout-latency');
    a = { id: first.incidents[0]!.id, ref: `INC-${first.incidents[0]!.number}` };
    b = { id: second.incidents[0]!.id, ref: `INC-${second.incidents[0]!.number}` };
    expect(a.id).not.toBe(b.id);
    await run();
    expect(dmsTo('U0ALICE')).toHaveLength(2);
  });

  it('merging the second into the first moves its alerts, timeline and pages, and resolves it with a pointer', async () => {
    t.clock.set('2026-03-02T10:01:00Z');
    const res = await merge(b.ref, a.ref);
    expect(res.status).toBe(200);
    const out = (await res.json()) as { merged: Incident; into: Incident; moved: Record<string, number> };
    expect(out.merged).toMatchObject({
      status: 'resolved',
      mergedInto: { id: a.id, ref: a.ref },
      alertCount: 0,
    });
    expect(out.into).toMatchObject({
      status: 'triggered',
      mergedInto: null,
      alertCount: 2,
      firingAlertCount: 2,
    });
    expect(out.moved).toMatchObject({ alerts: 1, pages: 1 });
    expect(out.moved.timeline).toBeGreaterThan(2);

    const merged = await detail(b.ref);
    expect(merged.alerts).toEqual([]);
    expect(merged.timeline.map((e) => e.kind)).toEqual(['resolved', 'merged_into']);
    expect(merged.timeline[1]?.message).toBe(`${b.ref} merged into ${a.ref} by API key "bootstrap"`);

    const target = await detail(a.ref);
    expect(target.alerts.map((x) => x.dedupKey).sort()).toEqual(['checkout-500', 'checkout-latency']);
    const moved = target.timeline.filter((e) => e.mergedFrom === b.ref);
    expect(moved.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['created', 'alert_fired', 'escalation_step']),
    );
    // A moved entry reads as it did where it was recorded.
    expect(moved.find((e) => e.kind === 'created')?.message).toContain(`${b.ref} opened`);
    expect(target.timeline.at(-1)).toMatchObject({
      kind: 'merged_from',
      message: `${b.ref} merged into ${a.ref} by API key "bootstrap", with 1 alert`,
      mergedFrom: null,
    });
    const pages = await t.sql<{ merged_from: string | null; status: string }>(
      'select merged_from, status from pages where incident_id = ? order by created_at',
      [a.id],
    );
    expect(pages.map((p) => p.merged_from)).toEqual([null, b.id]);
    // The merged incident's delivery ledger (under its card) still shows the page it sent.
    await s.deliverOnce();
    const [card] = await t.sql<{ ts: string }>('select ts from slack_messages where incident_id = ?', [b.id]);
    const ledger = s.fake.messages.filter((m) => m.thread_ts === card?.ts && /Paging/.test(String(m.text)));
    expect(ledger.map((m) => String(m.text)).join('\n')).toMatch(/U0ALICE|Alice/);
    const [audit] = await t.sql<{ action: string; target_id: string }>(
      `select action, target_id from audit_events where action = 'incident.merged'`,
    );
    expect(audit).toMatchObject({ target_id: b.id });
  });

  it('the merged incident pages nobody more; the target escalates once, as before', async () => {
    t.clock.set('2026-03-02T10:05:00Z');
    await run();
    t.clock.set('2026-03-02T10:30:00Z');
    await run();
    // Bob is paged by the target's second step only: the merged incident's escalation stopped; Alice again by
    // the target's second loop.
    const about = (user: string, ref: string) =>
      dmsTo(user).filter((c) => String(c.args.text).startsWith(`${ref} `)).length;
    expect([about('U0BOB', a.ref), about('U0BOB', b.ref)]).toEqual([1, 0]);
    expect([about('U0ALICE', a.ref), about('U0ALICE', b.ref)]).toEqual([2, 1]);
  });

  it('alerts that fire later in the merged incident’s group join the target', async () => {
    t.clock.set('2026-03-02T10:31:00Z');
    const again = await fire('Checkout latency', 'checkout-latency-eu');
    expect(again.created).toBe(1);
    expect(again.incidents).toEqual([expect.objectContaining({ id: a.id, created: false })]);
    // The alert that was in it resolves in the target; the target stays open while others fire.
    await fire('Checkout latency', 'checkout-latency', 'resolved');
    const target = await detail(a.ref);
    expect(target).toMatchObject({ status: 'triggered', alertCount: 3, firingAlertCount: 2 });
    expect((await detail(b.ref)).status).toBe('resolved');
    const [{ n }] = (await t.sql<{ n: string }>('select count(*) as n from incidents')) as [{ n: string }];
    expect(Number(n)).toBe(2);
  });

  it('refuses merges that make no sense, in words', async () => {
    const problem = async (res: Response, status: number, detailText: RegExp) => {
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(((await res.json()) as { detail: string }).detail).toMatch(detailText);
    };
    await problem(await merge(a.ref, a.ref), 400, /cannot be merged into itself/);
    // Into a resolved incident — the merged one, so also the way back (no cycle).
    await problem(await merge(a.ref, b.ref), 409, new RegExp(`${b.ref} is resolved`));
    await problem(await merge(b.ref, a.ref), 409, new RegExp(`${b.ref} was already merged`));
    await problem(await merge(a.ref, 'INC-999'), 404, /INC-999/);
    await problem(await merge(a.ref, 'nonsense'), 400, /not an incident reference/);
    const other = await addTenant(t, 'other-merge');
    const theirs = await t.request(
      'POST',
      '/api/v1/incidents',
      { title: 'Theirs', service: 'x' },
      {
        authorization: `Bearer ${other.key}`,
      },
    );
    const their = (await theirs.json()) as { id: string };
    await problem(await merge(a.ref, their.id), 404, new RegExp(their.id));
    const readOnly = await addKey(t, t.actor.tenantId, ['read']);
    const declared = await declare(t, 'checkout', 3, 'Another one');
    await problem(await merge(declared.ref, a.ref, readOnly), 403, /merge incidents/);
    expect((await detail(declared.ref)).status).not.toBe('resolved');
  });
});
