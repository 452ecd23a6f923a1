import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildOpsWatch, type OpsWatch } from '../src/app/opswatch.js';
import { createLogger } from '../src/shared/logger.js';
import { startTestApp, type TestApp, type TestSlack } from './harness/app.js';
import { addPolicy, addUser, setServicePolicy } from './harness/escalation-fixtures.js';

/**
 * Merges while three OpsWatch (each its own services and engine, as three worker processes would be) tick on one
 * database, and an alert storm keeps firing into the groups being merged.
 */
let t: TestApp;
let s: TestSlack;
let workers: OpsWatch[];

beforeAll(async () => {
  t = await startTestApp({ slack: true });
  if (!t.slack) throw new Error('no slack');
  s = t.slack;
  const alice = await addUser(t, 'Alice', 'U0ALICE');
  const bob = await addUser(t, 'Bob', 'U0BOB');
  const policy = await addPolicy(t, 'Storm', {
    steps: [
      { delayMinutes: 1, targets: [{ type: 'user', id: alice }] },
      { delayMinutes: 1, targets: [{ type: 'user', id: bob }] },
    ],
    repeat: 2,
  });
  await setServicePolicy(t, 'storm', policy);
  const config = {
    publicBaseUrl: 'http://localhost',
    slackEnabled: false,
    ENGINE_TICK_SECONDS: 1,
    PORT: 0,
    HOST: '127.0.0.1',
  };
  const log = createLogger('silent');
  workers = [
    t.app,
    await buildOpsWatch({ orm: t.orm, clock: t.clock, log, config }),
    await buildOpsWatch({ orm: t.orm, clock: t.clock, log, config }),
  ];
});
afterAll(async () => {
  await t?.close();
});

const alert = (group: number, n: number) => ({
  title: `Storm ${group}`,
  service: 'storm',
  severity: 'critical',
  dedup_key: `storm-${group}-${n}`,
});
const post = async (alerts: object[]) => {
  const res = await t.request('POST', '/api/v1/webhooks/generic', { alerts });
  expect(res.status).toBe(200);
  return (await res.json()) as { incidents: { id: string; number: number }[] };
};
const merge = (from: string, into: string) => t.request('POST', `/api/v1/incidents/${from}/merge`, { into });
const tickAll = () => Promise.all(workers.map((w) => w.engine.tick(t.clock.now())));

describe('merging with three workers and an alert storm', () => {
  it('moves every alert once, pages nobody twice, and of two opposite merges exactly one wins', async () => {
    t.clock.set('2026-03-02T10:00:00Z');
    // Six incidents, one per group, each paging Alice.
    const refs: string[] = [];
    const ids: string[] = [];
    for (let g = 1; g <= 6; g++) {
      const inc = (await post([alert(g, 0)])).incidents[0]!;
      refs.push(`INC-${inc.number}`);
      ids.push(inc.id);
    }
    await tickAll();
    await s.deliverOnce();

    // At once: 1 → 2 and 3 → 4, 5 → 6 against 6 → 5, 240 alerts into every group, the three engines ticking.
    const storm = Array.from({ length: 8 }, (_, b) =>
      post(Array.from({ length: 30 }, (_, i) => alert((i % 6) + 1, b * 30 + i + 1))),
    );
    const ticking = (async () => {
      for (const m of ['00:30', '01:00', '01:30', '02:00']) {
        t.clock.set(`2026-03-02T10:${m}Z`);
        await tickAll();
      }
    })();
    const [m12, m34, m56, m65] = await Promise.all([
      merge(refs[0]!, refs[1]!),
      merge(refs[2]!, refs[3]!),
      merge(refs[4]!, refs[5]!),
      merge(refs[5]!, refs[4]!),
      ...storm,
      ticking,
    ]);
    expect([m12?.status, m34?.status]).toEqual([200, 200]);
    expect([m56?.status, m65?.status].sort()).toEqual([200, 409]);
    const fivesWon = m56?.status === 200;
    const [into56, merged56] = fivesWon ? [ids[5]!, ids[4]!] : [ids[4]!, ids[5]!];

    // Later alerts of every merged group land in its target.
    t.clock.set('2026-03-02T10:03:00Z');
    await post([1, 2, 3, 4, 5, 6].map((g) => alert(g, 1000)));
    for (let m = 4; m <= 8; m++) {
      t.clock.set(`2026-03-02T10:0${m}:00Z`);
      await tickAll();
      await tickAll();
      await s.deliverOnce();
    }

    // No alert lost, none left in a merged incident, no new incident opened for a merged group.
    const perIncident = await t.sql<{ incident_id: string; n: number }>(
      'select incident_id, count(*)::int as n from alerts group by incident_id order by incident_id',
    );
    const expected = new Map([
      [ids[1]!, 2 * 42],
      [ids[3]!, 2 * 42],
      [into56, 2 * 42],
    ]);
    expect(new Map(perIncident.map((r) => [r.incident_id, r.n]))).toEqual(expected);
    expect(await t.sql('select id from incidents')).toHaveLength(6);
    const merged = await t.sql<{ id: string; status: string; merged_into: string }>(
      'select id, status, merged_into from incidents where merged_into is not null order by number',
    );
    expect(merged).toEqual([
      { id: ids[0], status: 'resolved', merged_into: ids[1] },
      { id: ids[2], status: 'resolved', merged_into: ids[3] },
      { id: merged56, status: 'resolved', merged_into: into56 },
    ]);

    // No page recorded or sent twice: per step and person, one page of the incident's own and one moved in at most.
    const dup = await t.sql<{ n: number }>(
      `select count(*)::int as n from (select coalesce(merged_from, incident_id), generation, loop, step, user_id,
         rule_position from pages group by 1, 2, 3, 4, 5, 6 having count(*) > 1) d`,
    );
    expect(dup).toEqual([{ n: 0 }]);
    const sent = await t.sql<{ n: number }>(`select count(*)::int as n from pages where status = 'sent'`);
    const dms = s.fake
      .callsTo('chat.postMessage')
      .filter((c) => c.ok && /^U0/.test(String(c.args.channel)) && /\bINC-\d+/.test(String(c.args.text)));
    expect(dms).toHaveLength(sent[0]!.n);
    // The merged incidents stopped paging: none has a page sent after its merge.
    const late = await t.sql<{ n: number }>(
      `select count(*)::int as n from pages p join incidents i on i.id = p.merged_from
       where p.sent_at > i.resolved_at`,
    );
    expect(late).toEqual([{ n: 0 }]);
  });
});
