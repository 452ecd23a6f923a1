/**
 * `opswatch apply` with services, escalation policies (targets by user email and schedule name) and users'
 * managers and notification rules: resolved to ids, idempotent (applying twice changes nothing and bumps no
 * version), and every unknown name reported with its path in the file before anything is written.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { applyConfig } from '../src/cli/apply.js';
import { startTestApp, type TestApp } from './harness/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

const example = readFileSync(new URL('../manifests/opswatch-config.example.yaml', import.meta.url), 'utf8');
const auditCount = async () =>
  (await t.sql<{ n: number }>('select count(*)::int as n from audit_events'))[0]?.n;

describe('opswatch apply: escalation', () => {
  it('creates the example’s policy with its targets resolved to ids, its services, managers and rules', async () => {
    const r = await applyConfig(t.services, t.actor, [{ name: 'example.yaml', text: example }]);
    expect(r).toMatchObject({ ok: true, problems: [] });
    const users = await t.services.users.list(t.actor);
    const id = (email: string) => users.find((u) => u.email === email)?.id;
    const schedule = await t.services.rosters.scheduleByName(t.actor, 'Payments');
    const [policy] = await t.services.policies.list(t.actor);
    expect(policy).toMatchObject({
      name: 'Payments escalation',
      version: 1,
      repeat: 2,
      ackTimeoutMinutes: 60,
      steps: [
        { delayMinutes: 5, targets: [{ type: 'schedule', id: schedule?.id }] },
        {
          delayMinutes: 10,
          targets: [
            { type: 'manager_of', of: 'schedule', id: schedule?.id },
            { type: 'user', id: id('carol@example.com') },
          ],
        },
        { delayMinutes: 10, targets: [{ type: 'slack_channel', id: 'C0123PAYTEAM' }] },
      ],
    });
    const services = await t.services.catalog.list(t.actor);
    expect(services.map((s) => [s.name, s.escalationPolicyId, s.slackChannel])).toEqual([
      ['checkout', policy?.id, 'C0123CHECKOUT'],
      ['payments', policy?.id, 'payments-oncall'],
    ]);
    expect(users.find((u) => u.email === 'alice@example.com')?.managerId).toBe(id('carol@example.com'));
    expect(users.find((u) => u.email === 'bob@example.com')?.managerId).toBe(id('carol@example.com'));
    const rules = await t.services.notificationRules.get(t.actor, id('alice@example.com') ?? '');
    expect(rules).toMatchObject({
      high: [
        { method: 'slack_dm', delayMinutes: 0 },
        { method: 'slack_dm', delayMinutes: 5 },
      ],
      defaulted: { high: false, low: false },
    });
  });

  it('changes nothing when applied again, and bumps the version only when the policy changes', async () => {
    const before = await auditCount();
    const again = await applyConfig(t.services, t.actor, example);
    expect(again.ok).toBe(true);
    expect(again.changes.filter((c) => !c.endsWith(': unchanged'))).toEqual([]);
    expect(await auditCount()).toBe(before);
    expect((await t.services.policies.list(t.actor))[0]?.version).toBe(1);

    const changed = await applyConfig(
      t.services,
      t.actor,
      example.replace('delayMinutes: 5\n', 'delayMinutes: 7\n'),
    );
    expect(changed.changes).toContain('escalation policy "Payments escalation": updated (version 2)');
    expect(changed.changes.filter((c) => !c.endsWith(': unchanged'))).toEqual([
      'escalation policy "Payments escalation": updated (version 2)',
    ]);
  });

  it('names the file and the path of every unknown user, schedule and policy, and writes nothing', async () => {
    const before = await auditCount();
    const bad = `
users:
  - name: Dave
    email: dave@example.com
    manager: nobody@example.com
    notificationRules:
      high:
        - { method: sms, delayMinutes: 0 }
escalationPolicies:
  - name: Broken
    steps:
      - delayMinutes: 5
        targets:
          - { type: user, id: alice@example.com }
          - { type: user, id: zed@example.com }
          - { type: schedule, id: Nowhere }
          - { type: manager_of, of: user, id: dave@example.com }
services:
  - name: search
    escalationPolicy: No Such Policy
`;
    const r = await applyConfig(t.services, t.actor, [{ name: 'bad.yaml', text: bad }]);
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([
      'bad.yaml: users[0].manager: "nobody@example.com" is not the email of a known user or of one under users:',
      'bad.yaml: users[0].notificationRules.high[0].method: sms needs a verified phone contact method: name it with phoneNumber (or contactMethodId)',
      'bad.yaml: escalationPolicies[0].steps[0].targets[1].id: "zed@example.com" is neither a user id nor the email of a known user or of one under users:',
      'bad.yaml: escalationPolicies[0].steps[0].targets[2].id: "Nowhere" is neither a schedule id nor the name of a known schedule or of one under schedules:',
      'bad.yaml: services[0].escalationPolicy: "No Such Policy" is not the name of a known escalation policy or of one under escalationPolicies:',
    ]);
    expect(await auditCount()).toBe(before);
    const shape = await applyConfig(t.services, t.actor, [
      {
        name: 'shape.yaml',
        text: 'escalationPolicies:\n  - name: X\n    steps:\n      - delayMinutes: -1\n        targets: []\n',
      },
    ]);
    expect(shape.problems).toEqual([
      expect.stringMatching(/^shape\.yaml: escalationPolicies\[0\]\.steps\[0\]\.delayMinutes: /),
      expect.stringMatching(/^shape\.yaml: escalationPolicies\[0\]\.steps\[0\]\.targets: /),
    ]);
  });

  it('keeps applying files with only Slack routes, as before', async () => {
    const r = await applyConfig(t.services, t.actor, 'slack:\n  routes:\n    payments: "#payments-oncall"\n');
    expect(r.changes).toEqual(['slack routes (1): updated']);
    const services = await t.services.catalog.list(t.actor);
    // The routes replace the channels; the services and their policies stay.
    expect(services.map((s) => [s.name, s.slackChannel, s.escalationPolicyId !== null])).toEqual([
      ['checkout', null, true],
      ['payments', 'payments-oncall', true],
    ]);
  });
});
