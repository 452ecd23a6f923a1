/**
 * Paging by SMS and call through Twilio, end to end under the manual clock: OpsWatch's real `twilio` SDK talks
 * to a fake Twilio over HTTP, which sends signed status callbacks, inbound SMS and pressed keys back to OpsWatch's
 * public URL (mapped to its local port, as behind a proxy). Closing the app fails the file on any SMS or call a
 * test did not expect.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { newId } from '../src/shared/ids.js';
import { PUBLIC_BASE_URL, startTestApp, type TestApp } from './harness/app.js';
import type { FakeTwilio } from './harness/fake-twilio.js';

let t: TestApp;
let tw: FakeTwilio;
const u = { ana: '', bo: '' };
const PHONE = { ana: '+14155550101', bo: '+14155550102', cy: '+14155550103' };
const cm = { anaSms: '', anaVoice: '', boSms: '' };

const json = async <T>(res: Response | Promise<Response>) => (await (await res).json()) as T;
const post = (path: string, body: unknown) => t.request('POST', path, body);

async function addUser(name: string, slackUserId: string): Promise<string> {
  const res = await post('/api/v1/users', {
    name,
    email: `${name.toLowerCase()}@example.com`,
    slackUserId,
    timeZone: 'UTC',
    role: 'responder',
  });
  if (res.status !== 201) throw new Error(`user ${name}: ${res.status} ${await res.text()}`);
  return (await json<{ id: string }>(res)).id;
}

/** A verified phone (as if its code had been entered). */
async function addPhone(userId: string, type: 'sms' | 'voice', phone: string): Promise<string> {
  const id = newId();
  await t.sql(
    `insert into contact_methods (id, tenant_id, user_id, type, phone_number, status, verified_at, verified_by,
       created_at, updated_at) values (?, ?, ?, ?, ?, 'active', now(), 'code', now(), now())`,
    [id, t.actor.tenantId, userId, type, phone],
  );
  return id;
}

/** High-urgency rules, straight into the table (the rules API refuses phones until they are verified). */
async function setRules(
  userId: string,
  rules: { method: string; delay: number; cm?: string }[],
): Promise<void> {
  await t.sql('delete from notification_rules where user_id = ?', [userId]);
  for (const [i, r] of rules.entries())
    await t.sql(
      `insert into notification_rules (id, tenant_id, user_id, urgency, position, method, contact_method_id,
         delay_minutes, created_at) values (?, ?, ?, 'high', ?, ?, ?, ?, now())`,
      [newId(), t.actor.tenantId, userId, i, r.method, r.cm ?? null, r.delay],
    );
}

const run = async () => {
  await t.tick();
  await t.app.deliverOnce();
  await tw.idle();
};
const at = async (iso: string) => {
  t.clock.set(iso);
  await run();
};
const declare = (title: string, service = 'checkout') =>
  json<{ id: string; ref: string; number: number }>(
    post('/api/v1/incidents', { title, service, severity: 1 }),
  );
const status = async (ref: string) =>
  (await json<{ status: string }>(t.request('GET', `/api/v1/incidents/${ref}`))).status;
const pageRows = (incidentId: string) =>
  t.sql<{ method: string; status: string; delivery: string | null; due_at: Date; detail: string | null }>(
    `select method, status, delivery, due_at, detail from pages where incident_id = ? and user_id is not null
     order by rule_position`,
    [incidentId],
  );
const timeline = async (ref: string) =>
  (
    await json<{ timeline: { message: string }[] }>(t.request('GET', `/api/v1/incidents/${ref}`))
  ).timeline.map((e) => e.message);

beforeAll(async () => {
  t = await startTestApp({ slack: true, twilio: true });
  if (!t.twilio) throw new Error('no twilio');
  tw = t.twilio;
  t.clock.set('2026-03-02T03:00:00Z');
  u.ana = await addUser('Ana', 'U0ANA');
  u.bo = await addUser('Bo', 'U0BO');
  cm.anaSms = await addPhone(u.ana, 'sms', PHONE.ana);
  cm.anaVoice = await addPhone(u.ana, 'voice', PHONE.ana);
  cm.boSms = await addPhone(u.bo, 'sms', PHONE.bo);
  const policy = await json<{ id: string }>(
    post('/api/v1/escalation-policies', {
      name: 'Checkout',
      steps: [
        { delayMinutes: 30, targets: [{ type: 'user', id: u.ana }] },
        { delayMinutes: 30, targets: [{ type: 'user', id: u.bo }] },
      ],
    }),
  );
  const svc = await post('/api/v1/services', { name: 'checkout', escalationPolicyId: policy.id });
  if (svc.status !== 201) throw new Error(`service: ${svc.status} ${await svc.text()}`);
});
afterEach(() => tw.assertNothingUnexpected());
afterAll(async () => {
  await t?.close();
});

describe('paging by SMS and call', () => {
  it('DM, then SMS, then a call as the rules say; the call acknowledges with 4', async () => {
    await setRules(u.ana, [
      { method: 'slack_dm', delay: 0 },
      { method: 'sms', delay: 1, cm: cm.anaSms },
      { method: 'voice', delay: 3, cm: cm.anaVoice },
    ]);
    const inc = await declare('Checkout 5xx above 5%');
    await at('2026-03-02T03:00:00Z');
    expect(tw.messages).toHaveLength(0);
    await at('2026-03-02T03:00:59Z');
    expect(tw.messages).toHaveLength(0);
    await at('2026-03-02T03:01:00Z');
    const sms = await tw.expectSms(PHONE.ana, `INC-${inc.number} P1 checkout`, `Reply ${inc.number}a to ack`);
    expect(sms.body).toBe(
      `INC-${inc.number} P1 checkout: Checkout 5xx above 5%. Reply ${inc.number}a to ack, ${inc.number}e to escalate, ${inc.number}c to close.`,
    );
    expect(sms.params.StatusCallback).toMatch(new RegExp(`^${PUBLIC_BASE_URL}/twilio/status\\?send=`));
    // The fake's callbacks (sent, delivered) came back signed and moved the ledger on.
    expect((await pageRows(inc.id))[1]).toMatchObject({
      method: 'sms',
      status: 'sent',
      delivery: 'delivered',
    });
    await at('2026-03-02T03:03:00Z');
    const call = await tw.nextCall(PHONE.ana);
    expect(call.params.MachineDetection).toBe('Enable');
    const turn = await call.answer();
    expect(turn.said.join(' ')).toContain('Incident');
    expect(turn.said.join(' ')).toContain('Press 4 to acknowledge');
    const after = await call.press('4');
    expect(after.said.join(' ')).toContain(`Acknowledged INC-${inc.number}.`);
    expect(await status(inc.ref)).toBe('acknowledged');
    expect(await timeline(inc.ref)).toContain(`INC-${inc.number} acknowledged by Ana by phone`);
  });

  it('an SMS reply acknowledges; the call due later is not made', async () => {
    const inc = await declare('Payments queue backlog');
    await at('2026-03-02T04:00:00Z');
    await at('2026-03-02T04:01:00Z');
    await tw.expectSms(PHONE.ana, `INC-${inc.number}`);
    const answer = await tw.sendSms({ from: PHONE.ana, body: `${inc.number} a` });
    expect(answer.status).toBe(200);
    expect(answer.replies.map((r) => r.body)).toEqual([`Acknowledged INC-${inc.number}.`]);
    await tw.expectSms(PHONE.ana, 'Acknowledged');
    expect(await status(inc.ref)).toBe('acknowledged');
    expect(await timeline(inc.ref)).toContain(`INC-${inc.number} acknowledged by Ana by SMS`);
    await at('2026-03-02T04:03:00Z');
    expect(tw.calls.filter((c) => c.at >= new Date('2026-03-02T04:00:00Z'))).toHaveLength(0);
    expect((await pageRows(inc.id)).map((p) => p.status)).toEqual(['sent', 'sent', 'cancelled']);
  });

  it('a forged or missing signature is refused with 403 and changes nothing', async () => {
    const inc = await declare('Forged ack');
    await at('2026-03-02T05:00:00Z');
    await at('2026-03-02T05:01:00Z');
    await tw.expectSms(PHONE.ana, `INC-${inc.number}`);
    const forged = await tw.forge('/twilio/sms', { From: PHONE.ana, Body: `${inc.number}a` }, 'bad');
    expect(forged.status).toBe(403);
    const missing = await tw.forge('/twilio/sms', { From: PHONE.ana, Body: `${inc.number}a` }, 'missing');
    expect(missing.status).toBe(403);
    expect(await status(inc.ref)).toBe('triggered');
    await t.request('POST', `/api/v1/incidents/${inc.ref}/resolve`, {});
  });

  it('a call not answered runs the next rule at once', async () => {
    await setRules(u.ana, [
      { method: 'voice', delay: 0, cm: cm.anaVoice },
      { method: 'sms', delay: 10, cm: cm.anaSms },
    ]);
    const inc = await declare('Disk full on db-2');
    await at('2026-03-02T06:00:00Z');
    const call = await tw.nextCall(PHONE.ana);
    await call.noAnswer();
    await tw.idle();
    const rows = await pageRows(inc.id);
    expect(rows[0]).toMatchObject({ method: 'voice', delivery: 'no-answer' });
    expect(new Date(rows[1]?.due_at ?? 0).toISOString()).toBe('2026-03-02T06:00:00.000Z');
    await at('2026-03-02T06:01:00Z');
    await tw.expectSms(PHONE.ana, `INC-${inc.number}`);
    await t.request('POST', `/api/v1/incidents/${inc.ref}/resolve`, {});
  });
});
