import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from './harness/app.js';

/**
 * Runbooks over REST: create, read by id or slug, edit (every edit a new version, none when nothing changed),
 * history and diffs, templates, soft delete, and bad input answered 400 naming the field. Then the story of an
 * incident: alerts arrive by webhook, the engine ticks, the runbooks their labels match or their runbook_url
 * names are attached, once each, as a timeline event the incident's detail lists.
 */
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

const MD = '# High error rate\n\n## Symptoms\n\n- 5xx above 5%\n\n## Immediate checks\n\n1. Recent deploys\n';

const body = async <T = Record<string, unknown>>(res: Response, status: number): Promise<T> => {
  const text = await res.text();
  expect({ status: res.status, text }).toEqual({ status, text: expect.any(String) });
  return (text ? JSON.parse(text) : null) as T;
};

const restartAction = {
  name: 'restart',
  title: 'Restart checkout',
  target: { kind: 'kubernetes', operation: 'rollout_restart', namespace: 'default', deployment: 'checkout' },
};

describe('runbooks over REST', () => {
  it('creates, reads, versions, diffs and deletes a runbook', async () => {
    const created = await body<{ id: string; slug: string; version: number; matchers: string }>(
      await t.request('POST', '/api/v1/runbooks', {
        name: 'High error rate',
        owner: 'payments-team',
        service: 'checkout',
        matchers: 'alertname=HighErrorRate',
        markdown: MD,
        actions: [restartAction],
      }),
      201,
    );
    expect(created).toMatchObject({
      slug: 'high-error-rate',
      version: 1,
      matchers: 'alertname="HighErrorRate"',
    });

    const bySlug = await body<{ id: string; actions: { policy: { approval: string } }[] }>(
      await t.request('GET', '/api/v1/runbooks/high-error-rate'),
      200,
    );
    expect(bySlug.id).toBe(created.id);
    expect(bySlug.actions[0]!.policy.approval).toBe('one');

    // The same content again: no new version.
    const same = await body<{ version: number }>(
      await t.request('PUT', `/api/v1/runbooks/${created.id}`, { markdown: MD }),
      200,
    );
    expect(same.version).toBe(1);

    const edited = await body<{ version: number }>(
      await t.request('PUT', '/api/v1/runbooks/high-error-rate', {
        markdown: `${MD}2. Error logs\n`,
        owner: 'checkout-team',
        actions: [restartAction, { ...restartAction, name: 'restart-api', title: 'Restart the API' }],
      }),
      200,
    );
    expect(edited.version).toBe(2);

    const versions = await body<{ items: { version: number; owner: string; editedBy: { kind: string } }[] }>(
      await t.request('GET', '/api/v1/runbooks/high-error-rate/versions'),
      200,
    );
    expect(versions.items.map((v) => [v.version, v.owner])).toEqual([
      [2, 'checkout-team'],
      [1, 'payments-team'],
    ]);
    expect(versions.items[0]!.editedBy.kind).toBe('api_key');

    const diff = await body<{ markdown: string; fields: { field: string; from: unknown; to: unknown }[] }>(
      await t.request('GET', '/api/v1/runbooks/high-error-rate/versions/1/diff/2'),
      200,
    );
    expect(diff.markdown).toContain('--- high-error-rate.md\tversion 1');
    expect(diff.markdown).toContain('+2. Error logs');
    expect(diff.fields).toEqual([
      { field: 'owner', from: 'payments-team', to: 'checkout-team' },
      { field: 'actions.restart-api', from: null, to: expect.objectContaining({ name: 'restart-api' }) },
    ]);
    await body(await t.request('GET', '/api/v1/runbooks/high-error-rate/versions/1/diff/9'), 404);

    const list = await body<{ items: { slug: string; actions: unknown[] }[] }>(
      await t.request('GET', '/api/v1/runbooks?service=checkout'),
      200,
    );
    expect(list.items.map((r) => [r.slug, r.actions.length])).toEqual([['high-error-rate', 2]]);
    expect(
      (await body<{ items: unknown[] }>(await t.request('GET', '/api/v1/runbooks?service=search'), 200))
        .items,
    ).toEqual([]);

    // A second runbook may not take the slug; after a delete it may.
    await body(await t.request('POST', '/api/v1/runbooks', { name: 'High error rate', markdown: MD }), 409);
    await body(await t.request('DELETE', '/api/v1/runbooks/high-error-rate'), 204);
    await body(await t.request('GET', `/api/v1/runbooks/${created.id}`), 404);
    const again = await body<{ id: string; version: number }>(
      await t.request('POST', '/api/v1/runbooks', { name: 'High error rate', markdown: MD }),
      201,
    );
    expect(again.id).not.toBe(created.id);
    // The deleted one's versions are kept (attachments keep theirs).
    const kept = await t.sql<{ n: number }>(
      'select count(*)::int as n from runbook_versions where runbook_id = ?',
      [created.id],
    );
    expect(kept[0]!.n).toBe(2);
    // The run pipeline reads an action of a version, a deleted runbook's too.
    const ref = await t.services.runbooks.actionOf(t.actor.tenantId, created.id, 2, 'restart-api');
    expect(ref).toMatchObject({
      runbook: { id: created.id, slug: 'high-error-rate', name: 'High error rate', version: 2 },
      action: { name: 'restart-api', target: { kind: 'kubernetes' } },
    });
    expect(ref?.actions.map((a) => a.name)).toEqual(['restart', 'restart-api']);
    expect(await t.services.runbooks.actionOf(t.actor.tenantId, created.id, 1, 'restart-api')).toBeNull();
    expect(await t.services.runbooks.actionOf(t.actor.tenantId, 'not-a-uuid', 1, 'restart')).toBeNull();
    await body(await t.request('DELETE', `/api/v1/runbooks/${again.id}`), 204);
  });

  it('ships templates with the six sections and valid actions', async () => {
    const { items } = await body<{ items: { key: string; markdown: string; actions: unknown[] }[] }>(
      await t.request('GET', '/api/v1/runbooks/templates'),
      200,
    );
    expect(items.map((i) => i.key)).toEqual([
      'high-error-rate',
      'high-latency',
      'disk-full',
      'certificate-expiry',
      'pod-crash-loop',
    ]);
    for (const tpl of items) {
      for (const s of [
        'Symptoms',
        'Immediate checks',
        'Automated actions',
        'Manual remediation',
        'Escalation',
        'Links',
      ])
        expect(tpl.markdown).toContain(`## ${s}`);
      expect(tpl.actions.length).toBeGreaterThan(0);
    }
    // A template posts as it is.
    const tpl = items.find((i) => i.key === 'high-latency')!;
    await body(
      await t.request('POST', '/api/v1/runbooks', {
        ...tpl,
        key: undefined,
        slug: 'tpl-latency',
        name: 'Latency',
      }),
      201,
    );
    await body(await t.request('DELETE', '/api/v1/runbooks/tpl-latency'), 204);
  });

  const http = (over: Record<string, unknown>) => ({
    name: 'call',
    title: 'Call the API',
    target: { kind: 'http', url: 'https://ci.example.com/run', ...over },
  });
  const k8s = (over: Record<string, unknown>) => ({
    name: 'k',
    title: 'Kubernetes',
    target: {
      kind: 'kubernetes',
      operation: 'rollout_restart',
      namespace: 'default',
      deployment: 'web',
      ...over,
    },
  });
  it.each([
    ['Markdown over 100 KB', { markdown: 'x'.repeat(100 * 1024 + 1) }, 'markdown', '100 KB'],
    ['a matcher that does not parse', { matchers: 'alertname=="x' }, 'matchers', 'matcher'],
    [
      'a template naming an unknown field',
      { actions: [http({ body: '{{incident.owner}}' })] },
      'actions.0.target.body',
      'incident.owner',
    ],
    [
      'an action URL that is not http(s)',
      { actions: [http({ url: 'file:///etc/passwd' })] },
      'actions.0.target.url',
      'url must be http(s)',
    ],
    [
      'a namespace outside the allowed ones',
      { actions: [k8s({ namespace: 'kube-system' })] },
      'actions.0.target.namespace',
      'kube-system',
    ],
    [
      'a rollback naming a missing action',
      { actions: [{ ...http({}), rollback: 'undo' }] },
      'actions.0.rollback',
      'undo',
    ],
    ['duplicate action names', { actions: [http({}), http({})] }, 'actions.1.name', 'duplicate'],
    [
      'auto without approval none',
      { actions: [{ ...http({}), policy: { auto: true } }] },
      'actions.0.policy.auto',
      'auto',
    ],
    [
      'a scale above maxReplicas',
      { actions: [k8s({ operation: 'scale', replicas: 50 })] },
      'actions.0.target.replicas',
      'maxReplicas',
    ],
  ])('refuses %s: 400 naming the field, nothing stored', async (_what, over, field, words) => {
    const res = await t.request('POST', '/api/v1/runbooks', { name: 'Bad one', markdown: MD, ...over });
    const problem = await body<{ errors: { field: string; message: string }[] }>(res, 400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(problem.errors).toEqual(
      expect.arrayContaining([{ field, message: expect.stringContaining(words) }]),
    );
    expect(await t.sql('select 1 from runbooks where slug = ?', ['bad-one'])).toEqual([]);
  });
});

describe('runbooks attached to incidents', () => {
  const generic = async (alert: Record<string, unknown>) => {
    const res = await t.request('POST', '/api/v1/webhooks/generic', alert);
    expect(res.status).toBeLessThan(300);
  };
  const incidentOf = async (dedupKey: string) =>
    (
      await t.sql<{ id: string; number: number }>(
        'select i.id, i.number from incidents i join alerts a on a.incident_id = i.id where a.dedup_key = ?',
        [dedupKey],
      )
    )[0]!;
  const attachedEvents = (incidentId: string) =>
    t.sql<{ data: { slug: string; reason: string; version: number } }>(
      `select data from timeline_entries where incident_id = ? and kind = 'runbook_attached' order by id`,
      [incidentId],
    );

  it('attaches by label matchers and by runbook_url, once per runbook, as a timeline event the detail lists', async () => {
    await body(
      await t.request('POST', '/api/v1/runbooks', {
        name: 'Checkout errors',
        service: 'payments',
        matchers: 'alertname=HighErrorRate',
        markdown: MD,
      }),
      201,
    );
    await body(
      await t.request('POST', '/api/v1/runbooks', {
        name: 'Disk full',
        url: 'https://wiki.example.com/ops/Disk-Full',
        markdown: '# Disk full\n',
      }),
      201,
    );
    await body(
      await t.request('POST', '/api/v1/runbooks', {
        name: 'Unrelated',
        matchers: 'alertname=Other',
        markdown: 'x',
      }),
      201,
    );

    await generic({
      title: 'Error rate above 5%',
      service: 'payments',
      dedup_key: 'att-1',
      labels: { alertname: 'HighErrorRate', instance: 'web-1' },
    });
    await generic({
      title: 'Disk almost full',
      service: 'storage',
      dedup_key: 'att-2',
      annotations: { runbook_url: 'https://runbooks.example.com/runbooks/disk-full' },
    });
    const errors = await incidentOf('att-1');
    const disk = await incidentOf('att-2');
    await t.tick();
    await t.tick();
    expect((await attachedEvents(errors.id)).map((e) => e.data)).toEqual([
      {
        runbookId: expect.any(String),
        slug: 'checkout-errors',
        name: 'Checkout errors',
        version: 1,
        reason: 'matchers',
      },
    ]);
    expect((await attachedEvents(disk.id)).map((e) => [e.data.slug, e.data.reason])).toEqual([
      ['disk-full', 'runbook_url'],
    ]);

    // Another alert joins the errors incident (its runbook_url is the disk runbook's configured URL): that one
    // attaches too, and the first is not attached again.
    await generic({
      title: 'Error rate above 5%',
      service: 'payments',
      dedup_key: 'att-3',
      labels: { alertname: 'HighErrorRate', instance: 'web-2' },
      annotations: { runbook_url: 'https://wiki.example.com/ops/Disk-Full/' },
    });
    expect((await incidentOf('att-3')).id).toBe(errors.id);
    await t.tick();
    await t.tick();
    expect((await attachedEvents(errors.id)).map((e) => [e.data.slug, e.data.reason])).toEqual([
      ['checkout-errors', 'matchers'],
      ['disk-full', 'runbook_url'],
    ]);

    const detail = await body<{
      runbooks: { slug: string; name: string; version: number; reason: string }[];
      timeline: { kind: string; message: string }[];
    }>(await t.request('GET', `/api/v1/incidents/INC-${errors.number}`), 200);
    expect(detail.runbooks.map((r) => [r.slug, r.name, r.version, r.reason])).toEqual([
      ['checkout-errors', 'Checkout errors', 1, 'matchers'],
      ['disk-full', 'Disk full', 1, 'runbook_url'],
    ]);
    expect(detail.timeline.find((e) => e.kind === 'runbook_attached')?.message).toBe(
      'Runbook Checkout errors (checkout-errors, version 1) attached: its matchers match the alerts',
    );
    const attached = await t.services.runbooks.attachedTo(t.actor.tenantId, errors.id);
    expect(attached.map((a) => a.slug)).toEqual(['checkout-errors', 'disk-full']);
  });
});
