import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { AppError } from '../../../shared/errors.js';
import { keepFingerprint, parseKeep } from './keep.source.js';

const FIXTURES = new URL('../../../../test/fixtures/keep/', import.meta.url);

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as Record<string, unknown>;
}

describe('parseKeep', () => {
  it('maps Keep’s own example alert (firing)', () => {
    const [alert, ...rest] = parseKeep(fixture('alert-firing.json'));
    expect(rest).toEqual([]);
    expect(alert).toMatchObject({
      source: 'keep',
      dedupKey: '1234',
      action: 'firing',
      title: "Pod 'api-service-production' lacks memory",
      description:
        "Due to the lack of memory, the pod 'api-service-production' is experiencing high error rate",
      service: 'backend',
      environment: 'production',
      severity: 1,
      labels: {
        pod: 'api-service-production',
        region: 'us-east-1',
        cpu: '88',
        memory: '100Mi',
        keep_source: 'prometheus',
      },
      annotations: {
        message: "The pod 'api-service-production' lacks memory causing high error rate",
      },
      links: [{ href: 'https://www.keephq.dev?alertId=1234', text: 'Alert' }],
      startsAt: new Date('2021-01-01T00:00:00.000Z'),
      endsAt: null,
      sourceGroupKey: null,
    });
    // Fields Keep's enrichment adds are kept as they came.
    expect(alert?.raw).toMatchObject({
      alert: { ticket_url: 'https://www.keephq.dev?enrichedTicketId=456' },
    });
  });

  it('maps the same alert resolved: same dedup key, ended when Keep last received it', () => {
    const [alert] = parseKeep(fixture('alert-resolved.json'));
    expect(alert).toMatchObject({
      dedupKey: '1234',
      action: 'resolved',
      startsAt: null,
      endsAt: new Date('2021-01-01T00:15:00.000Z'),
    });
  });

  it.each([
    ['critical', 1],
    ['high', 2],
    ['warning', 3],
    ['info', 4],
    ['low', 5],
    ['HIGH', 2],
  ])('severity %s is P%s', (severity, expected) => {
    const [alert] = parseKeep({ ...fixture('alert-firing.json'), severity });
    expect(alert?.severity).toBe(expected);
  });

  it('acknowledged acknowledges; suppressed, maintenance and pending are skipped', () => {
    const base = fixture('alert-firing.json');
    expect(parseKeep({ ...base, status: 'acknowledged' })[0]?.action).toBe('acknowledged');
    for (const status of ['suppressed', 'maintenance', 'pending'])
      expect(parseKeep({ ...base, status })).toEqual([]);
  });

  it('takes a list, and without a fingerprint dedups as Keep does (sha256 of the name)', () => {
    const { fingerprint: _drop, ...noPrint } = fixture('alert-firing.json');
    const alerts = parseKeep([
      noPrint,
      { ...noPrint, name: 'Disk full', service: null, labels: { app: 'db' } },
    ]);
    expect(alerts.map((a) => a.dedupKey)).toEqual([
      keepFingerprint({ name: "Pod 'api-service-production' lacks memory" }),
      keepFingerprint({ name: 'Disk full' }),
    ]);
    expect(alerts[0]?.dedupKey).toMatch(/^[0-9a-f]{64}$/);
    expect(alerts[1]?.service).toBe('db');
  });

  it('rejects a body that is no Keep alert, naming the fields', () => {
    const bad = () => parseKeep({ name: '', status: 'burning' });
    expect(bad).toThrow(AppError);
    try {
      bad();
    } catch (err) {
      const fields = (err as AppError).fields?.map((f) => f.field) ?? [];
      expect(fields).toEqual(expect.arrayContaining(['name', 'status']));
    }
  });
});
