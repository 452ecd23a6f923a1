// kill -9 OpsWatch while Twilio has not answered an SMS: after a restart the page is failed as outcome unknown,
// never sent twice. Not part of the repository.
import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { startFakeTwilio } from '../test/harness/fake-twilio.js';

const PORT = 3918;
const base = `http://127.0.0.1:${PORT}`;
const KEY = 'ow_try_crash_key_0123456789abcdef';
const DB = 'postgresql://postgres@127.0.0.1:5432/trycrash';
const admin = new pg.Client({ connectionString: 'postgresql://postgres@127.0.0.1:5432/postgres' });
await admin.connect();
await admin.query('drop database if exists trycrash');
await admin.query('create database trycrash');
const tw = await startFakeTwilio({ publicBaseUrl: base });
const env = { ...process.env, DATABASE_URL: DB, PORT: String(PORT), PUBLIC_BASE_URL: base, OPSWATCH_API_KEY: KEY,
  ENGINE_TICK_SECONDS: '1', LOG_LEVEL: 'warn', ...tw.env };
const start = async (): Promise<ChildProcess> => {
  const p = spawn('node', ['bin/opswatch.js', 'start'], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  for (let i = 0; i < 60; i++) {
    try { if ((await fetch(`${base}/readyz`)).ok) return p; } catch {}
    await sleep(500);
  }
  throw new Error('not ready');
};
const api = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  return text ? JSON.parse(text) : null;
};
let proc = await start();
const db = new pg.Client({ connectionString: DB });
await db.connect();
try {
  const ana = await api('POST', '/api/v1/users', { name: 'Ana', email: 'ana@example.com', role: 'responder' });
  const cm = await api('POST', `/api/v1/users/${ana.id}/contact-methods`, { type: 'sms', phoneNumber: '+14155550101' });
  await tw.expectSms('+14155550101', 'code', { timeoutMs: 15000 });
  await api('POST', `/api/v1/users/${ana.id}/contact-methods/${cm.id}/mark-verified`);
  await api('PUT', `/api/v1/users/${ana.id}/notification-rules`, { high: [
    { method: 'sms', contactMethodId: cm.id, delayMinutes: 0 },
    { method: 'slack_dm', delayMinutes: 10 } ], low: [] });
  const pol = await api('POST', '/api/v1/escalation-policies', { name: 'Billing', steps: [{ delayMinutes: 30, targets: [{ type: 'user', id: ana.id }] }] });
  await api('POST', '/api/v1/services', { name: 'billing-db', escalationPolicyId: pol.id });
  tw.phone('+14155550101').hang({ after: true });
  await api('POST', '/api/v1/webhooks/generic', { title: 'Disk almost full on db-1', severity: 'critical', service: 'billing-db' });
  for (let i = 0; i < 40; i++) {
    const r = await db.query("select status from twilio_sends where purpose = 'page'");
    if (r.rows[0]?.status === 'sending') break;
    await sleep(250);
  }
  console.log('send state before the kill:', (await db.query("select status, sending_deadline from twilio_sends where purpose='page'")).rows);
  proc.kill('SIGKILL');
  await new Promise((r) => proc.on('exit', r));
  console.log('killed -9; SMS the fake got so far:', tw.messages.filter((m) => m.body.includes('INC-1')).length);
  proc = await start();
  for (let i = 0; i < 120; i++) {
    const r = await db.query("select status, detail from pages where method = 'sms'");
    if (r.rows[0]?.status === 'failed') break;
    await sleep(500);
  }
  console.log('pages after restart:', (await db.query('select method, status, detail, due_at from pages order by rule_position')).rows);
  console.log('sends:', (await db.query('select purpose, status, error_message from twilio_sends order by created_at')).rows);
  console.log('SMS with INC-1 the fake got in all:', tw.messages.filter((m) => m.body.includes('INC-1')).length);
  console.log('requests for INC-1:', tw.requests.filter((r) => String(r.params?.Body ?? '').includes('INC-1')).length);
} finally {
  proc.kill('SIGTERM');
  await new Promise((r) => proc.on('exit', r));
  await db.end();
  await tw.close({ check: false });
  await admin.query('drop database if exists trycrash');
  await admin.end();
}
