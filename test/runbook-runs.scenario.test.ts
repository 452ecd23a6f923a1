import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunDto } from '../src/domains/remediation/index.js';
import type { Actor } from '../src/shared/actor.js';
import { isAppError } from '../src/shared/errors.js';
import { startTestApp, type TestApp } from './harness/app.js';
import { addPolicy, addUser, declare, setServicePolicy } from './harness/escalation-fixtures.js';
import { type FakeHttpTarget, startFakeHttpTarget } from './harness/fake-http-target.js';
import { type FakeKubernetes, startFakeKubernetes } from './harness/fake-kubernetes.js';

/**
 * Runbook actions behind their safety policy: alice asks for a restart of checkout's API through the CI system;
 * the policy wants two people who are on call (bob and carol), neither of them alice; dave, not on call, cannot
 * approve. Kubernetes actions dry-run first, then restart or scale the deployment; verify watches the incident's
 * alerts and rolls back when they keep firing. A worker dying mid-call never causes a second call of an action
 * that is not idempotent.
 */
let t: TestApp;
let kube: FakeKubernetes;
let target: FakeHttpTarget;
const ids: Record<string, string> = {};

const person = (name: string): Actor => ({
  tenantId: t.actor.tenantId,
  kind: 'user',
  id: ids[name]!,
  name,
  roles: ['responder'],
  source: 'slack',
});

const runs = () => t.services.remediation.runs;
const start = (who: Actor, action: string, incident: string) =>
  runs().start(who, { runbook: 'checkout-api', action, incident });
const get = (id: string) => runs().get(t.actor, id);
/** What refusing `fn` said (the test fails when it was not refused). */
async function refusal(fn: () => Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await fn();
  } catch (err) {
    if (isAppError(err)) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected a refusal');
}
const work = () => t.services.remediation.runDue();
const minutes = (n: number) => t.clock.advance(n * 60_000);

/** An Alertmanager alert for checkout (firing or resolved). */
async function alert(status: 'firing' | 'resolved', fingerprint: string, service = 'checkout') {
  const labels = { alertname: 'HighErrorRate', service, instance: 'api-1' };
  const res = await t.request('POST', '/api/v1/webhooks/alertmanager', {
    version: '4',
    groupKey: `{}:{alertname="HighErrorRate",fp="${fingerprint}"}`,
    status,
    receiver: 'opswatch',
    groupLabels: { alertname: 'HighErrorRate' },
    commonLabels: labels,
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example:9093',
    truncatedAlerts: 0,
    alerts: [
      {
        status,
        labels,
        annotations: { summary: 'errors' },
        startsAt: '2026-03-02T09:00:00Z',
        endsAt: status === 'resolved' ? t.clock.now().toISOString() : '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus.example:9090/graph',
        fingerprint,
      },
    ],
  });
  expect(res.status).toBe(200);
  const [row] = await t.sql<{ ref: string }>(
    `select 'INC-' || i.number as ref from alerts a join incidents i on i.id = a.incident_id
     where a.dedup_key like ? order by a.first_seen_at desc limit 1`,
    [`%${fingerprint}%`],
  );
  return row!.ref;
}

/** An `http` action's target on the fake target, with a secret header and a JSON body template. */
const http = (path: string) => ({
  kind: 'http' as const,
  method: 'POST' as const,
  url: `${target.url}${path}`,
  // biome-ignore lint/suspicious/noTemplateCurlyInString: an action's secret reference, resolved by OpsWatch
  headers: { Authorization: 'Bearer ${env:CI_TOKEN}', 'Content-Type': 'application/json' },
  body: '{"incident":"{{incident.ref}}","instance":"{{labels.instance}}"}',
});

beforeAll(async () => {
  kube = await startFakeKubernetes();
  kube.addDeployment('default', 'checkout', 2);
  target = await startFakeHttpTarget();
  t = await startTestApp({
    remediation: { kubeconfig: kube.kubeconfig, env: { CI_TOKEN: 's3cret' } },
  });
  for (const name of ['alice', 'bob', 'carol', 'dave'])
    ids[name] = await addUser(t, name, `U0${name.toUpperCase()}`);
  // bob and carol are paged for checkout: they are on call for it.
  const policy = await addPolicy(t, 'Checkout', {
    steps: [
      {
        delayMinutes: 5,
        targets: [
          { type: 'user', id: ids.bob },
          { type: 'user', id: ids.carol },
        ],
      },
    ],
    repeat: 0,
    urgency: { high: [1, 2, 3, 4, 5] },
  });
  await setServicePolicy(t, 'checkout', policy);
  await t.services.runbooks.create(t.actor, {
    name: 'Checkout API',
    slug: 'checkout-api',
    service: 'checkout',
    markdown: '# Checkout API\n\n## Automated actions\n- restart',
    actions: [
      {
        name: 'restart-api',
        title: 'Restart the API (CI)',
        target: http('/restart'),
        policy: { approval: 'two', maxPerHour: 10, verifyMinutes: 0 },
      },
      {
        name: 'rollout',
        title: 'Rollout restart',
        target: {
          kind: 'kubernetes',
          operation: 'rollout_restart',
          namespace: 'default',
          deployment: 'checkout',
        },
        policy: { approval: 'one', maxPerHour: 10, verifyMinutes: 10 },
        rollback: 'scale-up',
      },
      {
        name: 'scale-up',
        title: 'Scale to 4',
        target: {
          kind: 'kubernetes',
          operation: 'scale',
          namespace: 'default',
          deployment: 'checkout',
          replicas: 4,
          maxReplicas: 6,
        },
        policy: { approval: 'none', maxPerHour: 10, verifyMinutes: 0 },
      },
      {
        name: 'ping',
        title: 'Ping',
        target: http('/ping'),
        policy: { approval: 'none', maxPerHour: 2, verifyMinutes: 0, timeoutSeconds: 1 },
      },
      {
        name: 'kick',
        title: 'Kick',
        target: http('/kick'),
        policy: { approval: 'none', maxPerHour: 10, verifyMinutes: 0, timeoutSeconds: 1 },
      },
      {
        name: 'kick-idempotent',
        title: 'Kick (idempotent)',
        target: http('/kick'),
        policy: { approval: 'none', maxPerHour: 10, verifyMinutes: 0, idempotent: true },
      },
    ],
  });
});
afterAll(async () => {
  await t?.close();
  await kube?.close();
  await target?.close();
});

describe('runbook action runs', () => {
  it('two-person approval: the requester and the same approver twice are refused; a second person runs it', async () => {
    const { ref } = await declare(t, 'checkout', 2, 'Checkout errors');
    const run = await start(person('alice'), 'restart-api', ref);
    expect(run.stage).toBe('preflight');
    await work();
    expect((await get(run.id)).stage).toBe('approval');

    expect(await refusal(() => runs().decide(person('alice'), run.id, 'approve'))).toEqual({
      code: 'forbidden',
      message: 'You requested this run: someone else must approve it.',
    });
    expect((await runs().decide(person('bob'), run.id, 'approve')).stage).toBe('approval');
    expect(await refusal(() => runs().decide(person('bob'), run.id, 'approve'))).toEqual({
      code: 'conflict',
      message: 'You have already approved this run: a second person must.',
    });
    // dave is not on call for checkout: a click from him is refused, whatever it carries.
    expect((await refusal(() => runs().decide(person('dave'), run.id, 'approve'))).message).toMatch(
      /may not approve this run: the policy asks for whoever is on call/,
    );
    expect(target.actions()).toHaveLength(0);

    expect((await runs().decide(person('carol'), run.id, 'approve')).stage).toBe('execute');
    await work();
    const done = await get(run.id);
    expect(done.stage).toBe('done');
    expect(done.approvals.map((a) => a.name)).toEqual(['bob', 'carol']);
    const sent = target.actions().filter((r) => r.path === '/restart');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.headers.authorization).toBe('Bearer s3cret');
    expect(JSON.parse(sent[0]!.body)).toEqual({ incident: ref, instance: '' });
    // Every stage is on the timeline and in the audit log; the secret is stored nowhere.
    const events = await t.sql<{ data: { stage: string; outcome: string } }>(
      "select data from timeline_entries where kind = 'runbook_run' and data->>'runId' = ? order by created_at, id",
      [run.id],
    );
    expect(events.map((e) => `${e.data.stage}:${e.data.outcome.split(':')[0]}`)).toEqual([
      'preflight:requested',
      'approval:passed',
      'approval:approved (1 of 2)',
      'execute:approved',
      'executing:started',
      'done:ok',
    ]);
    const audit = await t.sql<{ n: number }>(
      "select count(*)::int as n from audit_events where target_type = 'runbook_run' and target_id = ?",
      [run.id],
    );
    expect(audit[0]!.n).toBe(6);
    const leaked = await t.sql<{ n: number }>(
      "select count(*)::int as n from runbook_runs where action::text like '%s3cret%' or history::text like '%s3cret%'",
    );
    expect(leaked[0]!.n).toBe(0);
  });

  it('an approval after the window expired is refused, and the run expires', async () => {
    const { ref } = await declare(t, 'checkout', 2, 'Checkout errors again');
    const run = await start(person('alice'), 'restart-api', ref);
    await work();
    minutes(31);
    expect(await refusal(() => runs().decide(person('bob'), run.id, 'approve'))).toEqual({
      code: 'conflict',
      message: 'The approval window has expired: start the run again.',
    });
    await work();
    const r = await get(run.id);
    expect(r.stage).toBe('expired');
    expect(r.error).toBe('Nobody approved within 30 min');
  });

  it('rate limit: the maxPerHour+1th run of an action for a service is refused with a message', async () => {
    const { ref } = await declare(t, 'checkout', 3, 'Pings');
    await start(person('alice'), 'ping', ref);
    await start(person('alice'), 'ping', ref);
    const r = await refusal(() => start(person('alice'), 'ping', ref));
    expect(r).toEqual({
      code: 'rate_limited',
      message: 'Rate limit: ping already ran 2 times for checkout in the last hour (at most 2).',
    });
    const list = await runs().list(t.actor, ref);
    expect(list.map((x) => x.stage)).toEqual(['preflight', 'preflight', 'rate_limited']);
    await work();
    expect(target.actions().filter((x) => x.path === '/ping')).toHaveLength(2);
    // An hour later it may run again.
    minutes(61);
    expect((await start(person('alice'), 'ping', ref)).stage).toBe('preflight');
    await work();
  });

  it('kubernetes: the dry run leaves the deployment unchanged; the execute restarts it; verify passes when the alert resolves', async () => {
    const ref = await alert('firing', 'fp-rollout-ok');
    const run = await start(person('alice'), 'rollout', ref);
    await work();
    expect(await get(run.id)).toMatchObject({ stage: 'approval', error: null });
    const dry = kube.calls.filter((c) => c.method === 'PATCH');
    expect(dry).toHaveLength(1);
    expect(dry[0]!.dryRun).toBe('All');
    expect(dry[0]!.contentType).toBe('application/merge-patch+json');
    expect(kube.deployment('default', 'checkout')!.spec.template.metadata.annotations).toBeUndefined();
    expect(kube.deployment('default', 'checkout')!.metadata.generation).toBe(1);

    await runs().decide(person('bob'), run.id, 'approve');
    await work();
    expect((await get(run.id)).stage).toBe('verify');
    const annotations = kube.deployment('default', 'checkout')!.spec.template.metadata.annotations!;
    expect(annotations['kubectl.kubernetes.io/restartedAt']).toBe(t.clock.now().toISOString());
    expect(kube.calls.filter((c) => c.method === 'PATCH' && c.dryRun === null)).toHaveLength(1);

    // Still firing at the next look; resolved by Alertmanager before the one after.
    minutes(0.5);
    await work();
    expect((await get(run.id)).stage).toBe('verify');
    await alert('resolved', 'fp-rollout-ok');
    minutes(0.5);
    await work();
    const r = await get(run.id);
    expect(r.stage).toBe('done');
    expect(r.history.at(-1)!.outcome).toBe("ok: the incident's alerts resolved");
    expect(kube.unexpected).toEqual([]);
  });

  it('verify failing runs the rollback action through the same pipeline', async () => {
    const ref = await alert('firing', 'fp-rollout-bad');
    const run = await start(person('alice'), 'rollout', ref);
    await work();
    await runs().decide(person('carol'), run.id, 'approve');
    await work();
    expect((await get(run.id)).stage).toBe('verify');
    for (let i = 0; i < 21; i++) {
      minutes(0.5);
      await work();
    }
    const list = await runs().list(t.actor, ref);
    expect(list.map((x) => [x.action, x.stage])).toEqual([
      ['rollout', 'rolled_back'],
      ['scale-up', 'done'],
    ]);
    expect(list[0]!.history.find((h) => h.stage === 'failed')!.error).toBe(
      "Verify: the incident's alerts still fire after 10 min; rolling back with scale-up",
    );
    expect(list[1]!.rollbackOf).toBe(run.id);
    expect(kube.deployment('default', 'checkout')!.spec.replicas).toBe(4);
  });

  it('a worker killed mid-execute: not idempotent → failed "outcome unknown", never called twice', async () => {
    const { ref } = await declare(t, 'checkout', 3, 'Kick');
    const run = await start(person('alice'), 'kick', ref);
    // A worker marked the run executing (and committed), then died before the target answered.
    await t.sql(
      "update runbook_runs set stage = 'executing', attempt_id = gen_random_uuid(), executions = 1, next_at = ? where id = ?",
      [new Date(t.clock.now().getTime() + 90_000), run.id],
    );
    const before = target.actions().length;
    await work();
    expect((await get(run.id)).stage).toBe('executing'); // within its lease: left alone
    minutes(2);
    await work();
    const r = await get(run.id);
    expect(r.stage).toBe('failed');
    expect(r.error).toMatch(/^Outcome unknown: .*not retried \(the action is not idempotent\)$/);
    expect(target.actions().length).toBe(before);
  });

  it('a worker killed mid-execute: idempotent → executed once more', async () => {
    const { ref } = await declare(t, 'checkout', 3, 'Kick again');
    const run = await start(person('alice'), 'kick-idempotent', ref);
    await t.sql(
      "update runbook_runs set stage = 'executing', attempt_id = gen_random_uuid(), executions = 1, next_at = ? where id = ?",
      [new Date(t.clock.now().getTime() - 1000), run.id],
    );
    const before = target.actions().length;
    await work();
    const r = await get(run.id);
    expect(r.stage).toBe('done');
    expect(r.executions).toBe(2);
    expect(target.actions().length).toBe(before + 1);
  });

  it('auto-run: an incident triggering with an attached runbook runs its auto action without a person', async () => {
    await t.services.runbooks.create(t.actor, {
      name: 'Payments restart',
      slug: 'payments-restart',
      service: 'payments',
      markdown: '# Payments',
      actions: [
        {
          name: 'auto-restart',
          title: 'Restart payments',
          target: {
            ...http('/auto'),
            body: '{"incident":"{{incident.ref}}","instance":"{{labels.instance}}"}',
          },
          policy: { approval: 'none', auto: true, maxPerHour: 3, verifyMinutes: 0 },
        },
        {
          name: 'manual',
          title: 'Not automatic',
          target: http('/manual'),
          policy: { approval: 'none', maxPerHour: 3, verifyMinutes: 0 },
        },
      ],
    });
    const ref = await alert('firing', 'fp-auto', 'payments');
    await t.tick(); // attaches the runbook (runbook_attached), which starts the auto action's run
    const [run] = await runs().list(t.actor, ref);
    expect(run).toMatchObject({ action: 'auto-restart', auto: true, requestedBy: 'OpsWatch (auto-run)' });
    await work();
    expect((await get(run!.id)).stage).toBe('done');
    const sent = target.actions().filter((r) => r.path === '/auto');
    expect(sent).toHaveLength(1);
    expect(JSON.parse(sent[0]!.body)).toEqual({ incident: ref, instance: 'api-1' });
    expect(target.actions().filter((r) => r.path === '/manual')).toHaveLength(0);
    expect(await runs().list(t.actor, ref)).toHaveLength(1);
  });

  it('a person’s run uses the runbook as it is now: an action fixed during the incident runs fixed', async () => {
    await t.services.runbooks.create(t.actor, {
      name: 'Search restart',
      slug: 'search-restart',
      service: 'search',
      markdown: '# Search',
      actions: [
        {
          name: 'restart',
          title: 'Restart search',
          target: http('/broken'),
          policy: { approval: 'none', maxPerHour: 3, verifyMinutes: 0 },
        },
      ],
    });
    const ref = await alert('firing', 'fp-fixed', 'search');
    await t.tick(); // attaches version 1
    expect((await t.services.incidents.get(t.actor, ref)).runbooks).toMatchObject([
      { slug: 'search-restart', version: 1 },
    ]);
    await t.services.runbooks.update(t.actor, 'search-restart', {
      actions: [
        {
          name: 'restart',
          title: 'Restart search',
          target: http('/fixed'),
          policy: { approval: 'none', maxPerHour: 3, verifyMinutes: 0 },
        },
      ],
    });
    const run = await runs().start(person('alice'), {
      runbook: 'search-restart',
      action: 'restart',
      incident: ref,
    });
    expect(run.runbookVersion).toBe(2);
    await work();
    expect((await get(run.id)).stage).toBe('done');
    expect(target.actions().filter((r) => r.path === '/fixed')).toHaveLength(1);
    expect(target.actions().filter((r) => r.path === '/broken')).toHaveLength(0);
  });

  it('the target answering 5xx, or timing out, fails the execute stage with the error; nothing is retried', async () => {
    const { ref } = await declare(t, 'checkout', 3, 'Kick fails');
    target.set({ status: 503 });
    const before = target.actions().length;
    const a = await start(person('alice'), 'kick', ref);
    await work();
    const failed: RunDto = await get(a.id);
    expect(failed.stage).toBe('failed');
    expect(failed.error).toMatch(/^Execute: POST 127\.0\.0\.1:\d+\/kick answered 503/);
    target.set({ status: 200, hang: true });
    const b = await start(person('alice'), 'kick', ref);
    await work();
    const timedOut = await get(b.id);
    expect(timedOut.stage).toBe('failed');
    expect(timedOut.error).toMatch(/timed out after 1 s$/);
    minutes(5);
    await work();
    expect(target.actions().length).toBe(before + 2);
    target.set({ hang: false });
  });
});
