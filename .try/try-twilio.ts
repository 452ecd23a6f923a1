// Tries Twilio paging the way a user would: OpsWatch started with `npm start` (DATABASE_URL set), a fake Twilio
// standing in for Twilio, the REST API used as the README says. Not part of the repository.
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { startFakeTwilio } from '../test/harness/fake-twilio.js';

const PORT = 3917;
const base = `http://127.0.0.1:${PORT}`;
const KEY = 'ow_try_twilio_key_0123456789abcdef';
const admin = new pg.Client({ connectionString: 'postgresql://postgres@127.0.0.1:5432/postgres' });
await admin.connect();
await admin.query('drop database if exists trytw');
await admin.query('create database trytw');
const tw = await startFakeTwilio({ publicBaseUrl: base, autoCalls: true });
const env = {
  ...process.env,
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/trytw',
  PORT: String(PORT),
  PUBLIC_BASE_URL: base,
  OPSWATCH_API_KEY: KEY,
  ENGINE_TICK_SECONDS: '1',
  LOG_LEVEL: process.env.TRY_LOG ?? 'warn',
  ...tw.env,
};
const proc = spawn('npm', ['start'], { env, stdio: ['ignore', 'inherit', 'inherit'] });
const api = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  console.log(`${method} ${path} → ${res.status} ${text.slice(0, 300)}`);
  return { status: res.status, body: text ? JSON.parse(text) : null };
};
try {
  for (let i = 0; i < 60; i++) {
    try { if ((await fetch(`${base}/readyz`)).ok) break; } catch {}
    await sleep(500);
  }
  const ana = (await api('POST', '/api/v1/users', { name: 'Ana', email: 'ana@example.com', role: 'responder' })).body;
  await api('POST', `/api/v1/users/${ana.id}/contact-methods`, { type: 'sms', phoneNumber: '+1 415 555' });
  const cm = (await api('POST', `/api/v1/users/${ana.id}/contact-methods`, { type: 'sms', phoneNumber: '+1 (415) 555-0101' })).body;
  const code = /(\d{6})/.exec((await tw.expectSms('+14155550101', 'code', { timeoutMs: 15000 })).body)?.[1];
  console.log('code by SMS:', code);
  await api('POST', `/api/v1/users/${ana.id}/contact-methods/${cm.id}/verify`, { code: '000000' });
  await api('POST', `/api/v1/users/${ana.id}/contact-methods/${cm.id}/verify`, { code });
  await api('PUT', `/api/v1/users/${ana.id}/notification-rules`, { high: [{ method: 'sms', contactMethodId: cm.id, delayMinutes: 0 }], low: [] });
  const pol = (await api('POST', '/api/v1/escalation-policies', { name: 'Billing', steps: [{ delayMinutes: 5, targets: [{ type: 'user', id: ana.id }] }] })).body;
  await api('POST', '/api/v1/services', { name: 'billing-db', escalationPolicyId: pol.id });
  tw.failNext({ status: 503, code: 20500, message: 'Service Unavailable' });
  await api('POST', '/api/v1/webhooks/generic', { title: 'Disk almost full on db-1', severity: 'critical', service: 'billing-db' });
  const t0 = Date.now();
  const sms = await tw.expectSms('+14155550101', 'INC-1', { timeoutMs: 30000 });
  console.log(`page SMS after ${Date.now() - t0} ms (one 503 first): ${sms.body}`);
  console.log('requests to Twilio:', tw.requests.map((r) => `${r.status} ${r.path}`).join(', '));
  await sleep(1500);
  const reply = await tw.sendSms({ from: '+14155550101', body: '1a' });
  console.log('reply answer:', reply.status, reply.replies.map((r) => r.body));
  tw.ignore('+14155550101');
  await api('GET', '/api/v1/incidents/INC-1');
  const n = (await api('GET', '/api/v1/incidents/INC-1/notifications')).body;
  console.log(JSON.stringify(n, null, 1).slice(0, 1500));
  const forged = await tw.forge('/twilio/sms', { From: '+14155550101', Body: '1c' }, 'bad');
  console.log('forged:', forged.status);
  const m = await (await fetch(`${base}/metrics`)).text();
  console.log(m.split('\n').filter((l) => /opswatch_(notifications|twilio)/.test(l) && !l.startsWith('#')).join('\n'));
} finally {
  proc.kill('SIGTERM');
  await new Promise((r) => proc.on('exit', r));
  await tw.close({ check: false });
  await admin.query('drop database if exists trytw');
  await admin.end();
}
