import { describe, expect, it } from '@jest/globals';
import { incidentSignature, normalizeTitle, SIGNATURE_MAX } from './signature.calc.js';

const am = (alertname: string, instance: string) => ({
  title: `${alertname} on ${instance}`,
  labels: { alertname, instance, service: 'checkout' },
});

describe('incident signatures', () => {
  it('is the service and the sorted alert names, whatever the instances', () => {
    const a = incidentSignature(
      'checkout',
      [am('PodCrashLooping', 'pod-7'), am('HighLatency', 'pod-2')],
      'x',
    );
    const b = incidentSignature(
      'Checkout',
      [am('HighLatency', 'pod-9'), am('PodCrashLooping', 'pod-1')],
      'y',
    );
    expect(a).toBe('checkout/HighLatency+PodCrashLooping');
    expect(b).toBe(a);
  });

  it('differs for the same alert name on another service', () => {
    expect(incidentSignature('search', [am('HighLatency', 'x')], 't')).not.toBe(
      incidentSignature('checkout', [am('HighLatency', 'x')], 't'),
    );
  });

  it('uses titles without instance-like tokens for alerts without a name', () => {
    const one = incidentSignature('billing', [{ title: 'Disk 91% full on db-1 (10.0.3.7)', labels: {} }], '');
    const two = incidentSignature('billing', [{ title: 'Disk 97% full on db-2 (10.0.3.9)', labels: {} }], '');
    expect(one).toBe('billing/~disk #% full on db-# (#)');
    expect(two).toBe(one);
    expect(normalizeTitle('job 3f2a9c1e77 failed 3 times, id 1b4e28ba-2fa1-11d2-883f-0016d3cca427')).toBe(
      'job # failed # times, id #',
    );
  });

  it('falls back to the incident title, and stays bounded', () => {
    expect(incidentSignature('', [], 'Checkout down')).toBe('unknown/~checkout down');
    const long = incidentSignature('svc', [{ title: 'x'.repeat(2000), labels: {} }], '');
    expect(long.length).toBe(SIGNATURE_MAX);
    expect(long).not.toBe(incidentSignature('svc', [{ title: `${'x'.repeat(1999)}y`, labels: {} }], ''));
  });
});
