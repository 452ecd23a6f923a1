import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startTestApp, type TestApp } from './harness/app.js';
import { runCli as cli } from './harness/cli.js';

// The command line runs asynchronously (runCli): a synchronous spawn would freeze this process — and the
// OpsWatch it runs — for the command's whole run (see harness/cli.ts). Each run starts a Node process that loads
// OpsWatch from source: a few seconds apiece on a busy machine, several per test.
jest.setTimeout(180_000);

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('opswatch command line', () => {
  it('creates an API key that authenticates, printed once on stdout; it sends alerts unless given more scopes', async () => {
    const out = await cli(['apikey', 'create', '--name', 'ci'], { DATABASE_URL: t.db.url });
    const reader = await cli(['apikey', 'create', '--name', 'dash', '--scope', 'read', '--scope', 'write'], {
      DATABASE_URL: t.db.url,
    });
    const bad = await cli(['apikey', 'create', '--scope', 'root'], { DATABASE_URL: t.db.url });
    expect(out.status).toBe(0);
    const key = out.stdout.trim();
    expect(key).toMatch(/^ow_[A-Za-z0-9_-]{43}$/);
    expect(out.stderr).toContain('shown only this once');
    expect(out.stderr).toContain('scopes: webhooks');
    const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const sent = await fetch(`${t.url}/api/v1/webhooks/generic`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ title: 'From the CLI key' }),
    });
    expect(sent.status).toBe(200);
    const read = await fetch(`${t.url}/api/v1/incidents`, { headers: auth });
    expect(read.status).toBe(403);
    expect(((await read.json()) as { detail: string }).detail).toContain('needs the read scope');
    const rows = await t.sql<{ key_hash: string; scopes: string[] }>(
      `select key_hash, scopes from api_keys where name = 'ci'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.key_hash).not.toContain(key);
    expect(rows[0]?.scopes).toEqual(['webhooks']);

    expect(reader.status).toBe(0);
    const res = await fetch(`${t.url}/api/v1/incidents`, {
      headers: { authorization: `Bearer ${reader.stdout.trim()}` },
    });
    expect(res.status).toBe(200);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('Unknown scope(s): root');
  }, 90_000); // three runs of the CLI

  it('migrate reports an up-to-date database', async () => {
    const out = await cli(['migrate'], { DATABASE_URL: t.db.url });
    expect(out.status).toBe(0);
    expect(out.stdout).toContain('up to date');
  });

  it('refuses to start on bad configuration, listing every problem, with exit code 1', async () => {
    const out = await cli(['start'], { PORT: '99999', ENGINE_TICK_SECONDS: '-1' });
    expect(out.status).toBe(1);
    expect(out.stderr).toContain('PORT="99999"');
    expect(out.stderr).toContain('ENGINE_TICK_SECONDS="-1"');
  });

  it('apply -f reads the example config, and a second run changes nothing; a bad file exits 1 naming the fault', async () => {
    const file = 'manifests/opswatch-config.example.yaml';
    const first = await cli(['apply', '-f', file], {
      DATABASE_URL: t.db.url,
      OPSWATCH_API_KEY: 'test-key-0123456789abcdef',
    });
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('schedule "Payments": created');
    expect(first.stdout).toContain('slack routes (2): updated');
    const again = await cli(['apply', '-f', file], { DATABASE_URL: t.db.url });
    expect(again.stdout).toContain('schedule "Payments": unchanged');
    const res = await fetch(`${t.url}/api/v1/schedules`, {
      headers: { authorization: 'Bearer test-key-0123456789abcdef' },
    });
    expect(((await res.json()) as { items: { name: string }[] }).items.map((x) => x.name)).toEqual([
      'Payments',
    ]);
    const bad = await cli(['apply', '-f', 'package.json'], { DATABASE_URL: t.db.url });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('nothing was applied');
    const missing = await cli(['apply', '-f', '/nonexistent.yaml'], { DATABASE_URL: t.db.url });
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain('Cannot read /nonexistent.yaml');
  });

  it('answers an unknown command with its usage and exit code 2', async () => {
    const out = await cli(['frobnicate'], { DATABASE_URL: t.db.url });
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('Usage:');
  });
});
