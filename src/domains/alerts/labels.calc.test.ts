import { describe, expect, it } from '@jest/globals';
import {
  descriptionFrom,
  environmentFrom,
  labelsFingerprint,
  linksFrom,
  serviceFrom,
  severityFrom,
  titleFrom,
} from './labels.calc.js';

describe('serviceFrom', () => {
  it('prefers service, then service_name, app, job', () => {
    expect(serviceFrom({ job: 'j', app: 'a', service_name: 's2', service: 's1' })).toBe('s1');
    expect(serviceFrom({ job: 'j', app: 'a', service_name: 's2' })).toBe('s2');
    expect(serviceFrom({ job: 'j', app: 'a' })).toBe('a');
    expect(serviceFrom({ job: 'j' })).toBe('j');
    expect(serviceFrom({})).toBe('unknown');
  });

  it('treats an empty label as absent', () => {
    expect(serviceFrom({ service: '', job: 'node' })).toBe('node');
  });
});

describe('environmentFrom', () => {
  it('prefers env, then environment, deployment_environment, else production', () => {
    expect(environmentFrom({ deployment_environment: 'd', environment: 'e', env: 'x' })).toBe('x');
    expect(environmentFrom({ deployment_environment: 'd', environment: 'e' })).toBe('e');
    expect(environmentFrom({ deployment_environment: 'd' })).toBe('d');
    expect(environmentFrom({ namespace: 'kube-system' })).toBe('production');
  });
});

describe('severityFrom', () => {
  it('reads severity, then priority', () => {
    expect(severityFrom({ severity: 'critical', priority: 'p4' })).toBe(1);
    expect(severityFrom({ priority: 'P4' })).toBe(4);
    expect(severityFrom({})).toBe(3);
    expect(severityFrom({}, 5)).toBe(5);
  });
});

describe('titleFrom and descriptionFrom', () => {
  it('takes the summary, then alertname, then Alert', () => {
    expect(titleFrom({ alertname: 'HighLatency' }, { summary: 'p99 above 2s' })).toBe('p99 above 2s');
    expect(titleFrom({ alertname: 'HighLatency' }, { summary: ' ' })).toBe('HighLatency');
    expect(titleFrom({}, {})).toBe('Alert');
  });

  it('takes the description, then message, else null', () => {
    expect(descriptionFrom({ description: 'd', message: 'm' })).toBe('d');
    expect(descriptionFrom({ message: 'm' })).toBe('m');
    expect(descriptionFrom({})).toBeNull();
  });
});

describe('linksFrom', () => {
  it('turns known annotations and extra links into named links, each href once', () => {
    const links = linksFrom(
      {
        runbook_url: 'https://runbooks.example/x',
        dashboard_url: 'https://grafana.example/d/1',
        grafana_url: 'https://grafana.example/d/1',
        other_url: 'https://ignored.example',
      },
      [
        { href: 'http://prom.example/graph?g0.expr=up', text: 'Source' },
        { href: '', text: 'Empty' },
        { href: undefined, text: 'Missing' },
        { href: 'javascript:alert(1)', text: 'Script' },
        { href: 'not a url', text: 'Junk' },
        { href: 'https://runbooks.example/x', text: 'Duplicate' },
      ],
    );
    expect(links).toEqual([
      { href: 'https://runbooks.example/x', text: 'Runbook' },
      { href: 'https://grafana.example/d/1', text: 'Dashboard' },
      { href: 'http://prom.example/graph?g0.expr=up', text: 'Source' },
    ]);
  });
});

/** Prometheus' LabelSet.Fingerprint() written the slow, obvious way. */
function referenceFingerprint(labels: Record<string, string>): string {
  const prime = 0x100000001b3n;
  const mask = (1n << 64n) - 1n;
  let hash = 0xcbf29ce484222325n;
  const add = (bytes: Iterable<number>) => {
    for (const byte of bytes) hash = ((hash ^ BigInt(byte)) * prime) & mask;
  };
  for (const name of Object.keys(labels).sort()) {
    add(Buffer.from(name));
    add([0xff]);
    add(Buffer.from(labels[name] ?? ''));
    add([0xff]);
  }
  return hash.toString(16).padStart(16, '0');
}

describe('labelsFingerprint', () => {
  it('matches the fingerprints Alertmanager sends', () => {
    expect(labelsFingerprint({ alertname: 'PerfTest', id: '0', run: 'smoke', severity: 'critical' })).toBe(
      'ffb395a30d244b36',
    );
    expect(
      labelsFingerprint({
        alertname: 'HighErrorRate',
        instance: 'web-2',
        service: 'checkout',
        severity: 'critical',
      }),
    ).toBe('5308e11450d376b3');
  });

  it('ignores key order and hashes the empty set to the FNV offset', () => {
    expect(labelsFingerprint({ b: '2', a: '1' })).toBe(labelsFingerprint({ a: '1', b: '2' }));
    expect(labelsFingerprint({})).toBe('cbf29ce484222325');
  });

  it('agrees with a BigInt reference, including non-ASCII values', () => {
    const cases: Record<string, string>[] = [
      { alertname: 'Disk', mount: '/var/lib/données', note: 'ünïcødé 🚨 alert' },
      { a: '', b: 'x'.repeat(300) },
      { 'weird name': 'é' },
    ];
    for (const labels of cases) expect(labelsFingerprint(labels)).toBe(referenceFingerprint(labels));
  });
});
