import { randomUUID } from 'node:crypto';
import type { TestApp } from './app.js';

/** Escalation fixtures: people, policies, services and rules written straight to the tables. */

export async function addUser(t: TestApp, name: string, slackUserId: string | null): Promise<string> {
  const res = await t.request('POST', '/api/v1/users', {
    name,
    email: `${name.toLowerCase().replace(/\W+/g, '.')}@example.com`,
    ...(slackUserId ? { slackUserId } : {}),
    timeZone: 'Europe/Berlin',
  });
  if (res.status !== 201) throw new Error(`user ${name}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

export async function addPolicy(t: TestApp, name: string, spec: unknown): Promise<string> {
  const id = randomUUID();
  await t.sql(
    `insert into escalation_policies (id, tenant_id, name, spec, version, created_at, updated_at)
     values (?, ?, ?, ?::jsonb, 1, now(), now())`,
    [id, t.actor.tenantId, name, JSON.stringify(spec)],
  );
  return id;
}

export async function setServicePolicy(t: TestApp, service: string, policyId: string | null): Promise<void> {
  await t.sql(
    `insert into services (id, tenant_id, name, escalation_policy_id, created_at, updated_at)
     values (?, ?, ?, ?, now(), now())
     on conflict (tenant_id, name) do update set escalation_policy_id = excluded.escalation_policy_id`,
    [randomUUID(), t.actor.tenantId, service, policyId],
  );
}

export async function setRules(
  t: TestApp,
  userId: string,
  urgency: 'high' | 'low',
  rules: { method: string; delayMinutes: number }[],
): Promise<void> {
  await t.sql('delete from notification_rules where user_id = ? and urgency = ?', [userId, urgency]);
  for (const [i, r] of rules.entries())
    await t.sql(
      `insert into notification_rules (id, tenant_id, user_id, urgency, position, method, delay_minutes, created_at)
       values (?, ?, ?, ?, ?, ?, ?, now())`,
      [randomUUID(), t.actor.tenantId, userId, urgency, i, r.method, r.delayMinutes],
    );
}

export async function declare(
  t: TestApp,
  service: string,
  severity = 1,
  title = 'Checkout is down',
): Promise<{ id: string; ref: string; number: number }> {
  const res = await t.request('POST', '/api/v1/incidents', { title, service, severity });
  if (res.status !== 201) throw new Error(`declare: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string; ref: string; number: number };
}

export interface PageRowView {
  user_id: string | null;
  generation: number;
  loop: number;
  step: number;
  rule_position: number;
  method: string;
  status: string;
  detail: string | null;
  due_at: Date;
}

export const pagesOf = (t: TestApp, incidentId: string) =>
  t.sql<PageRowView>(
    `select user_id, generation, loop, step, rule_position, method, status, detail, due_at from pages
     where incident_id = ? order by generation, loop, step, created_at, rule_position`,
    [incidentId],
  );

export const timelineKinds = async (t: TestApp, incidentId: string): Promise<string[]> =>
  (
    await t.sql<{ kind: string }>(
      'select kind from timeline_entries where incident_id = ? order by created_at, id',
      [incidentId],
    )
  ).map((r) => r.kind);
