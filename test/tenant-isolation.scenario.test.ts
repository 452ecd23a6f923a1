/**
 * Two tenants, each with data everywhere (incidents from webhooks, users, schedules, overrides, API keys, audit,
 * Slack routes and settings, a Slack workspace each). Tenant A's admin key walks every REST route and both iCal
 * feeds against tenant B's resources: B's ids are 404 and lists leave them out, and nothing of B changes. In Slack,
 * a user of A's workspace sees and touches only A: slash commands, a button on B's card, App Home.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INCIDENT_ACTIONS, VIEWS } from '../blocks/ids.js';
import { encodeMetadata } from '../blocks/metadata.js';
import { createHttpApp } from '../src/http/app.js';
import { createLogger } from '../src/shared/logger.js';
import { OverrideMetadata } from '../src/slack/features/oncall-command/override-metadata.js';
import {
  fixture,
  localFixture,
  SLACK_SIGNING_SECRET,
  startTestApp,
  type TestApp,
  type TestSlack,
} from './harness/app.js';
import { overrideValues } from './harness/oncall-fixtures.js';
import { type SlackDriver, slackDriver } from './harness/slack-signing.js';
import { addTenant, type TestTenant } from './harness/tenants.js';

let t: TestApp;
let s: TestSlack;
let b: TestTenant;
/** B's Slack workspace, linked to tenant B. */
let slackB: SlackDriver;

interface Side {
  user: { id: string; email: string; slackUserId: string };
  incident: { id: string; ref: string; title: string };
  schedule: { id: string; name: string; icalUrl: string };
  override: string;
  userFeed: string;
  policy: string;
  service: string;
  /** A phone number (contact method) of the user's. */
  method: string;
  heartbeat: { id: string; token: string };
  silence: string;
  window: string;
  /** An SLA of the side's service. */
  sla: string;
}
const A = {} as Side;
const B = {} as Side;

/** Every route a request below exercised, as `METHOD /template`. */
const covered = new Set<string>();

type Who = 'a' | 'b';
async function call(
  who: Who,
  method: string,
  template: string,
  params: Record<string, string> = {},
  body?: unknown,
): Promise<Response> {
  covered.add(`${method} ${template}`);
  const path = template.replace(/:(\w+)/g, (_, k: string) => encodeURIComponent(params[k] ?? ''));
  return t.request(method, path, body, who === 'b' ? { authorization: `Bearer ${b.key}` } : {});
}
const json = async <T>(res: Response): Promise<T> => {
  if (!res.ok) throw new Error(`${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
};

const layer = (participant: string) => ({
  name: 'Primary',
  participants: [participant],
  start: '2026-03-02T09:00:00Z',
  turn: { unit: 'days', count: 1 },
  handoffTime: '09:00',
});

async function populate(
  who: Who,
  side: Side,
  p: { name: string; slack: string; service: string; channel: string },
) {
  const email = `${p.name.toLowerCase()}@example.com`;
  const user = await json<{ id: string }>(
    await call(who, 'POST', '/api/v1/users', {}, { name: p.name, email, slackUserId: p.slack }),
  );
  side.user = { id: user.id, email, slackUserId: p.slack };
  const sched = await json<{ id: string; name: string; icalUrl: string }>(
    await call(
      who,
      'POST',
      '/api/v1/schedules',
      {},
      {
        name: `${p.name} rota`,
        timeZone: 'Europe/London',
        layers: [layer(user.id)],
      },
    ),
  );
  side.schedule = sched;
  const override = await json<{ id: string }>(
    await call(
      who,
      'POST',
      '/api/v1/schedules/:id/overrides',
      { id: sched.id },
      {
        userId: user.id,
        start: '2026-03-03T09:00:00Z',
        end: '2026-03-03T12:00:00Z',
      },
    ),
  );
  side.override = override.id;
  side.userFeed = (
    await json<{ icalUrl: string }>(await call(who, 'GET', '/api/v1/users/:id/ical', { id: user.id }))
  ).icalUrl;
  await json(await call(who, 'PUT', '/api/v1/slack/routes', {}, { routes: { [p.service]: p.channel } }));
  const policy = await json<{ id: string }>(
    await call(
      who,
      'POST',
      '/api/v1/escalation-policies',
      {},
      {
        name: `${p.name} escalation`,
        steps: [
          {
            delayMinutes: 5,
            targets: [
              { type: 'schedule', id: sched.id },
              { type: 'user', id: user.id },
            ],
          },
        ],
      },
    ),
  );
  side.policy = policy.id;
  side.service = (
    await json<{ id: string }>(
      await call(
        who,
        'POST',
        '/api/v1/services',
        {},
        { name: `${p.service}-api`, escalationPolicyId: policy.id },
      ),
    )
  ).id;
  await json(
    await call(
      who,
      'PUT',
      '/api/v1/users/:id/notification-rules',
      { id: user.id },
      { high: [{ method: 'slack_dm', delayMinutes: 1 }], low: [] },
    ),
  );
  side.method = (
    await json<{ id: string }>(
      await call(
        who,
        'POST',
        '/api/v1/users/:id/contact-methods',
        { id: user.id },
        { type: 'sms', phoneNumber: '+14155550100' },
      ),
    )
  ).id;
  side.heartbeat = await json<{ id: string; token: string }>(
    await call(
      who,
      'POST',
      '/api/v1/heartbeats',
      {},
      { name: 'nightly-backup', service: p.service, interval: '1d' },
    ),
  );
  side.silence = (
    await json<{ id: string }>(
      await call(
        who,
        'POST',
        '/api/v1/silences',
        {},
        { matchers: `service="${p.service}-batch"`, duration: '2h', reason: `${p.name} deploy` },
      ),
    )
  ).id;
  side.window = (
    await json<{ id: string }>(
      await call(
        who,
        'POST',
        '/api/v1/maintenance-windows',
        {},
        {
          service: p.service,
          name: `${p.name} patching`,
          timeZone: 'Europe/Berlin',
          rule: { kind: 'weekly', days: ['sun'], start: '01:30', end: '03:30' },
        },
      ),
    )
  ).id;
  side.sla = (
    await json<{ id: string }>(
      await call(who, 'POST', '/api/v1/slas', {}, { service: p.service, metric: 'ERROR_RATE', target: 99.9 }),
    )
  ).id;
  await json(await call(who, 'POST', '/api/v1/api-keys', {}, { name: `${p.name} sender` }));
  const title = `${p.name}: disk full`;
  // Both tenants use the same dedup key: each gets an alert of its own.
  const sent = await json<{ created: number }>(
    await call(who, 'POST', '/api/v1/webhooks/generic', {}, { title, service: p.service, dedup_key: 'disk' }),
  );
  expect(sent.created).toBe(1);
  const page = await json<{ items: { id: string; ref: string; title: string }[] }>(
    await call(who, 'GET', '/api/v1/incidents'),
  );
  const inc = page.items.find((i) => i.title === title);
  if (!inc) throw new Error('no incident');
  side.incident = inc;
}

beforeAll(async () => {
  t = await startTestApp({ slack: true });
  if (!t.slack) throw new Error('no slack');
  s = t.slack;
  b = await addTenant(t, 'beta', { slackTeamId: 'T0OTHER' });
  s.fake.addUser({ id: 'U0ALICE', real_name: 'Alice', email: 'alice@example.com', tz: 'Europe/London' });
  s.fake.addUser({ id: 'U0BEA', real_name: 'Bea', email: 'bea@example.com', tz: 'Europe/London' });
  slackB = slackDriver({
    baseUrl: t.url,
    signingSecret: SLACK_SIGNING_SECRET,
    teamId: 'T0OTHER',
    userId: 'U0BEA',
    responseUrlBase: s.fake.url,
  });
  await populate('a', A, { name: 'Alice', slack: 'U0ALICE', service: 'checkout', channel: 'C0ALPHA' });
  await populate('b', B, { name: 'Bea', slack: 'U0BEA', service: 'payments', channel: 'C0BETA' });
  await json(
    await call(
      'b',
      'PUT',
      '/api/v1/settings',
      {},
      { ingestion: { retriggerAfterAckMinutes: 99 }, escalation: { defaultPolicyId: B.policy } },
    ),
  );
});
afterAll(async () => {
  await t?.close();
});

/** B as B sees it: its incident, lists and settings, to compare before and after A's attempts. */
async function bState() {
  const get = async (template: string, params: Record<string, string> = {}) =>
    (await call('b', 'GET', template, params)).text();
  return {
    incident: await get('/api/v1/incidents/:ref', { ref: B.incident.id }),
    users: await get('/api/v1/users'),
    schedules: await get('/api/v1/schedules'),
    overrides: await get('/api/v1/schedules/:id/overrides', { id: B.schedule.id }),
    routes: await get('/api/v1/slack/routes'),
    settings: await get('/api/v1/settings'),
    alerts: await get('/api/v1/alerts'),
    services: await get('/api/v1/services'),
    policies: await get('/api/v1/escalation-policies'),
    user: await get('/api/v1/users/:id', { id: B.user.id }),
    rules: await get('/api/v1/users/:id/notification-rules', { id: B.user.id }),
    methods: await get('/api/v1/users/:id/contact-methods', { id: B.user.id }),
    heartbeats: await get('/api/v1/heartbeats'),
    silences: await get('/api/v1/silences'),
    windows: await get('/api/v1/maintenance-windows'),
    slas: await get('/api/v1/slas?all=true'),
  };
}

describe('REST: tenant A’s admin key cannot see or change tenant B', () => {
  it('both tenants number their first incident INC-1, and each reads its own', async () => {
    expect(A.incident.ref).toBe('INC-1');
    expect(B.incident.ref).toBe('INC-1');
    const mine = await json<{ title: string }>(
      await call('a', 'GET', '/api/v1/incidents/:ref', { ref: 'INC-1' }),
    );
    expect(mine.title).toBe(A.incident.title);
    const theirs = await json<{ title: string }>(
      await call('b', 'GET', '/api/v1/incidents/:ref', { ref: 'INC-1' }),
    );
    expect(theirs.title).toBe(B.incident.title);
  });

  it('lists leave B out', async () => {
    const lists: [string, (body: string) => void][] = [
      ['/api/v1/incidents', (x) => expect(x).not.toContain(B.incident.id)],
      ['/api/v1/alerts', (x) => expect(x).not.toContain('Bea')],
      ['/api/v1/users', (x) => expect(x).not.toContain(B.user.id)],
      ['/api/v1/schedules', (x) => expect(x).not.toContain(B.schedule.id)],
      ['/api/v1/slack/routes', (x) => expect(x).not.toContain('payments')],
      ['/api/v1/audit', (x) => expect(x).not.toContain(B.user.id)],
      ['/api/v1/settings', (x) => expect(x).not.toContain('99')],
      ['/api/v1/services', (x) => expect(x).not.toContain(B.service)],
      ['/api/v1/escalation-policies', (x) => expect(x).not.toContain(B.policy)],
      ['/api/v1/heartbeats', (x) => expect(x).not.toContain(B.heartbeat.id)],
      ['/api/v1/silences', (x) => expect(x).not.toContain(B.silence)],
      ['/api/v1/maintenance-windows', (x) => expect(x).not.toContain(B.window)],
      ['/api/v1/action-items', (x) => expect(x).not.toContain(B.incident.ref)],
      ['/api/v1/slas', (x) => expect(x).not.toContain(B.sla)],
    ];
    for (const [path, check] of lists) {
      const res = await call('a', 'GET', path);
      expect(res.status).toBe(200);
      const body = await res.text();
      expect(body).not.toContain(B.incident.title);
      check(body);
    }
    // and B's own lists do have B's
    expect(await (await call('b', 'GET', '/api/v1/audit')).text()).toContain(B.user.id);
  });

  it('B’s ids are 404 on every route that takes one, and nothing of B changes', async () => {
    const before = await bState();
    const inc = { ref: B.incident.id };
    const sched = { id: B.schedule.id };
    type Attempt = [string, string, Record<string, string>, unknown?];
    const attempts: Attempt[] = [
      ['GET', '/api/v1/incidents/:ref', inc],
      ['PATCH', '/api/v1/incidents/:ref', inc, { title: 'not yours', severity: 1 }],
      ['POST', '/api/v1/incidents/:ref/acknowledge', inc],
      ['POST', '/api/v1/incidents/:ref/resolve', inc, { note: 'not yours' }],
      ['POST', '/api/v1/incidents/:ref/assign', inc, { user: A.user.id }],
      ['POST', '/api/v1/incidents/:ref/notes', inc, { text: 'not yours' }],
      ['POST', '/api/v1/incidents/:ref/escalate', inc, {}],
      ['POST', '/api/v1/incidents/:ref/merge', inc, { into: A.incident.id }],
      ['GET', '/api/v1/incidents/:ref/notifications', inc],
      ['GET', '/api/v1/incidents/:ref/roles', inc],
      ['POST', '/api/v1/incidents/:ref/roles', inc, { role: 'commander', userId: A.user.id }],
      ['GET', '/api/v1/incidents/:ref/updates', inc],
      ['POST', '/api/v1/incidents/:ref/updates', inc, { status: 'identified', message: 'not yours' }],
      ['POST', '/api/v1/incidents/:ref/postmortem', inc],
      ['GET', '/api/v1/incidents/:ref/postmortem', inc],
      ['PUT', '/api/v1/incidents/:ref/postmortem', inc, { summary: 'not yours' }],
      ['POST', '/api/v1/incidents/:ref/postmortem/action-items', inc, { title: 'not yours' }],
      [
        'PATCH',
        '/api/v1/incidents/:ref/postmortem/action-items/:id',
        { ...inc, id: '00000000-0000-4000-8000-000000000001' },
        { status: 'closed' },
      ],
      ['GET', '/api/v1/schedules/:id', sched],
      [
        'PUT',
        '/api/v1/schedules/:id',
        sched,
        { name: 'Mine now', timeZone: 'UTC', layers: [layer(A.user.id)] },
      ],
      ['DELETE', '/api/v1/schedules/:id', sched],
      ['POST', '/api/v1/schedules/:id/layers', sched, layer(A.user.id)],
      ['PUT', '/api/v1/schedules/:id/layers/:index', { ...sched, index: '0' }, layer(A.user.id)],
      ['DELETE', '/api/v1/schedules/:id/layers/:index', { ...sched, index: '0' }],
      ['GET', '/api/v1/schedules/:id/overrides', sched],
      [
        'POST',
        '/api/v1/schedules/:id/overrides',
        sched,
        { userId: A.user.id, start: '2026-03-04T09:00:00Z', end: '2026-03-04T10:00:00Z' },
      ],
      ['DELETE', '/api/v1/schedules/:id/overrides/:overrideId', { ...sched, overrideId: B.override }],
      [
        'DELETE',
        '/api/v1/schedules/:id/overrides/:overrideId',
        { id: A.schedule.id, overrideId: B.override },
      ],
      ['GET', '/api/v1/schedules/:id/oncall', sched],
      ['GET', '/api/v1/schedules/:id/gaps', sched],
      ['GET', '/api/v1/schedules/:id/handoffs', sched],
      ['GET', '/api/v1/users/:id/ical', { id: B.user.id }],
      ['GET', '/api/v1/users/:id', { id: B.user.id }],
      ['PATCH', '/api/v1/users/:id', { id: B.user.id }, { managerId: A.user.id }],
      ['DELETE', '/api/v1/users/:id', { id: B.user.id }],
      ['GET', '/api/v1/users/:id/notification-rules', { id: B.user.id }],
      ['PUT', '/api/v1/users/:id/notification-rules', { id: B.user.id }, { high: [], low: [] }],
      ['POST', '/api/v1/users/:id/test-page', { id: B.user.id }],
      ['GET', '/api/v1/users/:id/contact-methods', { id: B.user.id }],
      [
        'POST',
        '/api/v1/users/:id/contact-methods',
        { id: B.user.id },
        { type: 'voice', phoneNumber: '+14155550100' },
      ],
      ...(['', '/verify', '/resend', '/mark-verified'] as const).flatMap((end) =>
        [B.user.id, A.user.id].map(
          (id): Attempt => [
            end ? 'POST' : 'DELETE',
            `/api/v1/users/:id/contact-methods/:cmId${end}`,
            { id, cmId: B.method },
            end === '/verify' ? { code: '123456' } : undefined,
          ],
        ),
      ),
      ['GET', '/api/v1/services/:id', { id: B.service }],
      ['PUT', '/api/v1/services/:id', { id: B.service }, { name: 'mine now' }],
      ['DELETE', '/api/v1/services/:id', { id: B.service }],
      ['GET', '/api/v1/escalation-policies/:id', { id: B.policy }],
      [
        'PUT',
        '/api/v1/escalation-policies/:id',
        { id: B.policy },
        { name: 'Mine now', steps: [{ delayMinutes: 1, targets: [{ type: 'user', id: A.user.id }] }] },
      ],
      ['DELETE', '/api/v1/escalation-policies/:id', { id: B.policy }],
      ['GET', '/api/v1/escalation-policies/:id/simulate', { id: B.policy }],
      ['GET', '/api/v1/heartbeats/:id', { id: B.heartbeat.id }],
      ['PATCH', '/api/v1/heartbeats/:id', { id: B.heartbeat.id }, { name: 'mine now', paused: true }],
      ['DELETE', '/api/v1/heartbeats/:id', { id: B.heartbeat.id }],
      ['GET', '/api/v1/silences/:id', { id: B.silence }],
      ['DELETE', '/api/v1/silences/:id', { id: B.silence }],
      ['GET', '/api/v1/maintenance-windows/:id', { id: B.window }],
      ['DELETE', '/api/v1/maintenance-windows/:id', { id: B.window }],
      ['GET', '/api/v1/slas/:id', { id: B.sla }],
      ['GET', '/api/v1/slas/:id/snapshots', { id: B.sla }],
    ];
    for (const [method, template, params, body] of attempts) {
      const res = await call('a', method, template, params, body);
      expect(`${method} ${template} → ${res.status}`).toBe(`${method} ${template} → 404`);
    }
    const shifts = await call('a', 'GET', '/api/v1/schedules/:id/shifts', sched);
    expect(shifts.status).toBe(400); // from/to are required; with them:
    const res = await t.request(
      'GET',
      `/api/v1/schedules/${B.schedule.id}/shifts?from=2026-03-02T00:00:00Z&to=2026-03-09T00:00:00Z`,
    );
    expect(res.status).toBe(404);
    expect(await bState()).toEqual(before);
  });

  it('B’s people are unknown to A: not assignable, not participants, not override takers', async () => {
    const before = await bState();
    for (const user of [B.user.id, B.user.email, B.user.slackUserId]) {
      const res = await call('a', 'POST', '/api/v1/incidents/:ref/assign', { ref: A.incident.id }, { user });
      expect(res.status).toBe(400);
    }
    const sched = await call(
      'a',
      'POST',
      '/api/v1/schedules',
      {},
      {
        name: 'Borrowed',
        timeZone: 'UTC',
        layers: [layer(B.user.id)],
      },
    );
    expect(sched.status).toBe(400);
    const override = await call(
      'a',
      'POST',
      '/api/v1/schedules/:id/overrides',
      { id: A.schedule.id },
      {
        userId: B.user.id,
        start: '2026-03-05T09:00:00Z',
        end: '2026-03-05T10:00:00Z',
      },
    );
    expect(override.status).toBe(400);
    // Nor policy targets, managers, a service's policy or the default policy.
    for (const target of [
      { type: 'user', id: B.user.id },
      { type: 'schedule', id: B.schedule.id },
      { type: 'manager_of', of: 'user', id: B.user.id },
    ]) {
      const policy = await call(
        'a',
        'POST',
        '/api/v1/escalation-policies',
        {},
        { name: 'Borrowed', steps: [{ delayMinutes: 1, targets: [target] }] },
      );
      expect(policy.status).toBe(400);
    }
    const managed = await call(
      'a',
      'PATCH',
      '/api/v1/users/:id',
      { id: A.user.id },
      { managerId: B.user.id },
    );
    expect(managed.status).toBe(400);
    const service = await call(
      'a',
      'POST',
      '/api/v1/services',
      {},
      { name: 'x', escalationPolicyId: B.policy },
    );
    expect(service.status).toBe(400);
    const setting = await call(
      'a',
      'PUT',
      '/api/v1/settings',
      {},
      { escalation: { defaultPolicyId: B.policy } },
    );
    expect(setting.status).toBe(400);
    expect(await bState()).toEqual(before);
  });

  it('what A creates and changes stays in A, even with B’s names, emails and dedup keys', async () => {
    const before = await bState();
    // B's email is free in A: users are per tenant.
    expect(
      (await call('a', 'POST', '/api/v1/users', {}, { name: 'Bea too', email: B.user.email })).status,
    ).toBe(201);
    const same = { name: B.schedule.name, timeZone: 'UTC', layers: [layer(A.user.id)] };
    const copy = await json<{ id: string }>(await call('a', 'POST', '/api/v1/schedules', {}, same));
    expect((await call('a', 'DELETE', '/api/v1/schedules/:id', { id: copy.id })).status).toBe(204);
    const declared = await json<{ ref: string }>(
      await call('a', 'POST', '/api/v1/incidents', {}, { title: 'Declared in A', service: 'payments' }),
    );
    // Alerts from every source land in A only; resolving A's alert with B's dedup key leaves B's firing.
    expect(
      (await call('a', 'POST', '/api/v1/webhooks/grafana', {}, localFixture('grafana/firing.json'))).status,
    ).toBe(200);
    expect(
      (await call('a', 'POST', '/api/v1/webhooks/alertmanager', {}, fixture('prometheus-rule-firing.json')))
        .status,
    ).toBe(200);
    expect(
      (await call('a', 'POST', '/api/v1/webhooks/keep', {}, localFixture('keep/alert-firing.json'))).status,
    ).toBe(200);
    // A's incident cannot be merged into B's: B's is not found, and A's stays as it was.
    const intoB = await call(
      'a',
      'POST',
      '/api/v1/incidents/:ref/merge',
      { ref: A.incident.ref },
      {
        into: B.incident.id,
      },
    );
    expect(intoB.status).toBe(404);
    const resolved = await json<{ resolved: number }>(
      await call(
        'a',
        'POST',
        '/api/v1/webhooks/generic',
        {},
        { title: 'x', dedup_key: 'disk', status: 'resolved' },
      ),
    );
    expect(resolved.resolved).toBe(1);
    // A ping is A's by its token alone (its monitor's name is B's too): B's monitor stays as it was.
    for (const method of ['POST', 'GET'])
      expect(
        (await call('a', method, '/api/v1/heartbeats/:token', { token: A.heartbeat.token })).status,
      ).toBe(200);
    covered.add('POST /v2/enqueue');
    const pd = await fetch(`${t.url}/v2/enqueue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        routing_key: 'test-key-0123456789abcdef',
        event_action: 'resolve',
        dedup_key: 'disk',
      }),
    });
    expect(pd.status).toBe(202);
    expect(
      (await call('a', 'PUT', '/api/v1/slack/routes', {}, { routes: { payments: 'C0MINE' } })).status,
    ).toBe(200);
    expect(
      (await call('a', 'PUT', '/api/v1/settings', {}, { ingestion: { retriggerAfterAckMinutes: 5 } })).status,
    ).toBe(200);
    expect(
      (await call('a', 'POST', '/api/v1/incidents/:ref/acknowledge', { ref: declared.ref })).status,
    ).toBe(200);
    const after = await bState();
    expect(after).toEqual(before);
    expect(JSON.parse(after.incident)).toMatchObject({ status: 'triggered', firingAlertCount: 1 });
  });

  it('an API key A creates reads only A', async () => {
    const created = await json<{ key: string }>(
      await call('a', 'POST', '/api/v1/api-keys', {}, { name: 'reader', scopes: ['read'] }),
    );
    const res = await fetch(`${t.url}/api/v1/incidents?limit=200`, { headers: { 'x-api-key': created.key } });
    const body = await res.text();
    expect(body).toContain(A.incident.id);
    expect(body).not.toContain(B.incident.id);
  });

  it('each calendar feed holds only its own tenant’s schedules', async () => {
    covered.add('GET /ical/schedules/:file');
    covered.add('GET /ical/users/:file');
    const feed = async (url: string) => {
      const res = await fetch(`${t.url}${new URL(url).pathname}`);
      expect(res.status).toBe(200);
      return res.text();
    };
    const aSchedule = await feed(A.schedule.icalUrl);
    const aUser = await feed(A.userFeed);
    expect(aSchedule).toContain(A.schedule.name);
    expect(aUser).toContain(A.schedule.name);
    for (const text of [aSchedule, aUser]) {
      expect(text).not.toContain(B.schedule.name);
      expect(text).not.toContain('Bea');
    }
    const bUser = await feed(B.userFeed);
    expect(bUser).toContain(B.schedule.name);
    expect(bUser).not.toContain(A.schedule.name);
  });

  it('the knowledge base: B’s entries are unknown to A, and a signature is per tenant', async () => {
    const bEntry = await json<{ id: string; ref: string }>(
      await call('b', 'POST', '/api/v1/kb', {}, { title: 'Bea’s secret fix', signature: 'payments/Down' }),
    );
    const aEntry = await call('a', 'POST', '/api/v1/kb', {}, { title: 'Mine', signature: 'payments/Down' });
    expect(aEntry.status).toBe(201);
    const list = await (await call('a', 'GET', '/api/v1/kb')).text();
    expect(list).not.toContain('secret');
    const found = await (await call('a', 'GET', '/api/v1/kb/search', {})).status;
    expect(found).toBe(400);
    const search = await (await t.request('GET', '/api/v1/kb/search?q=secret')).json();
    expect(search).toEqual({ items: [] });
    for (const path of ['/api/v1/kb/:id', '/api/v1/kb/:id/versions'])
      expect((await call('a', 'GET', path, { id: bEntry.id })).status).toBe(404);
    expect((await call('a', 'PUT', '/api/v1/kb/:id', { id: bEntry.id }, { title: 'x' })).status).toBe(404);
    const bySignature = await call('a', 'GET', '/api/v1/kb/signature/:signature', {
      signature: 'payments/Down',
    });
    expect(((await bySignature.json()) as { title: string }).title).toBe('Mine');
    const bSaw = await json<{ title: string; version: number }>(
      await call('b', 'GET', '/api/v1/kb/:id', { id: bEntry.id }),
    );
    expect(bSaw).toMatchObject({ title: 'Bea’s secret fix', version: 1 });
  });

  it('metric rollups: B’s are unknown to A, under the same service and metric name', async () => {
    const at = t.clock.now();
    const points = (tenantId: string, value: number, n: number) =>
      Array.from({ length: n }, () => ({
        tenantId,
        service: 'payments',
        name: 'http.server.duration',
        tags: { status: '200' },
        at,
        kind: 'value' as const,
        value,
      }));
    t.services.rollups.sink?.add([...points(b.id, 900, 5), ...points(t.actor.tenantId, 10, 2)]);
    await t.services.rollups.flush();
    const q = `metric=http.server.duration&from=${new Date(at.getTime() - 60_000).toISOString()}&to=${new Date(at.getTime() + 60_000).toISOString()}`;
    const read = async (who: Who) => {
      const res = await call(who, 'GET', '/api/v1/services/:name/rollups', { name: 'payments' });
      expect(res.status).toBe(400); // no query: the route is there, and says what it needs
      const ok = await t.request(
        'GET',
        `/api/v1/services/payments/rollups?${q}`,
        undefined,
        who === 'b' ? { authorization: `Bearer ${b.key}` } : {},
      );
      return (await json<{ points: { count: number; max: number }[] }>(ok)).points;
    };
    expect((await read('a')).map((p) => [p.count, p.max])).toEqual([[2, 10]]);
    expect((await read('b')).map((p) => [p.count, p.max])).toEqual([[5, 900]]);
  });

  it('telemetry: each tenant’s events, OTLP logs and spans land in its own Bronze, and its logs show only its own', async () => {
    for (const who of ['a', 'b'] as const) {
      const sent = await call(who, 'POST', '/api/v1/telemetry/events', {}, [
        { service: 'shared-name', level: 'ERROR', message: `${who} broke` },
      ]);
      expect(sent.status).toBe(200);
    }
    const otlp = await fetch(`${t.url}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer test-key-0123456789abcdef' },
      body: JSON.stringify({
        resourceLogs: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shared-name' } }] },
            scopeLogs: [{ logRecords: [{ severityNumber: 17, body: { stringValue: 'a broke over otlp' } }] }],
          },
        ],
      }),
    });
    expect(otlp.status).toBe(200);
    const end = t.clock.now().getTime();
    const traces = await fetch(`${t.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer test-key-0123456789abcdef' },
      body: JSON.stringify({
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shared-name' } }] },
            scopeSpans: [
              {
                spans: [
                  {
                    traceId: '5b8efff798038103d269b633813fc60c',
                    spanId: 'eee19b7ec3c1b174',
                    name: 'a span broke',
                    startTimeUnixNano: `${end - 5}000000`,
                    endTimeUnixNano: `${end}000000`,
                    status: { code: 2 },
                  },
                ],
              },
            ],
          },
        ],
      }),
    });
    expect([traces.status, await traces.json()]).toEqual([200, {}]);
    const logs = async (who: 'a' | 'b') =>
      (
        await json<{ items: { message: string }[] }>(
          await call(who, 'GET', '/api/v1/services/:name/logs', { name: 'shared-name' }),
        )
      ).items
        .map((i) => i.message)
        .sort();
    expect(await logs('a')).toEqual(['a broke', 'a broke over otlp', 'a span broke']);
    expect(await logs('b')).toEqual(['b broke']);
  });

  it('runbooks: B’s are unknown to A (by id and by slug), and a slug is per tenant', async () => {
    const bBook = await json<{ id: string }>(
      await call(
        'b',
        'POST',
        '/api/v1/runbooks',
        {},
        { name: 'Bea secret runbook', slug: 'shared', markdown: '# B' },
      ),
    );
    const aBook = await json<{ id: string; slug: string }>(
      await call('a', 'POST', '/api/v1/runbooks', {}, { name: 'Mine', slug: 'shared', markdown: '# A' }),
    );
    expect(aBook.slug).toBe('shared');
    expect(await (await call('a', 'GET', '/api/v1/runbooks')).text()).not.toContain('Bea secret');
    expect((await call('a', 'GET', '/api/v1/runbooks/templates')).status).toBe(200);
    for (const path of ['/api/v1/runbooks/:id', '/api/v1/runbooks/:id/versions'])
      expect((await call('a', 'GET', path, { id: bBook.id })).status).toBe(404);
    expect(
      (
        await call('a', 'GET', '/api/v1/runbooks/:id/versions/:from/diff/:to', {
          id: bBook.id,
          from: '1',
          to: '1',
        })
      ).status,
    ).toBe(404);
    expect((await call('a', 'PUT', '/api/v1/runbooks/:id', { id: bBook.id }, { name: 'x' })).status).toBe(
      404,
    );
    expect((await call('a', 'DELETE', '/api/v1/runbooks/:id', { id: bBook.id })).status).toBe(404);
    // By slug, A reads its own.
    const bySlug = await json<{ id: string; markdown: string }>(
      await call('a', 'GET', '/api/v1/runbooks/:id', { id: 'shared' }),
    );
    expect(bySlug).toMatchObject({ id: aBook.id, markdown: '# A' });
    const bSaw = await json<{ name: string; version: number }>(
      await call('b', 'GET', '/api/v1/runbooks/:id', { id: bBook.id }),
    );
    expect(bSaw).toMatchObject({ name: 'Bea secret runbook', version: 1 });
  });

  it('runbook runs: B’s runs are unknown to A; A cannot run B’s runbook or act on B’s incident', async () => {
    const action = {
      name: 'restart',
      title: 'Restart',
      target: { kind: 'http', method: 'POST', url: 'http://127.0.0.1:9/restart' },
      policy: { approval: 'one', maxPerHour: 3 },
    };
    await call(
      'b',
      'POST',
      '/api/v1/runbooks',
      {},
      { name: 'Bea runs', slug: 'bea-runs', markdown: '# B', actions: [action] },
    );
    const bRun = await json<{ id: string; stage: string }>(
      await call(
        'b',
        'POST',
        '/api/v1/runbook-runs',
        {},
        { runbook: 'bea-runs', action: 'restart', incident: B.incident.id },
      ),
    );
    expect(bRun.stage).toBe('preflight');
    expect((await call('a', 'GET', '/api/v1/runbook-runs')).status).toBe(400); // which incident's?
    expect((await call('a', 'GET', '/api/v1/runbook-runs/:id', { id: bRun.id })).status).toBe(404);
    expect((await call('a', 'GET', `/api/v1/runbook-runs?incident=${B.incident.id}`)).status).toBe(404);
    expect(
      (
        await call(
          'a',
          'POST',
          '/api/v1/runbook-runs',
          {},
          { runbook: 'bea-runs', action: 'restart', incident: A.incident.id },
        )
      ).status,
    ).toBe(404);
    const theirs = await json<{ items: { id: string }[] }>(
      await call('b', 'GET', `/api/v1/runbook-runs?incident=${B.incident.id}`),
    );
    expect(theirs.items.map((r) => r.id)).toEqual([bRun.id]);
  });

  it('covered every route of the REST API, the webhooks and the feeds', () => {
    const app = createHttpApp(
      { services: t.services, metrics: t.metrics, log: createLogger('silent'), ready: async () => true },
      'http://localhost',
    );
    const routes = new Set(
      app.routes
        .filter(
          (r) =>
            r.method !== 'ALL' && /^\/(api\/v1|ical|v2)\//.test(r.path) && r.path !== '/api/v1/openapi.json',
        )
        .map((r) => `${r.method} ${r.path}`),
    );
    expect([...routes].filter((r) => !covered.has(r))).toEqual([]);
  });
});

describe('Slack: a user of A’s workspace sees and touches only A', () => {
  const lastAnswer = () => JSON.stringify(s.fake.responseUrlPosts.at(-1)?.body ?? null);
  const bIncident = async () =>
    json<{ status: string; timeline: unknown[] }>(
      await call('b', 'GET', '/api/v1/incidents/:ref', { ref: B.incident.id }),
    );

  it('each tenant’s card is rendered from its own incident, in its own channel', async () => {
    await s.deliverOnce();
    const card = (channel: string) => s.fake.messages.find((m) => m.channel === channel && !m.thread_ts);
    expect(JSON.stringify(card('C0ALPHA'))).toContain(A.incident.title);
    expect(JSON.stringify(card('C0BETA'))).toContain(B.incident.title);
    expect(JSON.stringify(card('C0ALPHA'))).not.toContain(B.incident.title);
  });

  it('a button on B’s card clicked by A’s user finds no such incident, and B’s stays as it was', async () => {
    const before = await bIncident();
    const card = s.fake.messages.find((m) => m.channel === 'C0BETA' && !m.thread_ts);
    for (const action of [INCIDENT_ACTIONS.acknowledge, INCIDENT_ACTIONS.resolve, INCIDENT_ACTIONS.addNote]) {
      const res = await s.driver.blockAction(action, B.incident.id, {
        user: 'U0ALICE',
        message: { ts: card?.ts ?? '', channel: 'C0BETA' },
      });
      expect(res.status).toBe(200);
      await s.idle();
      expect(lastAnswer()).toContain('was not found');
    }
    expect(await bIncident()).toEqual(before);
  });

  it('/incident works on A’s incidents only, even by B’s id or by the number both tenants use', async () => {
    const before = await bIncident();
    await s.driver.slashCommand('/incident', 'list', { user: 'U0ALICE' });
    await s.idle();
    expect(lastAnswer()).toContain('Declared in A');
    expect(lastAnswer()).not.toContain(B.incident.title);
    for (const text of [`show ${B.incident.id}`, `ack ${B.incident.id}`, `note ${B.incident.id} hello`]) {
      await s.driver.slashCommand('/incident', text, { user: 'U0ALICE' });
      await s.idle();
      expect(lastAnswer()).toContain('was not found');
    }
    // INC-1 is A's (resolved above, over REST), not B's (still open).
    await s.driver.slashCommand('/incident', 'show INC-1', { user: 'U0ALICE' });
    await s.idle();
    expect(lastAnswer()).toContain(A.incident.title);
    expect(lastAnswer()).not.toContain(B.incident.title);
    await s.driver.slashCommand('/incident', 'ack INC-1', { user: 'U0ALICE' });
    await s.idle();
    expect(lastAnswer()).toContain('INC-1 is already resolved');
    expect(await bIncident()).toEqual(before);
    // B's workspace sees B's INC-1, still open.
    await slackB.slashCommand('/incident', 'show INC-1');
    await s.idle();
    expect(lastAnswer()).toContain(B.incident.title);
  });

  it('/oncall answers each workspace with its own tenant’s schedules', async () => {
    await s.driver.slashCommand('/oncall', 'schedules', { user: 'U0ALICE' });
    await s.idle();
    expect(lastAnswer()).toContain(A.schedule.name);
    expect(lastAnswer()).not.toContain(B.schedule.name);
    await s.driver.slashCommand('/oncall', '', { user: 'U0ALICE' });
    await s.idle();
    expect(lastAnswer()).not.toContain(B.schedule.name);
    await slackB.slashCommand('/oncall', '');
    await s.idle();
    expect(lastAnswer()).toContain(B.schedule.name);
    expect(lastAnswer()).not.toContain(A.schedule.name);
    await s.driver.slashCommand('/oncall', B.schedule.name, { user: 'U0ALICE' });
    await s.idle();
    expect(lastAnswer()).toContain(A.schedule.name); // "no schedule named …; these exist: …"
  });

  it('the override form lists only A’s schedules, and a submission naming B’s schedule finds nothing', async () => {
    const opened = s.fake.callsTo('views.open').length;
    await s.driver.slashCommand('/oncall', 'override', { user: 'U0ALICE' });
    await s.idle();
    const form = JSON.stringify(s.fake.callsTo('views.open')[opened]?.args.view);
    expect(form).toContain(A.schedule.id);
    expect(form).not.toContain(B.schedule.id);
    const res = await s.driver.viewSubmission(
      VIEWS.override,
      overrideValues({
        schedule: B.schedule.id,
        user: 'U0ALICE',
        replaces: null,
        start: ['2026-03-10', '10:00'],
        end: ['2026-03-10', '12:00'],
      }),
      encodeMetadata(OverrideMetadata, { zone: 'Europe/London' }),
      'U0ALICE',
    );
    expect(JSON.stringify(res.body)).toContain(`Schedule ${B.schedule.id} was not found`);
    const overrides = await call('b', 'GET', '/api/v1/schedules/:id/overrides', { id: B.schedule.id });
    expect(((await overrides.json()) as { items: unknown[] }).items).toHaveLength(1);
  });

  it('App Home shows each person their own tenant, and B’s changes republish only B’s Homes', async () => {
    const home = async (driver: SlackDriver, user: string) => {
      const before = s.fake.callsTo('views.publish').length;
      await driver.appHomeOpened(user);
      await s.idle();
      const call = await s.fake.waitFor(
        'views.publish',
        (c) => c.args.user_id === user && s.fake.callsTo('views.publish').indexOf(c) >= before,
      );
      return JSON.stringify(call.args.view);
    };
    await call('a', 'POST', '/api/v1/incidents', {}, { title: 'A again' });
    await call('b', 'POST', '/api/v1/incidents', {}, { title: 'B again' });
    const alice = await home(s.driver, 'U0ALICE');
    expect(alice).toContain('A again');
    expect(alice).not.toContain('B again');
    expect(alice).not.toContain(B.schedule.name);
    const bea = await home(slackB, 'U0BEA');
    expect(bea).toContain('B again');
    expect(bea).not.toContain('A again');
    await call('b', 'POST', '/api/v1/incidents/:ref/notes', { ref: 'INC-2' }, { text: 'looking' });
    const homes = await t.sql<{ channel: string }>(
      `select distinct lane as channel from outbox where destination = 'slack.home' and tenant_id = '${b.id}'`,
    );
    expect(homes).toEqual([{ channel: 'U0BEA' }]);
  });
});
