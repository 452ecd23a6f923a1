/**
 * The OpenAPI document is generated from the routes' own declarations: every route the app serves is in it (and
 * nothing else), it is valid OpenAPI 3.1, its request schemas refuse what the routes refuse, and the answers the
 * routes give match the response schemas it shows.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { createHttpApp } from '../src/http/app.js';
import { createLogger } from '../src/shared/logger.js';
import { startTestApp, type TestApp } from './harness/app.js';

interface Operation {
  security?: Record<string, string[]>[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  parameters?: { name: string; in: string; required: boolean; schema: unknown }[];
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: {
    securitySchemes: Record<string, { type: string; scheme?: string; in?: string; name?: string }>;
  };
}

let t: TestApp;
let doc: Document;
const DOC_ID = 'https://opswatch.test/openapi.json';
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);

beforeAll(async () => {
  t = await startTestApp();
  const res = await fetch(`${t.url}/api/v1/openapi.json`);
  expect(res.status).toBe(200);
  doc = (await res.json()) as Document;
  ajv.addSchema({ ...doc, $id: DOC_ID });
});
afterAll(async () => {
  await t.close();
});

const METHODS = ['get', 'post', 'put', 'delete', 'patch'];
/**
 * Operations that take no API key: health, the document, the secret-token feeds, PagerDuty's (key in the body),
 * Twilio's (signed with X-Twilio-Signature).
 */
const PUBLIC = [
  'POST /twilio/status',
  'POST /twilio/sms',
  'POST /twilio/voice/{id}',
  'POST /twilio/voice/{id}/gather',
  'GET /healthz',
  'GET /readyz',
  'GET /metrics',
  'GET /api/v1/openapi.json',
  'GET /ical/schedules/{file}',
  'GET /ical/users/{file}',
  'POST /v2/enqueue',
  'POST /api/v1/heartbeats/{token}',
  'GET /api/v1/heartbeats/{token}',
];
const operations = () =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, path, method, op })),
  );
const pointer = (...parts: string[]) =>
  `${DOC_ID}#/${parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`;
/** Validates `value` against the schema at `parts` in the document (its $refs resolve in the document). */
const conforms = (value: unknown, ...parts: string[]) => {
  const validate = ajv.getSchema(pointer(...parts));
  if (!validate) throw new Error(`no schema at ${parts.join('/')}`);
  return { ok: validate(value) as boolean, errors: validate.errors };
};

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate({ ...structuredClone(doc) });
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('shows every route the app serves, and only those (Slack’s own endpoint aside)', () => {
    const app = createHttpApp(
      { services: t.services, metrics: t.metrics, log: createLogger('silent'), ready: async () => true },
      'http://localhost',
    );
    const served = new Set(
      app.routes
        .filter((r) => r.method !== 'ALL' && r.path !== '/slack/events')
        .map((r) => `${r.method} ${r.path.replaceAll(/:(\w+)/g, '{$1}')}`),
    );
    const documented = new Set(operations().map((o) => o.key));
    expect([...served].filter((r) => !documented.has(r))).toEqual([]);
    expect([...documented].filter((r) => !served.has(r))).toEqual([]);
    for (const key of [
      'GET /api/v1/slack/routes',
      'PUT /api/v1/slack/routes',
      'POST /api/v1/api-keys',
      'PUT /api/v1/settings',
      'GET /api/v1/audit',
      'DELETE /api/v1/schedules/{id}/overrides/{overrideId}',
      'GET /api/v1/schedules/{id}/handoffs',
      'GET /ical/users/{file}',
      'POST /v2/enqueue',
    ])
      expect(documented).toContain(key);
  });

  it('names the security schemes, and the API key scopes each operation takes', () => {
    expect(doc.components.securitySchemes).toEqual({
      bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      apiKey: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-API-Key' }),
    });
    const scopesOf = (key: string) => {
      const op = operations().find((o) => o.key === key)?.op;
      return [...new Set((op?.security ?? []).flatMap((s) => Object.values(s).flat()))];
    };
    expect(scopesOf('GET /api/v1/incidents')).toEqual(['read', 'write', 'admin']);
    expect(scopesOf('POST /api/v1/incidents/{ref}/acknowledge')).toEqual(['write', 'admin']);
    expect(scopesOf('PUT /api/v1/slack/routes')).toEqual(['admin']);
    expect(scopesOf('POST /api/v1/webhooks/alertmanager')).toEqual(['webhooks', 'admin']);
    for (const { key, op } of operations()) {
      if (PUBLIC.includes(key)) expect([key, op.security]).toEqual([key, []]);
      else expect([key, (op.security ?? []).length > 0]).toEqual([key, true]);
      for (const scopes of (op.security ?? []).flatMap((req) => Object.values(req)))
        expect(['webhooks', 'read', 'write', 'admin']).toEqual(expect.arrayContaining(scopes));
    }
  });

  it('shows the problem+json failures each operation can meet', () => {
    const problem = (op: Operation, status: string) =>
      op.responses[status]?.content?.['application/problem+json'] !== undefined;
    for (const { key, op } of operations()) {
      const authenticated = (op.security ?? []).length > 0;
      const hasBody = op.requestBody !== undefined;
      const shown = (status: string) => [key, status, problem(op, status)];
      if (authenticated) for (const s of ['401', '403', '503']) expect(shown(s)).toEqual([key, s, true]);
      if (hasBody) expect(shown('413')).toEqual([key, '413', true]);
      else expect(op.responses['413']).toBeUndefined();
      if (hasBody && key !== 'POST /v2/enqueue') expect(shown('400')).toEqual([key, '400', true]);
      if (key.includes('{')) expect(shown('404')).toEqual([key, '404', true]);
    }
    const resolve = doc.paths['/api/v1/incidents/{ref}/resolve']?.post;
    expect(resolve && problem(resolve, '409') && problem(resolve, '503')).toBe(true);
    // PagerDuty senders get PagerDuty's own answers, not problems.
    const enqueue = doc.paths['/v2/enqueue']?.post;
    expect(Object.keys(enqueue?.responses['400']?.content ?? {})).toEqual(['application/json']);
    expect(Object.keys(enqueue?.responses['503']?.content ?? {})).toEqual(['application/json']);
  });
});

describe('its request schemas refuse what the routes refuse', () => {
  const bodyOf = (path: string, method: string) => [
    'paths',
    path,
    method,
    'requestBody',
    'content',
    'application/json',
    'schema',
  ];

  it.each([
    ['POST', '/api/v1/incidents', { title: 'Disk full', severity: 'P2' }, true],
    ['POST', '/api/v1/incidents', { title: 'Disk full', severity: 2, service: 'db' }, true],
    ['POST', '/api/v1/incidents', {}, ['title']],
    ['POST', '/api/v1/incidents', { title: '' }, ['title']],
    ['POST', '/api/v1/incidents', { title: 'Disk full', severity: 9 }, ['severity']],
    ['POST', '/api/v1/incidents', { title: 'Disk full', severity: 'P9' }, ['severity']],
    ['POST', '/api/v1/incidents', { title: 'Disk full', severity: 2.5 }, ['severity']],
    ['POST', '/api/v1/api-keys', { name: 'grafana' }, true],
    ['POST', '/api/v1/api-keys', { name: 'ci', scopes: ['read', 'write'] }, true],
    ['POST', '/api/v1/api-keys', { name: 'root', scopes: ['root'] }, ['scopes.0']],
    ['POST', '/api/v1/api-keys', { name: 'none', scopes: [] }, ['scopes']],
    ['PUT', '/api/v1/slack/routes', { routes: { checkout: '#payments-oncall', search: 'C0SEARCH' } }, true],
    ['PUT', '/api/v1/slack/routes', { routes: { checkout: 'No Spaces Allowed' } }, ['routes.checkout']],
    ['PUT', '/api/v1/slack/routes', { checkout: '#payments' }, ['routes']],
    ['PUT', '/api/v1/settings', { ingestion: { retriggerAfterAckMinutes: 15 } }, true],
    [
      'PUT',
      '/api/v1/settings',
      { ingestion: { retriggerAfterAckMinutes: -1 } },
      ['ingestion.retriggerAfterAckMinutes'],
    ],
    ['POST', '/api/v1/schedules', { name: 'Payments', timeZone: 'Europe/London' }, true],
    ['POST', '/api/v1/schedules', { name: '', timeZone: 'Europe/London' }, ['name']],
    ['POST', '/api/v1/schedules', { name: 'Search' }, ['timeZone']],
    [
      'POST',
      '/api/v1/schedules',
      {
        name: 'Search',
        timeZone: 'UTC',
        layers: [
          {
            name: 'L',
            participants: ['u1'],
            start: 'soon',
            turn: { unit: 'days', count: 1 },
            handoffTime: '9am',
          },
        ],
      },
      ['layers.0.start', 'layers.0.handoffTime'],
    ],
    ['POST', '/api/v1/webhooks/generic', { title: 'CPU high', severity: 'critical' }, true],
    ['POST', '/api/v1/webhooks/generic', { alerts: [{ title: 'a' }, { title: 'b' }] }, true],
    ['POST', '/api/v1/webhooks/generic', { severity: 'critical' }, ['title']],
    ['POST', '/api/v1/webhooks/alertmanager', { alerts: [{ labels: {} }] }, ['alerts.0.status']],
  ] as const)('%s %s %j → accepted, or the fields at fault: %j', async (method, path, body, outcome) => {
    const accepted = outcome === true;
    expect(conforms(body, ...bodyOf(path, method.toLowerCase())).ok).toBe(accepted);
    const res = await t.request(method, path, body);
    if (accepted) expect(res.status).toBeLessThan(300);
    else {
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      const problem = (await res.json()) as { errors?: { field: string }[] };
      expect(problem.errors?.map((e) => e.field)).toEqual(outcome);
    }
  });

  it.each([
    ['limit=10&status=open,acknowledged&severity=P1,2', true],
    ['since=2026-03-01T00:00:00Z', true],
    ['limit=0', false],
    ['limit=201', false],
    ['status=sleeping', false],
    ['severity=P7', false],
    ['since=yesterday', false],
  ])('GET /api/v1/incidents?%s → accepted: %s', async (query, accepted) => {
    const params = doc.paths['/api/v1/incidents']?.get?.parameters ?? [];
    const coercing = new Ajv2020({ strict: false, coerceTypes: true });
    addFormats.default(coercing);
    const ok = [...new URLSearchParams(query)].every(([name, value]) => {
      const p = params.find((x) => x.name === name && x.in === 'query');
      return p !== undefined && coercing.validate(p.schema as object, value);
    });
    expect(ok).toBe(accepted);
    expect((await t.request('GET', `/api/v1/incidents?${query}`)).status).toBe(accepted ? 200 : 400);
  });

  it('a layer index that is not one is refused by both', async () => {
    const param = doc.paths['/api/v1/schedules/{id}/layers/{index}']?.delete?.parameters?.find(
      (p) => p.name === 'index',
    );
    const coercing = new Ajv2020({ strict: false, coerceTypes: true });
    expect(coercing.validate(param?.schema as object, 'top')).toBe(false);
    const res = await t.request(
      'DELETE',
      '/api/v1/schedules/00000000-0000-4000-8000-000000000000/layers/top',
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: { field: string }[] }).errors).toEqual([
      expect.objectContaining({ field: 'index' }),
    ]);
  });
});

describe('the routes answer as the document says', () => {
  const answerOf = async (method: string, template: string, path: string, body?: unknown) => {
    const res = await t.request(method, path, body);
    const status = String(res.status);
    const media = (res.headers.get('content-type') ?? '').split(';')[0] ?? '';
    const value: unknown = await res.json();
    const at = ['paths', template, method.toLowerCase(), 'responses', status, 'content', media, 'schema'];
    const result = conforms(value, ...at);
    expect([path, status, result.errors ?? null]).toEqual([path, status, null]);
    return value as Record<string, unknown>;
  };

  it('incidents, users, schedules, on-call answers, alerts, settings and the audit log', async () => {
    const user = await answerOf('POST', '/api/v1/users', '/api/v1/users', {
      name: 'Ada',
      email: 'ada@example.com',
    });
    await answerOf('POST', '/api/v1/webhooks/generic', '/api/v1/webhooks/generic', {
      title: 'Queue backlog',
      service: 'jobs',
    });
    const inc = await answerOf('POST', '/api/v1/incidents', '/api/v1/incidents', {
      title: 'Checkout down',
      severity: 'P1',
    });
    await answerOf('POST', '/api/v1/incidents/{ref}/assign', `/api/v1/incidents/${inc.ref}/assign`, {
      user: 'ada@example.com',
    });
    await answerOf('POST', '/api/v1/incidents/{ref}/notes', `/api/v1/incidents/${inc.ref}/notes`, {
      text: 'Rolling back',
    });
    await answerOf('GET', '/api/v1/incidents', '/api/v1/incidents?limit=5');
    await answerOf('GET', '/api/v1/incidents/{ref}', `/api/v1/incidents/${inc.ref}`);
    await answerOf('GET', '/api/v1/alerts', '/api/v1/alerts');
    await answerOf('GET', '/api/v1/users', '/api/v1/users');
    const layer = {
      name: 'Primary',
      participants: [user.id],
      start: '2026-03-02T09:00:00Z',
      turn: { unit: 'days', count: 1 },
      handoffTime: '09:00',
      restrictions: [{ weekdays: [1, 2, 3, 4, 5], startTime: '09:00', endTime: '17:00' }],
    };
    const sched = await answerOf('POST', '/api/v1/schedules', '/api/v1/schedules', {
      name: 'Checkout',
      timeZone: 'Europe/London',
      layers: [layer],
    });
    const id = String(sched.id);
    await answerOf('POST', '/api/v1/schedules/{id}/overrides', `/api/v1/schedules/${id}/overrides`, {
      userId: user.id,
      start: '2026-03-03T09:00:00Z',
      end: '2026-03-03T12:00:00Z',
    });
    await answerOf('GET', '/api/v1/schedules', '/api/v1/schedules');
    await answerOf('GET', '/api/v1/schedules/{id}/overrides', `/api/v1/schedules/${id}/overrides`);
    await answerOf(
      'GET',
      '/api/v1/schedules/{id}/oncall',
      `/api/v1/schedules/${id}/oncall?at=2026-03-03T10:00:00Z`,
    );
    await answerOf(
      'GET',
      '/api/v1/schedules/{id}/oncall',
      `/api/v1/schedules/${id}/oncall?at=2026-03-07T10:00:00Z`,
    );
    await answerOf(
      'GET',
      '/api/v1/schedules/{id}/shifts',
      `/api/v1/schedules/${id}/shifts?from=2026-03-02T00:00:00Z&to=2026-03-09T00:00:00Z`,
    );
    await answerOf('GET', '/api/v1/schedules/{id}/gaps', `/api/v1/schedules/${id}/gaps`);
    await answerOf('GET', '/api/v1/schedules/{id}/handoffs', `/api/v1/schedules/${id}/handoffs`);
    await answerOf('GET', '/api/v1/users/{id}/ical', `/api/v1/users/${user.id}/ical`);
    await answerOf('GET', '/api/v1/settings', '/api/v1/settings');
    await answerOf('GET', '/api/v1/slack/routes', '/api/v1/slack/routes');
    await answerOf('GET', '/api/v1/audit', '/api/v1/audit');
    await answerOf('POST', '/api/v1/incidents/{ref}/resolve', `/api/v1/incidents/${inc.ref}/resolve`);
    const again = await answerOf(
      'POST',
      '/api/v1/incidents/{ref}/resolve',
      `/api/v1/incidents/${inc.ref}/resolve`,
    );
    expect(again.status).toBe(409);
    await answerOf('GET', '/api/v1/incidents/{ref}', '/api/v1/incidents/INC-999999');
  });

  it('contact methods', async () => {
    const user = await answerOf('POST', '/api/v1/users', '/api/v1/users', {
      name: 'Cy',
      email: 'cy@example.com',
    });
    const list = '/api/v1/users/{id}/contact-methods';
    const base = `/api/v1/users/${user.id}/contact-methods`;
    const m = await answerOf('POST', list, base, { type: 'sms', phoneNumber: '+14155550100' });
    expect((await answerOf('POST', list, base, { type: 'sms', phoneNumber: '+1 555 0100' })).status).toBe(
      400,
    );
    expect((await answerOf('POST', list, base, { type: 'sms', phoneNumber: '+14155550100' })).id).toBe(m.id);
    await answerOf('GET', list, base);
    const verify = `${list}/{cmId}/verify`;
    expect((await answerOf('POST', verify, `${base}/${m.id}/verify`, { code: '12' })).status).toBe(400);
    const resend = `${list}/{cmId}/resend`;
    expect((await answerOf('POST', resend, `${base}/${m.id}/resend`)).status).toBe(429);
    await answerOf('POST', `${list}/{cmId}/mark-verified`, `${base}/${m.id}/mark-verified`);
    expect((await answerOf('POST', resend, `${base}/${m.id}/resend`)).status).toBe(409);
    const gone = await answerOf(
      'GET',
      list,
      '/api/v1/users/00000000-0000-4000-8000-000000000000/contact-methods',
    );
    expect(gone.status).toBe(404);
  });

  it('health, readiness and metrics', async () => {
    for (const [path, status] of [
      ['/healthz', 'ok'],
      ['/readyz', 'ready'],
    ] as const) {
      const res = await fetch(`${t.url}${path}`);
      expect([path, res.status, await res.json()]).toEqual([path, 200, { status }]);
    }
    const metrics = await fetch(`${t.url}/metrics`);
    expect(metrics.headers.get('content-type')).toBe(t.metrics.registry.contentType);
    expect(await metrics.text()).toContain('opswatch_alerts_received_total');
  });

  it('PagerDuty’s answers on /v2/enqueue', async () => {
    const res = await fetch(`${t.url}/v2/enqueue`, {
      method: 'POST',
      body: JSON.stringify({ event_action: 'trigger' }),
    });
    expect(res.status).toBe(400);
    const answer = await res.json();
    const shape = conforms(
      answer,
      'paths',
      '/v2/enqueue',
      'post',
      'responses',
      '400',
      'content',
      'application/json',
      'schema',
    );
    expect(shape.errors ?? null).toBeNull();
    expect(answer).toMatchObject({ status: 'invalid event' });
  });
});
