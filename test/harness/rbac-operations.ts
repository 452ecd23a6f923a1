/**
 * The operations the permission scenario tries (test/rbac.scenario.test.ts): each with the REST request an API
 * key makes and the service call a person's request makes (as the REST route or Slack listener does), on fresh
 * data made by the admin.
 */
import type { NormalizedAlert } from '../../src/domains/alerts/index.js';
import { listFilterSchema } from '../../src/domains/incidents/index.js';
import type { Actor, UserRole } from '../../src/shared/actor.js';
import type { TestApp } from './app.js';

export type People = Record<UserRole | 'other', { id: string; slack: string }>;
type Ctx = Record<string, string>;
export interface Op {
  /** Fresh data for one try (as the admin). */
  prepare?: () => Promise<Ctx>;
  /** The REST request an API key makes; absent where keys do not apply ("your own …"). */
  rest?: (c: Ctx) => [method: string, path: string, body?: unknown];
  /** The service call the REST route (or Slack) makes, as a person. */
  call: (a: Actor, c: Ctx) => Promise<unknown>;
}

const ROLES: UserRole[] = ['viewer', 'responder', 'manager', 'admin'];

/** Fixtures and operations over `t`, whose people are `people`. */
export function rbacOperations(t: TestApp, people: People) {
  /** Admin-made fixtures (the bootstrap key), fresh for each try. */
  const admin = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await t.request(method, path, body);
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (res.status === 204 ? null : await res.json()) as T;
  };
  let seq = 0;
  const next = () => ++seq;
  const incident = () =>
    admin<{ id: string; ref: string }>('POST', '/api/v1/incidents', { title: `i${++seq}` });
  const layer = (participants: string[]) => ({
    name: 'Primary',
    participants,
    start: '2026-03-02T09:00:00Z',
    turn: { unit: 'days', count: 1 },
    handoffTime: '09:00',
  });
  const schedule = () =>
    admin<{ id: string }>('POST', '/api/v1/schedules', {
      name: `s${++seq}`,
      timeZone: 'Europe/London',
      layers: [layer(ROLES.map((r) => people[r].id).concat(people.other.id)), layer([people.other.id])],
    });
  const window = () => ({
    start: `2026-04-${String((seq % 27) + 1).padStart(2, '0')}T09:00:00Z`,
    end: `2026-04-${String((seq % 27) + 1).padStart(2, '0')}T10:00:00Z`,
  });
  const override = async (scheduleId: string, userId: string) =>
    admin<{ id: string }>('POST', `/api/v1/schedules/${scheduleId}/overrides`, { userId, ...window() });

  const alert = (): NormalizedAlert => ({
    source: 'generic',
    action: 'firing',
    dedupKey: `a${++seq}`,
    title: 'Sent by a person',
    description: null,
    service: 'svc',
    environment: 'production',
    severity: 3,
    labels: {},
    annotations: {},
    links: [],
    startsAt: null,
    endsAt: null,
    sourceGroupKey: null,
    raw: {},
  });

  const sv = () => t.services;
  const policy = () => ({
    name: `p${next()}`,
    steps: [{ delayMinutes: 1, targets: [{ type: 'user', id: people.other.id }] }],
  });
  const rules = { high: [{ method: 'slack_dm', delayMinutes: 0 }], low: [] };
  /** A new number each time (201 555 01xx). */
  const phone = () => ({ type: 'sms', phoneNumber: `+120155501${String(next() % 100).padStart(2, '0')}` });
  const othersPhone = async () => ({
    id: (await admin<{ id: string }>('POST', `/api/v1/users/${people.other.id}/contact-methods`, phone())).id,
  });
  const fresh = {
    incident: async () => ({ ref: (await incident()).ref }),
    schedule: async () => ({ id: (await schedule()).id }),
    othersOverride: async () => {
      const { id } = await schedule();
      return { id, o: (await override(id, people.other.id)).id };
    },
  };

  const OPS: Record<string, Op> = {
    'list incidents': {
      rest: () => ['GET', '/api/v1/incidents'],
      call: (a) => sv().incidents.list(a, listFilterSchema.parse({})),
    },
    'read an incident': {
      prepare: fresh.incident,
      rest: (c) => ['GET', `/api/v1/incidents/${c.ref}`],
      call: (a, c) => sv().incidents.get(a, c.ref ?? ''),
    },
    'declare an incident': {
      rest: () => ['POST', '/api/v1/incidents', { title: 'declared' }],
      call: (a) => sv().incidents.declare(a, { title: 'declared' } as never),
    },
    'acknowledge an incident': {
      prepare: fresh.incident,
      rest: (c) => ['POST', `/api/v1/incidents/${c.ref}/acknowledge`],
      call: (a, c) => sv().incidents.acknowledge(a, c.ref ?? ''),
    },
    'resolve an incident': {
      prepare: fresh.incident,
      rest: (c) => ['POST', `/api/v1/incidents/${c.ref}/resolve`, { note: 'done' }],
      call: (a, c) => sv().incidents.resolve(a, c.ref ?? '', 'done'),
    },
    'assign an incident': {
      prepare: fresh.incident,
      rest: (c) => ['POST', `/api/v1/incidents/${c.ref}/assign`, { user: people.other.id }],
      call: (a, c) => sv().incidents.assign(a, c.ref ?? '', people.other.id),
    },
    'change an incident': {
      prepare: fresh.incident,
      rest: (c) => ['PATCH', `/api/v1/incidents/${c.ref}`, { severity: 'P1', title: 'renamed' }],
      call: (a, c) => sv().incidents.edit(a, c.ref ?? '', { severity: 1, title: 'renamed' }),
    },
    'open an incident channel': {
      prepare: fresh.incident,
      call: (a, c) => sv().channels.open(a, c.ref ?? '', null),
    },
    'add a note': {
      prepare: fresh.incident,
      rest: (c) => ['POST', `/api/v1/incidents/${c.ref}/notes`, { text: 'note' }],
      call: (a, c) => sv().incidents.addNote(a, c.ref ?? '', 'note'),
    },
    'set an incident role': {
      prepare: fresh.incident,
      rest: (c) => [
        'POST',
        `/api/v1/incidents/${c.ref}/roles`,
        { role: 'commander', userId: people.other.id },
      ],
      call: (a, c) =>
        sv().coordination.setRole(a, c.ref ?? '', { role: 'commander', userId: people.other.id }),
    },
    'post a status update': {
      prepare: fresh.incident,
      rest: (c) => ['POST', `/api/v1/incidents/${c.ref}/updates`, { status: 'identified', message: 'm' }],
      call: (a, c) => sv().coordination.postUpdate(a, c.ref ?? '', { status: 'identified', message: 'm' }),
    },
    'follow an incident': {
      prepare: fresh.incident,
      call: (a, c) => sv().coordination.follow(a, c.ref ?? ''),
    },
    'list alerts': { rest: () => ['GET', '/api/v1/alerts'], call: (a) => sv().alerts.list(a, { limit: 10 }) },
    'send alerts': {
      rest: () => ['POST', '/api/v1/webhooks/generic', { title: 'sent', dedup_key: `w${++seq}` }],
      call: (a) => sv().alerts.ingest(a, [alert()]),
    },
    'list users': { rest: () => ['GET', '/api/v1/users'], call: (a) => sv().users.list(a) },
    'add a user': {
      rest: () => ['POST', '/api/v1/users', { name: 'New', email: `n${++seq}@example.com` }],
      call: (a) => sv().users.create(a, { name: 'New', email: `n${++seq}@example.com` }),
    },
    'create an API key': {
      rest: () => ['POST', '/api/v1/api-keys', { name: 'k' }],
      call: (a) => sv().tenants.createApiKey(a, 'k'),
    },
    'read settings': { rest: () => ['GET', '/api/v1/settings'], call: (a) => sv().alerts.settingsFor(a) },
    'change settings': {
      rest: () => ['PUT', '/api/v1/settings', { ingestion: { retriggerAfterAckMinutes: 30 } }],
      call: (a) => sv().tenants.updateSettings(a, { ingestion: { retriggerAfterAckMinutes: 30 } }),
    },
    'read the audit log': {
      rest: () => ['GET', '/api/v1/audit'],
      call: (a) => sv().audit.list(a, { limit: 5 }),
    },
    'read Slack routes': { rest: () => ['GET', '/api/v1/slack/routes'], call: (a) => sv().catalog.routes(a) },
    'change Slack routes': {
      rest: () => ['PUT', '/api/v1/slack/routes', { routes: { svc: 'C0SVC' } }],
      call: (a) => sv().catalog.setRoutes(a, { svc: 'C0SVC' }),
    },
    'list schedules': { rest: () => ['GET', '/api/v1/schedules'], call: (a) => sv().rosters.list(a) },
    'create a schedule': {
      rest: () => [
        'POST',
        '/api/v1/schedules',
        { name: `c${++seq}`, timeZone: 'UTC', layers: [layer([people.other.id])] },
      ],
      call: (a) =>
        sv().rosters.create(a, { name: `c${++seq}`, timeZone: 'UTC', layers: [layer([people.other.id])] }),
    },
    'read a schedule': {
      prepare: fresh.schedule,
      rest: (c) => ['GET', `/api/v1/schedules/${c.id}`],
      call: (a, c) => sv().rosters.get(a, c.id ?? ''),
    },
    'replace a schedule': {
      prepare: fresh.schedule,
      rest: (c) => [
        'PUT',
        `/api/v1/schedules/${c.id}`,
        { name: `r${++seq}`, timeZone: 'UTC', layers: [layer([people.other.id])] },
      ],
      call: (a, c) =>
        sv().rosters.update(a, c.id ?? '', {
          name: `r${++seq}`,
          timeZone: 'UTC',
          layers: [layer([people.other.id])],
        }),
    },
    'delete a schedule': {
      prepare: fresh.schedule,
      rest: (c) => ['DELETE', `/api/v1/schedules/${c.id}`],
      call: (a, c) => sv().rosters.remove(a, c.id ?? ''),
    },
    'add a layer': {
      prepare: fresh.schedule,
      rest: (c) => ['POST', `/api/v1/schedules/${c.id}/layers`, layer([people.other.id])],
      call: (a, c) => sv().rosters.addLayer(a, c.id ?? '', layer([people.other.id])),
    },
    'replace a layer': {
      prepare: fresh.schedule,
      rest: (c) => ['PUT', `/api/v1/schedules/${c.id}/layers/0`, layer([people.other.id])],
      call: (a, c) => sv().rosters.replaceLayer(a, c.id ?? '', 0, layer([people.other.id])),
    },
    'remove a layer': {
      prepare: fresh.schedule,
      rest: (c) => ['DELETE', `/api/v1/schedules/${c.id}/layers/1`],
      call: (a, c) => sv().rosters.removeLayer(a, c.id ?? '', 1),
    },
    'list overrides': {
      prepare: fresh.schedule,
      rest: (c) => ['GET', `/api/v1/schedules/${c.id}/overrides`],
      call: (a, c) => sv().rosters.listOverrides(a, c.id ?? ''),
    },
    'override someone else’s shift': {
      prepare: fresh.schedule,
      rest: (c) => ['POST', `/api/v1/schedules/${c.id}/overrides`, { userId: people.other.id, ...window() }],
      call: (a, c) => sv().rosters.addOverride(a, c.id ?? '', { userId: people.other.id, ...window() }),
    },
    'remove someone else’s override': {
      prepare: fresh.othersOverride,
      rest: (c) => ['DELETE', `/api/v1/schedules/${c.id}/overrides/${c.o}`],
      call: (a, c) => sv().rosters.removeOverride(a, c.id ?? '', c.o ?? ''),
    },
    'cover a shift yourself': {
      prepare: fresh.schedule,
      call: (a, c) => sv().rosters.addOverride(a, c.id ?? '', { userId: a.id ?? '', ...window() }),
    },
    'hand your shift to someone': {
      prepare: fresh.schedule,
      call: (a, c) =>
        sv().rosters.addOverride(a, c.id ?? '', {
          userId: people.other.id,
          replaces: a.id ?? '',
          ...window(),
        }),
    },
    'remove an override covering you': {
      prepare: async () => {
        const { id } = await schedule();
        return { id };
      },
      call: async (a, c) => {
        const o = await override(c.id ?? '', a.id ?? '');
        return sv().rosters.removeOverride(a, c.id ?? '', o.id);
      },
    },
    'see who is on call': {
      prepare: fresh.schedule,
      rest: (c) => ['GET', `/api/v1/schedules/${c.id}/oncall`],
      call: (a, c) => sv().oncall.onCall(a, c.id ?? ''),
    },
    'read shifts, gaps and handoffs': {
      prepare: fresh.schedule,
      rest: (c) => [
        'GET',
        `/api/v1/schedules/${c.id}/shifts?from=2026-03-02T00:00:00Z&to=2026-03-09T00:00:00Z`,
      ],
      call: async (a, c) => {
        await sv().oncall.shifts(
          a,
          c.id ?? '',
          new Date('2026-03-02T00:00:00Z'),
          new Date('2026-03-09T00:00:00Z'),
        );
        await sv().oncall.gapsNext14Days(a, c.id ?? '');
        return sv().handoffs.recent(a, c.id ?? '');
      },
    },
    'someone else’s calendar link': {
      rest: () => ['GET', `/api/v1/users/${people.other.id}/ical`],
      call: (a) => sv().oncall.userIcalUrl(a, people.other.id),
    },
    'your own calendar link': { call: (a) => sv().oncall.userIcalUrl(a, a.id ?? '') },
    'list services': { rest: () => ['GET', '/api/v1/services'], call: (a) => sv().catalog.list(a) },
    'create a service': {
      rest: () => ['POST', '/api/v1/services', { name: `svc${next()}` }],
      call: (a) => sv().catalog.create(a, { name: `svc${next()}` }),
    },
    'delete a service': {
      prepare: async () => ({
        id: (await admin<{ id: string }>('POST', '/api/v1/services', { name: `d${next()}` })).id,
      }),
      rest: (c) => ['DELETE', `/api/v1/services/${c.id}`],
      call: (a, c) => sv().catalog.remove(a, c.id ?? ''),
    },
    'list escalation policies': {
      rest: () => ['GET', '/api/v1/escalation-policies'],
      call: (a) => sv().policies.list(a),
    },
    'create an escalation policy': {
      rest: () => ['POST', '/api/v1/escalation-policies', policy()],
      call: (a) => sv().policies.create(a, policy()),
    },
    'replace an escalation policy': {
      prepare: async () => ({
        id: (await admin<{ id: string }>('POST', '/api/v1/escalation-policies', policy())).id,
      }),
      rest: (c) => ['PUT', `/api/v1/escalation-policies/${c.id}`, policy()],
      call: (a, c) => sv().policies.update(a, c.id ?? '', policy()),
    },
    'simulate an escalation policy': {
      prepare: async () => ({
        id: (await admin<{ id: string }>('POST', '/api/v1/escalation-policies', policy())).id,
      }),
      rest: (c) => ['GET', `/api/v1/escalation-policies/${c.id}/simulate?at=2026-03-02T10:00:00Z`],
      call: (a, c) => sv().simulator.simulatePolicy(a, c.id ?? '', new Date('2026-03-02T10:00:00Z'), 1),
    },
    'read notification rules': {
      rest: () => ['GET', `/api/v1/users/${people.other.id}/notification-rules`],
      call: (a) => sv().notificationRules.get(a, people.other.id),
    },
    'edit others’ notification rules': {
      rest: () => ['PUT', `/api/v1/users/${people.other.id}/notification-rules`, rules],
      call: (a) => sv().notificationRules.set(a, people.other.id, rules),
    },
    'edit own notification rules': { call: (a) => sv().notificationRules.set(a, a.id ?? '', rules) },
    // A fresh person each try: one test page per person per 5 minutes.
    'send someone a test page': {
      prepare: async () => ({
        id: (
          await admin<{ id: string }>('POST', '/api/v1/users', {
            name: 'Tested',
            email: `t${++seq}@example.com`,
          })
        ).id,
      }),
      rest: (c) => ['POST', `/api/v1/users/${c.id}/test-page`],
      call: (a, c) => sv().escalation.testPage(a, c.id ?? ''),
    },
    'send yourself a test page': { call: (a) => sv().escalation.testPage(a, a.id ?? '') },
    'list someone’s phone numbers': {
      rest: () => ['GET', `/api/v1/users/${people.other.id}/contact-methods`],
      call: (a) => sv().contactMethods.list(a, people.other.id),
    },
    'list your own phone numbers': { call: (a) => sv().contactMethods.list(a, a.id ?? '') },
    'add someone’s phone number': {
      rest: () => ['POST', `/api/v1/users/${people.other.id}/contact-methods`, phone()],
      call: (a) => sv().contactMethods.create(a, people.other.id, phone()),
    },
    'add your own phone number': { call: (a) => sv().contactMethods.create(a, a.id ?? '', phone()) },
    'remove someone’s phone number': {
      prepare: othersPhone,
      rest: (c) => ['DELETE', `/api/v1/users/${people.other.id}/contact-methods/${c.id}`],
      call: (a, c) => sv().contactMethods.remove(a, people.other.id, c.id ?? ''),
    },
    'mark a phone number verified': {
      prepare: othersPhone,
      rest: (c) => ['POST', `/api/v1/users/${people.other.id}/contact-methods/${c.id}/mark-verified`],
      call: (a, c) => sv().contactMethods.markVerified(a, people.other.id, c.id ?? ''),
    },
    'list heartbeats': {
      rest: () => ['GET', '/api/v1/heartbeats'],
      call: (a) => sv().heartbeats.list(a),
    },
    'create a heartbeat': {
      rest: () => ['POST', '/api/v1/heartbeats', { name: `hb${next()}`, service: 'svc', interval: '1h' }],
      call: (a) => sv().heartbeats.create(a, { name: `hb${next()}`, service: 'svc', interval: '1h' }),
    },
    'list SLAs': {
      rest: () => ['GET', '/api/v1/slas'],
      call: (a) => sv().sla.list(a),
    },
    'define an SLA': {
      rest: () => ['POST', '/api/v1/slas', { service: `svc${next()}`, metric: 'UPTIME', target: 99.9 }],
      call: (a) => sv().sla.create(a, { service: `svc${next()}`, metric: 'UPTIME', target: 99.9 }),
    },
    'set a user’s manager': {
      rest: () => ['PATCH', `/api/v1/users/${people.other.id}`, { managerId: people.admin.id }],
      call: (a) => sv().users.update(a, people.other.id, { managerId: people.admin.id }),
    },
  };
  return { OPS, admin, incident, schedule, next };
}
