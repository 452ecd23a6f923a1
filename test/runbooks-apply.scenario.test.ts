import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { applyConfig } from '../src/cli/apply.js';
import { startTestApp, type TestApp } from './harness/app.js';

/**
 * `opswatch apply` with `runbooks:`: the Markdown inline or from a file next to the YAML; applying the same
 * content again makes no new version; a change makes one; bad runbooks are refused before anything is written.
 */
let t: TestApp;
let dir: string;

beforeAll(async () => {
  t = await startTestApp();
  dir = mkdtempSync(join(tmpdir(), 'opswatch-runbooks-'));
});
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

const versions = async (slug: string) =>
  (await t.services.runbooks.versions(t.actor, slug)).map((v) => v.version);

describe('opswatch apply: runbooks', () => {
  it('applies the example configuration’s runbook, and again changes nothing', async () => {
    const example = readFileSync(
      new URL('../manifests/opswatch-config.example.yaml', import.meta.url),
      'utf8',
    );
    const first = await applyConfig(t.services, t.actor, [{ name: 'example.yaml', text: example }]);
    expect(first.problems).toEqual([]);
    expect(first.changes).toContain('runbook "checkout-high-error-rate": created (version 1)');
    const rb = await t.services.runbooks.get(t.actor, 'checkout-high-error-rate');
    expect(rb).toMatchObject({
      owner: 'payments-team',
      service: 'checkout',
      matchers: 'alertname="HighErrorRate"',
    });
    expect(rb.markdown).toContain('## Manual remediation');
    expect(rb.actions.map((a) => a.name)).toEqual(['restart']);
    const again = await applyConfig(t.services, t.actor, [{ name: 'example.yaml', text: example }]);
    expect(again.changes).toContain('runbook "checkout-high-error-rate": unchanged');
    expect(await versions('checkout-high-error-rate')).toEqual([1]);
  });

  it('reads markdownFile relative to the YAML file; a changed file makes one new version', async () => {
    const sub = join(dir, 'config');
    rmSync(sub, { recursive: true, force: true });
    writeFileSync(join(dir, 'placeholder'), '');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(sub, 'runbooks'), { recursive: true });
    writeFileSync(join(sub, 'runbooks', 'disk.md'), '# Disk full\n\n## Symptoms\n\n- Disk above 90%\n');
    const yaml = `runbooks:\n  - name: Disk full\n    matchers: [alertname=DiskFull, 'severity=~"1|2"']\n    markdownFile: ./runbooks/disk.md\n`;
    writeFileSync(join(sub, 'opswatch.yaml'), yaml);
    const src = () => [{ name: 'opswatch.yaml', path: join(sub, 'opswatch.yaml'), text: yaml }];
    const first = await applyConfig(t.services, t.actor, src());
    expect(first).toMatchObject({ ok: true, changes: ['runbook "disk-full": created (version 1)'] });
    const rb = await t.services.runbooks.get(t.actor, 'disk-full');
    expect(rb.markdown).toBe('# Disk full\n\n## Symptoms\n\n- Disk above 90%\n');
    expect(rb.matchers).toBe('alertname="DiskFull", severity=~"1|2"');
    expect((await applyConfig(t.services, t.actor, src())).changes).toEqual([
      'runbook "disk-full": unchanged',
    ]);
    writeFileSync(join(sub, 'runbooks', 'disk.md'), '# Disk full\n\n## Symptoms\n\n- Disk above 95%\n');
    expect((await applyConfig(t.services, t.actor, src())).changes).toEqual([
      'runbook "disk-full": updated (version 2)',
    ]);
    expect(await versions('disk-full')).toEqual([2, 1]);
  });

  it('refuses bad runbooks, naming the file and field, before writing anything', async () => {
    const yaml = [
      'runbooks:',
      '  - name: Missing file',
      '    markdownFile: ./nowhere.md',
      '  - name: Both',
      '    markdown: x',
      '    markdownFile: ./x.md',
      '  - name: Bad matcher',
      '    matchers: alertname=="x',
      '    markdown: x',
      '  - name: Bad action',
      '    markdown: x',
      '    actions:',
      '      - { name: a, title: A, target: { kind: http, url: "ftp://x" } }',
      '      - { name: b, title: B, target: { kind: kubernetes, operation: rollout_restart, namespace: kube-system, deployment: d } }',
      '',
    ].join('\n');
    const r = await applyConfig(t.services, t.actor, [
      { name: 'bad.yaml', path: join(dir, 'bad.yaml'), text: yaml },
    ]);
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([
      'bad.yaml: runbooks[1].markdown: give either markdown (inline) or markdownFile (a file next to the YAML), not both',
    ]);
    const yaml2 = yaml.replace(/ {2}- name: Both\n {4}markdown: x\n {4}markdownFile: \.\/x\.md\n/, '');
    const r2 = await applyConfig(t.services, t.actor, [
      { name: 'bad.yaml', path: join(dir, 'bad.yaml'), text: yaml2 },
    ]);
    expect(r2.problems).toEqual([
      'bad.yaml: runbooks[0].markdownFile: cannot read ./nowhere.md (ENOENT)',
      expect.stringMatching(/^bad\.yaml: runbooks\[1\]\.matchers: /),
      'bad.yaml: runbooks[2].actions.0.target.url: url must be http(s)',
    ]);
    const r3 = await applyConfig(t.services, t.actor, [
      {
        name: 'ns.yaml',
        text:
          yaml2.split('  - name: Bad action')[0]!.replace(/ {2}- name: Missing[\s\S]*/, '') +
          '  - name: NS\n    markdown: x\n    actions:\n      - { name: b, title: B, target: { kind: kubernetes, operation: rollout_restart, namespace: kube-system, deployment: d } }\n',
      },
    ]);
    expect(r3.problems).toEqual([
      expect.stringContaining(
        'ns.yaml: runbooks[0].actions.0.target.namespace: namespace "kube-system" is not allowed',
      ),
    ]);
    expect(
      await t.sql('select slug from runbooks where slug in (?, ?, ?, ?)', [
        'missing-file',
        'bad-matcher',
        'bad-action',
        'ns',
      ]),
    ).toEqual([]);
  });
});
