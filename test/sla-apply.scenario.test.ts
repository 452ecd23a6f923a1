import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { applyConfig } from '../src/cli/apply.js';
import { startTestApp, type TestApp } from './harness/app.js';

/**
 * `opswatch apply` with `slas:`: each entry validated as POST /api/v1/slas validates it; the same content again
 * makes no new version; a change makes one; a bad entry is refused before anything is written.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

const apply = (text: string) => applyConfig(t.services, t.actor, [{ name: 'slas.yaml', text }]);
const versions = async () =>
  (await t.services.sla.list(t.actor, { all: true })).map((s) => `${s.service}/${s.metric} v${s.version}`);

describe('opswatch apply: slas', () => {
  it('applies the example configuration’s SLA, and again changes nothing', async () => {
    t.clock.set('2026-12-01T10:00:00Z');
    const example = readFileSync(
      new URL('../manifests/opswatch-config.example.yaml', import.meta.url),
      'utf8',
    );
    const first = await applyConfig(t.services, t.actor, [{ name: 'example.yaml', text: example }]);
    expect(first.problems).toEqual([]);
    expect(first.changes).toContain('sla "checkout/ERROR_RATE": created (version 1)');
    const again = await applyConfig(t.services, t.actor, [{ name: 'example.yaml', text: example }]);
    expect(again.changes).toContain('sla "checkout/ERROR_RATE": unchanged');
    expect(await versions()).toEqual(['checkout/ERROR_RATE v1']);
    const res = await t.request('GET', '/api/v1/slas');
    const [sla] = ((await res.json()) as { items: Record<string, unknown>[] }).items;
    expect(sla).toMatchObject({ service: 'checkout', target: 99.9, window: '30d', version: 1 });
  });

  it('a latency SLA with every field; the same again is unchanged, a new threshold is version 2', async () => {
    const yaml = (ms: number) => `slas:
  - service: search
    metric: LATENCY_P99
    target: 99.5
    window: quarterly
    thresholdMs: ${ms}
    metricName: rpc.server.duration
    errorFilter: { status: ">=500" }
    activeFrom: "2026-11-01T00:00:00Z"
`;
    t.clock.set('2026-12-01T11:00:00Z');
    expect((await apply(yaml(300))).changes).toEqual(['sla "search/LATENCY_P99": created (version 1)']);
    expect((await apply(yaml(300))).changes).toEqual(['sla "search/LATENCY_P99": unchanged']);
    const changed = await apply(yaml(250).replace('    activeFrom: "2026-11-01T00:00:00Z"\n', ''));
    expect(changed).toMatchObject({ ok: true, changes: ['sla "search/LATENCY_P99": updated (version 2)'] });
    const all = await t.services.sla.list(t.actor, { all: true });
    const search = all.filter((s) => s.service === 'search');
    expect(search.map((s) => [s.version, s.thresholdMs, s.activeTo])).toEqual([
      [1, 300, '2026-12-01T11:00:00.000Z'],
      [2, 250, null],
    ]);
    expect((await apply(yaml(250).replace(/ {4}activeFrom.*\n/, ''))).changes).toEqual([
      'sla "search/LATENCY_P99": unchanged',
    ]);
  });

  it('refuses what POST /api/v1/slas refuses, and duplicates, writing nothing', async () => {
    const before = await versions();
    const bad = await apply(`slas:
  - service: api
    metric: LATENCY_P99
    target: 100
  - service: api
    metric: UPTIME
    target: 99
  - service: api
    metric: UPTIME
    target: 99.5
`);
    expect(bad.ok).toBe(false);
    expect(bad.problems).toEqual(
      expect.arrayContaining([
        'slas.yaml: slas[0].target: target must be below 100 (a 100% target leaves no error budget).',
        'slas.yaml: slas[0].thresholdMs: LATENCY_P99 needs thresholdMs.',
      ]),
    );
    const dup = await apply(`slas:
  - { service: api, metric: UPTIME, target: 99 }
  - { service: api, metric: UPTIME, target: 99.5 }
`);
    expect(dup.problems).toEqual([
      'slas.yaml: slas[1]: the SLA "api/UPTIME" is also defined at slas.yaml: slas[0]',
    ]);
    expect(await versions()).toEqual(before);
  });
});
