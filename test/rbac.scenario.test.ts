/**
 * Who may do what. People act through Slack and through the services the REST routes call (REST itself takes
 * API keys); API keys act over REST. For each role and each scope, every operation is tried on fresh data and
 * must be allowed or refused (403 / AppError forbidden) exactly as the table says. Then each role clicks in Slack.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INCIDENT_ACTIONS, ONCALL_INPUTS, VIEWS } from '../blocks/ids.js';
import { encodeMetadata } from '../blocks/metadata.js';
import type { Actor, ApiKeyScope, UserRole } from '../src/shared/actor.js';
import { isAppError } from '../src/shared/errors.js';
import { OverrideMetadata } from '../src/slack/features/oncall-command/override-metadata.js';
import { startTestApp, type TestApp, type TestSlack } from './harness/app.js';
import { overrideValues } from './harness/oncall-fixtures.js';
import { type People, rbacOperations } from './harness/rbac-operations.js';
import { addKey, addPerson } from './harness/tenants.js';

let t: TestApp;
let s: TestSlack;
const people: People = {} as never;
const keys: Record<ApiKeyScope, string> = {} as never;

const ROLES: UserRole[] = ['viewer', 'responder', 'manager', 'admin'];
const SCOPES: ApiKeyScope[] = ['webhooks', 'read', 'write', 'admin'];

beforeAll(async () => {
  t = await startTestApp({ slack: true });
  if (!t.slack) throw new Error('no slack');
  s = t.slack;
  const tenant = t.actor.tenantId;
  for (const role of [...ROLES, 'other' as const]) {
    const slack = `U0${role.toUpperCase()}`;
    const id = await addPerson(t, tenant, {
      name: `${role} person`,
      role: role === 'other' ? 'responder' : role,
      slackUserId: slack,
      email: `${role}@example.com`,
    });
    people[role] = { id, slack };
  }
  for (const scope of SCOPES) keys[scope] = await addKey(t, tenant, [scope]);
  O = rbacOperations(t, people);
});
afterAll(async () => {
  await t?.close();
});

let O: ReturnType<typeof rbacOperations>;

/** Columns: viewer responder manager admin | webhooks read write admin. `-`: does not apply to API keys. */
const TABLE = `
list incidents                   ok  ok  ok  ok  | 403 ok  ok  ok
read an incident                 ok  ok  ok  ok  | 403 ok  ok  ok
declare an incident              403 ok  ok  ok  | 403 403 ok  ok
acknowledge an incident          403 ok  ok  ok  | 403 403 ok  ok
resolve an incident              403 ok  ok  ok  | 403 403 ok  ok
assign an incident               403 ok  ok  ok  | 403 403 ok  ok
add a note                       403 ok  ok  ok  | 403 403 ok  ok
change an incident               403 ok  ok  ok  | 403 403 ok  ok
open an incident channel         403 ok  ok  ok  | -   -   -   -
set an incident role             403 ok  ok  ok  | 403 403 ok  ok
post a status update             403 ok  ok  ok  | 403 403 ok  ok
follow an incident               ok  ok  ok  ok  | -   -   -   -
list alerts                      ok  ok  ok  ok  | 403 ok  ok  ok
send alerts                      403 403 403 ok  | ok  403 403 ok
list users                       ok  ok  ok  ok  | 403 ok  ok  ok
add a user                       403 403 403 ok  | 403 403 403 ok
create an API key                403 403 403 ok  | 403 403 403 ok
read settings                    ok  ok  ok  ok  | 403 ok  ok  ok
change settings                  403 403 403 ok  | 403 403 403 ok
read the audit log               403 403 ok  ok  | 403 ok  ok  ok
read Slack routes                ok  ok  ok  ok  | 403 ok  ok  ok
change Slack routes              403 403 403 ok  | 403 403 403 ok
list schedules                   ok  ok  ok  ok  | 403 ok  ok  ok
create a schedule                403 403 ok  ok  | 403 403 ok  ok
read a schedule                  ok  ok  ok  ok  | 403 ok  ok  ok
replace a schedule               403 403 ok  ok  | 403 403 ok  ok
delete a schedule                403 403 ok  ok  | 403 403 ok  ok
add a layer                      403 403 ok  ok  | 403 403 ok  ok
replace a layer                  403 403 ok  ok  | 403 403 ok  ok
remove a layer                   403 403 ok  ok  | 403 403 ok  ok
list overrides                   ok  ok  ok  ok  | 403 ok  ok  ok
override someone else’s shift    403 403 ok  ok  | 403 403 ok  ok
remove someone else’s override   403 403 ok  ok  | 403 403 ok  ok
cover a shift yourself           403 ok  ok  ok  | -   -   -   -
hand your shift to someone       403 ok  ok  ok  | -   -   -   -
remove an override covering you  403 ok  ok  ok  | -   -   -   -
see who is on call               ok  ok  ok  ok  | 403 ok  ok  ok
read shifts, gaps and handoffs   ok  ok  ok  ok  | 403 ok  ok  ok
someone else’s calendar link     403 403 403 ok  | 403 403 403 ok
your own calendar link           ok  ok  ok  ok  | -   -   -   -
list services                    ok  ok  ok  ok  | 403 ok  ok  ok
create a service                 403 403 ok  ok  | 403 403 ok  ok
delete a service                 403 403 ok  ok  | 403 403 ok  ok
list escalation policies         ok  ok  ok  ok  | 403 ok  ok  ok
create an escalation policy      403 403 ok  ok  | 403 403 ok  ok
replace an escalation policy     403 403 ok  ok  | 403 403 ok  ok
simulate an escalation policy    ok  ok  ok  ok  | 403 ok  ok  ok
read notification rules          ok  ok  ok  ok  | 403 ok  ok  ok
edit others’ notification rules  403 403 ok  ok  | 403 403 ok  ok
edit own notification rules      403 ok  ok  ok  | -   -   -   -
send someone a test page         403 403 ok  ok  | 403 403 ok  ok
send yourself a test page        403 ok  ok  ok  | -   -   -   -
list someone’s phone numbers     403 403 ok  ok  | 403 ok  ok  ok
list your own phone numbers      ok  ok  ok  ok  | -   -   -   -
add someone’s phone number       403 403 ok  ok  | 403 403 ok  ok
add your own phone number        403 ok  ok  ok  | -   -   -   -
remove someone’s phone number    403 403 ok  ok  | 403 403 ok  ok
mark a phone number verified     403 403 403 ok  | 403 403 403 ok
set a user’s manager             403 403 403 ok  | 403 403 403 ok
list heartbeats                  ok  ok  ok  ok  | 403 ok  ok  ok
create a heartbeat               403 403 ok  ok  | 403 403 ok  ok
list SLAs                        ok  ok  ok  ok  | 403 ok  ok  ok
define an SLA                    403 403 ok  ok  | 403 403 ok  ok
`;

const rows = TABLE.trim()
  .split('\n')
  .map((line) => {
    const at = line.search(/\s{2,}(ok|403|-)\s/);
    const name = line.slice(0, at);
    const cells = line
      .slice(at)
      .trim()
      .split(/\s+/)
      .filter((x) => x !== '|');
    return { name: name.trim(), roles: cells.slice(0, 4), scopes: cells.slice(4) };
  });

const personOf = (role: UserRole): Actor => ({
  tenantId: t.actor.tenantId,
  kind: 'user',
  id: people[role].id,
  name: `${role} person`,
  roles: [role],
  source: 'slack',
});

describe('the table', () => {
  it('lists every operation once', () => {
    expect(rows.map((r) => r.name).sort()).toEqual(Object.keys(O.OPS).sort());
    for (const r of rows) expect([r.name, r.roles.length, r.scopes.length]).toEqual([r.name, 4, 4]);
  });
});

describe.each(ROLES)('a %s (services, as REST routes and Slack call them)', (role) => {
  it.each(rows.map((r) => [r.name, r.roles[ROLES.indexOf(role)] ?? '?'] as const))(
    '%s → %s',
    async (name, want) => {
      const op = O.OPS[name];
      if (!op) throw new Error(`no operation ${name}`);
      const ctx = (await op.prepare?.()) ?? {};
      const got = await op.call(personOf(role), ctx).then(
        () => 'ok',
        (err: unknown) => {
          if (isAppError(err) && err.code === 'forbidden') return '403';
          throw err;
        },
      );
      expect(got).toBe(want);
    },
  );
});

describe.each(SCOPES)('an API key with the %s scope (REST)', (scope) => {
  const applicable = rows.filter((r) => r.scopes[SCOPES.indexOf(scope)] !== '-');
  it.each(applicable.map((r) => [r.name, r.scopes[SCOPES.indexOf(scope)] ?? '?'] as const))(
    '%s → %s',
    async (name, want) => {
      const op = O.OPS[name];
      if (!op?.rest) throw new Error(`no REST request for ${name}`);
      const ctx = (await op.prepare?.()) ?? {};
      const [method, path, body] = op.rest(ctx);
      const res = await t.request(method, path, body, { authorization: `Bearer ${keys[scope]}` });
      const got = res.status === 403 ? '403' : res.ok ? 'ok' : `${res.status} ${await res.text()}`;
      if (got === '403') {
        const problem = (await res.json()) as { detail: string };
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect(problem.detail).toMatch(/needs the (read|write|admin|webhooks) scope/);
      }
      expect(got).toBe(want);
    },
  );
});

describe('the OpenAPI document', () => {
  it('names, for each REST request of the table, exactly the scopes it lets through', async () => {
    type Security = Record<string, string[]>[];
    const doc = (await (await fetch(`${t.url}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { security?: Security }>>;
    };
    const templates = Object.keys(doc.paths).map((path) => ({
      path,
      re: new RegExp(`^${path.replaceAll(/\{[^}]+\}/g, '[^/]+')}$`),
    }));
    const anyId = new Proxy<Record<string, string>>({}, { get: () => '0' });
    for (const row of rows) {
      const rest = O.OPS[row.name]?.rest;
      if (!rest) continue;
      const [method, url] = rest(anyId);
      const path = url.split('?')[0] ?? '';
      const template = templates.find((x) => x.re.test(path))?.path ?? `(none for ${path})`;
      const security = doc.paths[template]?.[method.toLowerCase()]?.security ?? [];
      const documented = SCOPES.filter((s) =>
        security.some((req) => Object.values(req).some((v) => v.includes(s))),
      );
      const allowed = SCOPES.filter((_, i) => row.scopes[i] === 'ok');
      expect([row.name, documented]).toEqual([row.name, allowed]);
    }
  });
});

describe('in Slack, each role', () => {
  const lastAnswer = () => JSON.stringify(s.fake.responseUrlPosts.at(-1)?.body ?? null);
  const status = async (ref: string) =>
    (await O.admin<{ status: string }>('GET', `/api/v1/incidents/${ref}`)).status;

  it.each([
    ['viewer', 'triggered'],
    ['responder', 'acknowledged'],
    ['manager', 'acknowledged'],
    ['admin', 'acknowledged'],
  ] as const)('a %s clicks Acknowledge on a card → %s', async (role, after) => {
    const inc = await O.incident();
    const res = await s.driver.blockAction(INCIDENT_ACTIONS.acknowledge, inc.id, {
      user: people[role].slack,
    });
    expect(res.status).toBe(200);
    await s.idle();
    expect(await status(inc.ref)).toBe(after);
    if (after === 'triggered')
      expect(lastAnswer()).toContain(
        'You need the responder role to acknowledge incidents; you are a viewer.',
      );
  });

  it('a viewer can list incidents, but is refused the override form before it opens', async () => {
    await s.driver.slashCommand('/incident', 'list', { user: people.viewer.slack });
    await s.idle();
    expect(lastAnswer()).toContain('open incidents');
    const opened = s.fake.callsTo('views.open').length;
    await s.driver.slashCommand('/oncall', 'override', { user: people.viewer.slack });
    await s.idle();
    expect(lastAnswer()).toContain(
      'You need the responder role to add or remove overrides in which you cover',
    );
    expect(s.fake.callsTo('views.open')).toHaveLength(opened);
  });

  it.each([
    ['responder', 'other', 'refused'],
    ['responder', 'responder', 'added'],
    ['manager', 'other', 'added'],
    ['admin', 'other', 'added'],
  ] as const)('a %s submitting an override in which %s covers → %s', async (role, cover, outcome) => {
    const sched = await O.schedule();
    const day = String((O.next() % 27) + 1).padStart(2, '0');
    const res = await s.driver.viewSubmission(
      VIEWS.override,
      overrideValues({
        schedule: sched.id,
        user: people[cover].slack,
        replaces: null,
        start: [`2026-05-${day}`, '10:00'],
        end: [`2026-05-${day}`, '12:00'],
      }),
      encodeMetadata(OverrideMetadata, { zone: 'Europe/London' }),
      people[role].slack,
    );
    await s.idle();
    const list = await O.admin<{ items: unknown[] }>('GET', `/api/v1/schedules/${sched.id}/overrides`);
    if (outcome === 'refused') {
      expect(res.body).toMatchObject({
        response_action: 'errors',
        errors: { [ONCALL_INPUTS.schedule.blockId]: expect.stringContaining('As a responder you may') },
      });
      expect(list.items).toEqual([]);
    } else {
      expect(res.status).toBe(200);
      expect(list.items).toHaveLength(1);
    }
  });
});
