/**
 * Contact methods: Alice adds her phone → it is unverified and one code goes out (an SMS, or a call for voice) →
 * wrong codes use her 5 tries → a code lasts 10 minutes and a new one comes at most once a minute → the right
 * code makes it active → only then do her rules page it. Admins may mark a number verified (audited); people
 * manage their own numbers, managers and admins anyone's; removing a number removes the rules that used it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { applyConfig } from '../src/cli/apply.js';
import { withTx } from '../src/db/tx.js';
import { contactMethodsReads } from '../src/domains/paging/index.js';
import type { Actor, UserRole } from '../src/shared/actor.js';
import { isAppError } from '../src/shared/errors.js';
import { startTestApp, type TestApp } from './harness/app.js';
import { addKey, addPerson, addTenant, type TestTenant } from './harness/tenants.js';

let t: TestApp;
let other: TestTenant;
const u = {} as Record<'alice' | 'bob' | 'viewer' | 'manager' | 'admin', string>;
let writeKey = '';

beforeAll(async () => {
  t = await startTestApp();
  const tenant = t.actor.tenantId;
  const person = (name: string, role: UserRole) =>
    addPerson(t, tenant, { name, role, email: `${name.toLowerCase()}@example.com` });
  u.alice = await person('Alice', 'responder');
  u.bob = await person('Bob', 'responder');
  u.viewer = await person('Vera', 'viewer');
  u.manager = await person('Max', 'manager');
  u.admin = await person('Ada', 'admin');
  writeKey = await addKey(t, tenant, ['write']);
  other = await addTenant(t, 'other');
});
afterAll(async () => {
  await t?.close();
});

interface Method {
  id: string;
  status: string;
  phoneNumber: string;
  verified: boolean;
  verifiedBy: string | null;
  codeSentAt: string | null;
  codeExpiresAt: string | null;
}
interface Problem {
  status: number;
  detail: string;
  errors?: { field: string; message: string }[];
}

const as = (who: keyof typeof u, role: UserRole): Actor => ({
  tenantId: t.actor.tenantId,
  kind: 'user',
  id: u[who],
  name: who,
  roles: [role],
  source: 'slack',
});
const path = (user: string, rest = '') => `/api/v1/users/${user}/contact-methods${rest}`;
const body = async <T>(res: Response) => (await res.json()) as T;
const add = async (user: string, input: unknown, headers?: Record<string, string>) =>
  t.request('POST', path(user), input, headers);
const addOk = async (user: string, input: unknown) => {
  const res = await add(user, input);
  expect(res.status).toBe(201);
  return body<Method>(res);
};
const codes = (id: string) =>
  t.sql<{
    destination: string;
    lane: string;
    incident_id: string | null;
    code: string;
    idempotency_key: string;
  }>(
    `select destination, lane, incident_id, payload->>'code' as code, idempotency_key from outbox
     where payload->>'type' = 'verification' and payload->>'contactMethodId' = ? order by id`,
    [id],
  );
const lastCode = async (id: string) => (await codes(id)).at(-1)?.code ?? '';
const verify = (user: string, id: string, code: string) =>
  t.request('POST', path(user, `/${id}/verify`), { code });
const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');
const row = async (id: string) =>
  (
    await t.sql<{ code_tries: number; code_hash: string | null }>(
      'select code_tries, code_hash from contact_methods where id = ?',
      [id],
    )
  )[0];
const refusal = async (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (err: unknown) => (isAppError(err) ? err.code : `unexpected ${String(err)}`),
  );

describe('adding a phone number', () => {
  it('refuses a bad number with a 400 naming phoneNumber, and stores nothing', async () => {
    const res = await add(u.alice, { type: 'sms', phoneNumber: '+1 555 0100' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect((await body<Problem>(res)).errors).toEqual([
      {
        field: 'phoneNumber',
        message: '+1 555 0100 is not a valid phone number; use the international format, e.g. +14155550100.',
      },
    ]);
    const bad = await add(u.alice, { type: 'pager', phoneNumber: '+14155550100' });
    expect((await body<Problem>(bad)).errors?.map((e) => e.field)).toEqual(['type']);
    expect(await t.sql('select id from contact_methods')).toEqual([]);
    expect(await t.sql(`select id from outbox where destination in ('sms', 'voice')`)).toEqual([]);
  });

  it('adds it unverified, in E.164, and sends exactly one 6-digit code (SMS by text, voice by a call)', async () => {
    const sms = await addOk(u.alice, { type: 'sms', phoneNumber: '+1 (415) 555-0100' });
    expect(sms).toMatchObject({
      phoneNumber: '+14155550100',
      status: 'unverified',
      verified: false,
      codeSentAt: '2026-03-02T09:00:00.000Z',
      codeExpiresAt: '2026-03-02T09:10:00.000Z',
    });
    const sent = await codes(sms.id);
    expect(sent).toEqual([
      {
        destination: 'sms',
        lane: '+14155550100',
        incident_id: null,
        code: expect.stringMatching(/^\d{6}$/),
        idempotency_key: `verify:${sms.id}:${Date.parse('2026-03-02T09:00:00Z')}`,
      },
    ]);
    // Only its hash is kept.
    expect((await row(sms.id))?.code_hash).toMatch(/^[0-9a-f]{64}$/);
    expect((await row(sms.id))?.code_hash).not.toContain(sent[0]?.code);

    const voice = await addOk(u.alice, { type: 'voice', phoneNumber: '+14155550100' });
    expect((await codes(voice.id)).map((c) => [c.destination, c.lane])).toEqual([['voice', '+14155550100']]);

    // The same number again is the same method, and no second code within the minute.
    const again = await add(u.alice, { type: 'sms', phoneNumber: '+14155550100' });
    expect(again.status).toBe(200);
    expect((await body<Method>(again)).id).toBe(sms.id);
    expect(await codes(sms.id)).toHaveLength(1);

    const list = await body<Method[]>(await t.request('GET', path(u.alice)));
    expect(list.map((m) => m.id)).toEqual([sms.id, voice.id]);
  });
});

describe('verifying', () => {
  it('counts wrong codes: 4 leave tries, the 5th voids the code, and then even the right one is refused', async () => {
    t.clock.set('2026-03-03T09:00:00Z');
    const m = await addOk(u.bob, { type: 'sms', phoneNumber: '+447911123456' });
    const code = await lastCode(m.id);
    for (let i = 1; i <= 4; i++) {
      const res = await verify(u.bob, m.id, wrong(code));
      expect(res.status).toBe(400);
      expect((await body<Problem>(res)).errors).toEqual([
        { field: 'code', message: `That code is not right; ${5 - i} ${5 - i === 1 ? 'try' : 'tries'} left.` },
      ]);
      expect((await row(m.id))?.code_tries).toBe(i);
    }
    const fifth = await body<Problem>(await verify(u.bob, m.id, wrong(code)));
    expect(fifth.detail).toBe(
      'That code is not right, and that was the last of 5 tries: ask for a new code.',
    );
    expect(await row(m.id)).toEqual({ code_tries: 5, code_hash: null });
    const right = await body<Problem>(await verify(u.bob, m.id, code));
    expect(right.errors).toEqual([
      { field: 'code', message: 'No code is waiting for this number: ask for a new code.' },
    ]);
    // A malformed code uses no try.
    const malformed = await verify(u.bob, m.id, '12a456');
    expect((await body<Problem>(malformed)).errors?.[0]?.field).toBe('code');
  });

  it('sends a new code at most once a minute; the new one resets the tries and works', async () => {
    t.clock.set('2026-03-04T09:00:00Z');
    const m = await addOk(u.bob, { type: 'voice', phoneNumber: '+447911123456' });
    const first = await lastCode(m.id);
    await verify(u.bob, m.id, wrong(first));
    t.clock.set('2026-03-04T09:00:59Z');
    const soon = await t.request('POST', path(u.bob, `/${m.id}/resend`));
    expect(soon.status).toBe(429);
    expect((await body<Problem>(soon)).detail).toContain('ask again in 1 second.');
    expect(await codes(m.id)).toHaveLength(1);
    t.clock.set('2026-03-04T09:01:00Z');
    const res = await t.request('POST', path(u.bob, `/${m.id}/resend`));
    expect(res.status).toBe(200);
    expect((await body<Method>(res)).codeExpiresAt).toBe('2026-03-04T09:11:00.000Z');
    expect(await codes(m.id)).toHaveLength(2);
    expect((await row(m.id))?.code_tries).toBe(0);
    const second = await lastCode(m.id);
    if (second !== first) expect((await verify(u.bob, m.id, first)).status).toBe(400);
    const ok = await verify(u.bob, m.id, second);
    expect(ok.status).toBe(200);
    expect(await body<Method>(ok)).toMatchObject({ status: 'active', verified: true, verifiedBy: 'code' });
    const resend = await t.request('POST', path(u.bob, `/${m.id}/resend`));
    expect(resend.status).toBe(409);
  });

  it('a code expires after 10 minutes; the right code before then makes the method active', async () => {
    t.clock.set('2026-03-05T09:00:00Z');
    const late = await addOk(u.bob, { type: 'sms', phoneNumber: '+33612345678' });
    t.clock.set('2026-03-05T09:10:00Z');
    const expired = await body<Problem>(await verify(u.bob, late.id, await lastCode(late.id)));
    expect(expired.errors).toEqual([
      { field: 'code', message: 'The code has expired (a code lasts 10 minutes): ask for a new code.' },
    ]);
    expect((await row(late.id))?.code_tries).toBe(0);

    const m = await addOk(u.bob, { type: 'sms', phoneNumber: '+4915112345678' });
    t.clock.set('2026-03-05T09:19:59Z');
    const res = await verify(u.bob, m.id, await lastCode(m.id));
    expect(res.status).toBe(200);
    expect(await body<Method>(res)).toMatchObject({
      status: 'active',
      verified: true,
      verifiedBy: 'code',
      codeSentAt: '2026-03-05T09:10:00.000Z',
      codeExpiresAt: null,
    });
  });
});

describe('who may do what', () => {
  it('an admin marks a number verified (audited); a write key, a manager and a responder may not', async () => {
    t.clock.set('2026-03-06T09:00:00Z');
    const m = await addOk(u.alice, { type: 'sms', phoneNumber: '+12015550123' });
    const byKey = await t.request('POST', path(u.alice, `/${m.id}/mark-verified`), undefined, {
      authorization: `Bearer ${writeKey}`,
    });
    expect(byKey.status).toBe(403);
    expect((await body<Problem>(byKey)).detail).toContain('needs the admin scope');
    const cm = t.services.contactMethods;
    expect(await refusal(cm.markVerified(as('manager', 'manager'), u.alice, m.id))).toBe('forbidden');
    expect(await refusal(cm.markVerified(as('alice', 'responder'), u.alice, m.id))).toBe('forbidden');
    expect(
      await refusal(
        cm.create(as('manager', 'manager'), u.alice, {
          type: 'voice',
          phoneNumber: '+12015550123',
          verified: true,
        }),
      ),
    ).toBe('forbidden');

    const res = await t.request('POST', path(u.alice, `/${m.id}/mark-verified`));
    expect(res.status).toBe(200);
    expect(await body<Method>(res)).toMatchObject({
      status: 'active',
      verifiedBy: expect.stringMatching(/^admin:/),
    });
    const audit = await t.sql<{ action: string; target_id: string }>(
      `select action, target_id from audit_events where target_type = 'contact_method' and target_id = ? order by id`,
      [m.id],
    );
    expect(audit.map((a) => a.action)).toEqual(['contact_method.created', 'contact_method.marked_verified']);

    const byAdmin = await cm.markVerified(
      as('admin', 'admin'),
      u.bob,
      (await addOk(u.bob, { type: 'sms', phoneNumber: '+12015550124' })).id,
    );
    expect(byAdmin.verifiedBy).toBe(`admin:${u.admin}`);
  });

  it('people manage their own numbers; managers anyone’s; viewers see only their own', async () => {
    const cm = t.services.contactMethods;
    const alice = as('alice', 'responder');
    const own = await cm.create(alice, u.alice, { type: 'voice', phoneNumber: '+12015550125' });
    expect(own.status).toBe('unverified');
    expect(await refusal(cm.create(alice, u.bob, { type: 'voice', phoneNumber: '+12015550125' }))).toBe(
      'forbidden',
    );
    expect(await refusal(cm.list(alice, u.bob))).toBe('forbidden');
    const bobs = await cm.list(as('bob', 'responder'), u.bob);
    expect(await refusal(cm.remove(alice, u.bob, bobs[0]?.id ?? ''))).toBe('forbidden');
    expect(await refusal(cm.resendCode(alice, u.bob, bobs[0]?.id ?? ''))).toBe('forbidden');
    expect(await refusal(cm.verify(alice, u.bob, bobs[0]?.id ?? '', { code: '000000' }))).toBe('forbidden');
    expect(await refusal(cm.list(as('viewer', 'viewer'), u.viewer))).toBe('ok');
    expect(await refusal(cm.list(as('viewer', 'viewer'), u.alice))).toBe('forbidden');
    expect(
      await refusal(
        cm.create(as('viewer', 'viewer'), u.viewer, { type: 'sms', phoneNumber: '+12015550126' }),
      ),
    ).toBe('forbidden');
    expect(await refusal(cm.list(as('manager', 'manager'), u.alice))).toBe('ok');
    const forBob = await cm.create(as('manager', 'manager'), u.bob, {
      type: 'voice',
      phoneNumber: '+12015550127',
    });
    expect(await refusal(cm.remove(as('manager', 'manager'), u.bob, forBob.id))).toBe('ok');
  });

  it('another tenant’s users and methods are 404', async () => {
    const [m] = await t.services.contactMethods.list(t.actor, u.alice);
    const theirs = { authorization: `Bearer ${other.key}` };
    expect((await t.request('GET', path(u.alice), undefined, theirs)).status).toBe(404);
    expect((await add(u.alice, { type: 'sms', phoneNumber: '+14155550100' }, theirs)).status).toBe(404);
    const carol = await addPerson(t, other.id, { name: 'Carol', role: 'responder' });
    for (const [method, rest, payload] of [
      ['POST', `/${m?.id}/verify`, { code: '123456' }],
      ['POST', `/${m?.id}/resend`, undefined],
      ['POST', `/${m?.id}/mark-verified`, undefined],
      ['DELETE', `/${m?.id}`, undefined],
    ] as const) {
      expect([method, rest, (await t.request(method, path(u.alice, rest), payload, theirs)).status]).toEqual([
        method,
        rest,
        404,
      ]);
      expect((await t.request(method, path(carol, rest), payload, theirs)).status).toBe(404);
    }
    // Another person's method under this person's path is 404 too.
    expect((await t.request('DELETE', path(u.bob, `/${m?.id}`))).status).toBe(404);
    expect((await t.request('DELETE', path(u.bob, '/not-an-id'))).status).toBe(404);
    expect(await t.services.contactMethods.list(t.actor, u.alice)).toContainEqual(
      expect.objectContaining({ id: m?.id }),
    );
  });
});

describe('notification rules by SMS and voice', () => {
  const rules = (user: string) => `/api/v1/users/${user}/notification-rules`;

  it('are refused until the method is verified, and need a method of their own type', async () => {
    t.clock.set('2026-03-07T09:00:00Z');
    const sms = await addOk(u.alice, { type: 'sms', phoneNumber: '+447911123457' });
    const put = (method: string, id: string) =>
      t.request('PUT', rules(u.alice), {
        high: [
          { method: 'slack_dm', delayMinutes: 0 },
          { method, delayMinutes: 5, contactMethodId: id },
        ],
        low: [],
      });
    const refused = await put('sms', sms.id);
    expect(refused.status).toBe(400);
    expect((await body<Problem>(refused)).errors).toEqual([
      {
        field: 'high.1.contactMethodId',
        message: `sms needs a verified phone contact method; ${sms.id} is not a verified sms contact method of this person.`,
      },
    ]);
    expect((await verify(u.alice, sms.id, await lastCode(sms.id))).status).toBe(200);
    expect((await put('voice', sms.id)).status).toBe(400);
    const ok = await put('sms', sms.id);
    expect(ok.status).toBe(200);
    expect((await body<{ high: unknown[] }>(ok)).high).toEqual([
      { method: 'slack_dm', delayMinutes: 0 },
      { method: 'sms', delayMinutes: 5, contactMethodId: sms.id },
    ]);
    // Bob cannot name Alice's number.
    const bobs = await t.request('PUT', rules(u.bob), {
      high: [{ method: 'sms', delayMinutes: 0, contactMethodId: sms.id }],
      low: [],
    });
    expect(bobs.status).toBe(400);
  });

  it('removing a method removes the rules that used it (audited), and keeps the others', async () => {
    const [sms] = (await t.services.contactMethods.list(t.actor, u.alice)).filter(
      (m) => m.phoneNumber === '+447911123457',
    );
    const res = await t.request('DELETE', path(u.alice, `/${sms?.id}`));
    expect(res.status).toBe(204);
    const after = await body<{ high: unknown[]; defaulted: { high: boolean } }>(
      await t.request('GET', rules(u.alice)),
    );
    expect(after.high).toEqual([{ method: 'slack_dm', delayMinutes: 0 }]);
    expect(await t.sql('select id from contact_methods where id = ?', [sms?.id])).toEqual([]);
    const audit = await t.sql<{ data: { rulesRemoved: number } }>(
      `select data from audit_events where action = 'contact_method.removed' and target_id = ?`,
      [sms?.id],
    );
    expect(audit.map((a) => a.data.rulesRemoved)).toEqual([1]);
    expect((await t.request('DELETE', path(u.alice, `/${sms?.id}`))).status).toBe(404);
  });
});

describe('what the Twilio side reads and changes (system scope)', () => {
  it('finds active and disabled methods by number in every tenant; STOP disables, START re-enables the verified', async () => {
    t.clock.set('2026-03-09T09:00:00Z');
    const phone = '+14155550177';
    const verified = await addOk(u.alice, { type: 'sms', phoneNumber: phone, verified: true });
    const unverified = await addOk(u.bob, { type: 'sms', phoneNumber: phone });
    const carol = await addPerson(t, other.id, { name: 'Carol', role: 'responder' });
    const theirs = await add(
      carol,
      { type: 'voice', phoneNumber: phone, verified: true },
      {
        authorization: `Bearer ${other.key}`,
      },
    );
    expect(theirs.status).toBe(201);
    const theirId = (await body<Method>(theirs)).id;
    const sys = <T>(fn: Parameters<typeof withTx<T>>[2]) => withTx(t.orm, 'system', fn);
    const found = await sys((em) => contactMethodsReads.activeByPhone(em, phone));
    expect(found.map((m) => [m.id, m.status]).sort()).toEqual(
      [
        [verified.id, 'active'],
        [theirId, 'active'],
      ].sort(),
    );
    expect(found.find((m) => m.id === theirId)).toMatchObject({
      tenant_id: other.id,
      user_id: carol,
      type: 'voice',
    });
    const at = t.clock.now();
    const stopped = await sys((em) =>
      contactMethodsReads.setStatus(em, [verified.id, unverified.id, theirId], 'disabled', 'Texted STOP', at),
    );
    expect(stopped.sort()).toEqual([verified.id, unverified.id, theirId].sort());
    const alices = await t.services.contactMethods.list(t.actor, u.alice);
    expect(alices.find((m) => m.id === verified.id)).toMatchObject({
      status: 'disabled',
      statusReason: 'Texted STOP',
    });
    expect((await t.request('POST', path(u.alice, `/${verified.id}/mark-verified`))).status).toBe(409);
    await sys((em) => contactMethodsReads.setStatus(em, [verified.id, unverified.id], 'active', null, at));
    const got = await sys((em) => contactMethodsReads.get(em, t.actor.tenantId, unverified.id));
    expect(got).toMatchObject({ status: 'unverified', statusReason: null });
    expect(await sys((em) => contactMethodsReads.get(em, t.actor.tenantId, verified.id))).toMatchObject({
      status: 'active',
    });
    expect(await sys((em) => contactMethodsReads.get(em, t.actor.tenantId, theirId))).toBeNull();
  });
});

describe('opswatch apply', () => {
  const file = `
users:
  - name: Dana
    email: dana@example.com
    contactMethods:
      - { type: sms, phoneNumber: "+1 415 555 0111", verified: true }
      - { type: voice, phoneNumber: "+14155550111" }
    notificationRules:
      high:
        - { method: slack_dm, delayMinutes: 0 }
        - { method: sms, phoneNumber: "+14155550111", delayMinutes: 5 }
`;
  const verificationRows = async () =>
    (
      await t.sql<{ n: number }>(
        `select count(*)::int as n from outbox where payload->>'type' = 'verification'`,
      )
    )[0]?.n;
  const auditCount = async () =>
    (await t.sql<{ n: number }>('select count(*)::int as n from audit_events'))[0]?.n;

  it('adds the methods (verified ones audited, others sent a code) and rules naming them by number', async () => {
    t.clock.set('2026-03-08T09:00:00Z');
    const codesBefore = await verificationRows();
    const r = await applyConfig(t.services, t.actor, [{ name: 'people.yaml', text: file }]);
    expect(r).toMatchObject({ ok: true, problems: [] });
    expect(r.changes).toEqual(
      expect.arrayContaining([
        'contact method sms +14155550111 of dana@example.com: created (verified)',
        'contact method voice +14155550111 of dana@example.com: created (code sent)',
        'notification rules of dana@example.com: updated',
      ]),
    );
    const dana = (await t.services.users.list(t.actor)).find((x) => x.email === 'dana@example.com')?.id ?? '';
    const methods = await t.services.contactMethods.list(t.actor, dana);
    expect(methods.map((m) => [m.type, m.phoneNumber, m.status])).toEqual([
      ['sms', '+14155550111', 'active'],
      ['voice', '+14155550111', 'unverified'],
    ]);
    expect(await verificationRows()).toBe((codesBefore ?? 0) + 1);
    const rules = await t.services.notificationRules.get(t.actor, dana);
    expect(rules.high).toEqual([
      { method: 'slack_dm', delayMinutes: 0 },
      { method: 'sms', delayMinutes: 5, contactMethodId: methods[0]?.id },
    ]);
  });

  it('changes nothing and sends no second code when applied again, even minutes later', async () => {
    t.clock.set('2026-03-08T09:05:00Z');
    const [codesBefore, auditBefore] = [await verificationRows(), await auditCount()];
    const r = await applyConfig(t.services, t.actor, [{ name: 'people.yaml', text: file }]);
    expect(r.ok).toBe(true);
    expect(r.changes.filter((c) => !c.endsWith(': unchanged'))).toEqual([]);
    expect(await verificationRows()).toBe(codesBefore);
    expect(await auditCount()).toBe(auditBefore);
  });

  it('refuses, before writing anything, rules naming a number that is not a verified method of that type', async () => {
    const bad = file
      .replace('dana@example.com', 'erin@example.com')
      .replace('name: Dana', 'name: Erin')
      .replace('{ method: sms, phoneNumber: "+14155550111"', '{ method: voice, phoneNumber: "+14155550111"')
      .replace('+1 415 555 0111', '+1 555 0100');
    const r = await applyConfig(t.services, t.actor, [{ name: 'bad.yaml', text: bad }]);
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([
      'bad.yaml: users[0].contactMethods[0].phoneNumber: +1 555 0100 is not a valid phone number; use the international format, e.g. +14155550100.',
      'bad.yaml: users[0].notificationRules.high[1].phoneNumber: +14155550111 is not a verified voice contact method of erin@example.com (declare it under contactMethods with verified: true, or verify it first)',
    ]);
    expect((await t.services.users.list(t.actor)).some((x) => x.email === 'erin@example.com')).toBe(false);
  });
});
