import { describe, expect, it } from '@jest/globals';
import { AppError } from '../../../shared/errors.js';
import { genericDedupKey, parseGeneric } from './generic.source.js';

function fieldsOf(body: unknown): string[] {
  try {
    parseGeneric(body);
  } catch (err) {
    if (err instanceof AppError && err.code === 'validation') return err.fields.map((f) => f.field).sort();
    throw err;
  }
  throw new Error('expected a validation error');
}

describe('parseGeneric', () => {
  it('maps a full single alert', () => {
    const [alert, ...rest] = parseGeneric({
      title: 'Nightly backup failed',
      severity: 'high',
      service: 'billing-db',
      environment: 'staging',
      dedup_key: 'backup-billing-db',
      description: 'pg_dump exited with status 1',
      labels: { team: 'data', port: 5432 },
      annotations: { runbook_url: 'https://runbooks.example.com/backups' },
      links: [
        { href: 'https://ci.example.com/jobs/1', text: 'Job log' },
        { href: 'https://ci.example.com/' },
      ],
      starts_at: '2026-11-22T02:14:00Z',
      unknown: 'ignored',
    });
    expect(rest).toHaveLength(0);
    expect(alert).toMatchObject({
      source: 'generic',
      dedupKey: 'backup-billing-db',
      action: 'firing',
      title: 'Nightly backup failed',
      description: 'pg_dump exited with status 1',
      service: 'billing-db',
      environment: 'staging',
      severity: 2,
      labels: { team: 'data', port: '5432' },
      startsAt: new Date('2026-11-22T02:14:00Z'),
      endsAt: null,
      sourceGroupKey: null,
    });
    expect(alert?.links).toEqual([
      { href: 'https://runbooks.example.com/backups', text: 'Runbook' },
      { href: 'https://ci.example.com/jobs/1', text: 'Job log' },
      { href: 'https://ci.example.com/', text: 'Link' },
    ]);
  });

  it('fills defaults from labels and annotations, and derives a stable dedup key', () => {
    const body = {
      title: '  Disk almost full ',
      labels: { app: 'api', env: 'prod', severity: 'critical' },
      annotations: { message: 'df says 97%' },
    };
    const [alert] = parseGeneric(body);
    expect(alert).toMatchObject({
      title: 'Disk almost full',
      action: 'firing',
      service: 'api',
      environment: 'prod',
      severity: 1,
      description: 'df says 97%',
      dedupKey: genericDedupKey('Disk almost full', 'api', 'prod'),
    });
    expect(alert?.dedupKey).toMatch(/^[0-9a-f]{64}$/);
    expect(parseGeneric(body)[0]?.dedupKey).toBe(alert?.dedupKey);
    const [bare] = parseGeneric({ title: 'Something' });
    expect(bare).toMatchObject({
      service: 'unknown',
      environment: 'production',
      severity: 3,
      description: null,
    });
  });

  it('accepts numeric severities and resolved status', () => {
    const [alert] = parseGeneric({
      title: 'x',
      severity: 4,
      status: 'resolved',
      ends_at: '2026-11-22T03:00:00+01:00',
    });
    expect(alert).toMatchObject({
      severity: 4,
      action: 'resolved',
      endsAt: new Date('2026-11-22T02:00:00Z'),
    });
    expect(parseGeneric({ title: 'x', severity: 'sev1' })[0]?.severity).toBe(1);
    expect(parseGeneric({ title: 'x', severity: 'whatever' })[0]?.severity).toBe(3);
  });

  it('parses a batch', () => {
    const alerts = parseGeneric({
      alerts: [
        { title: 'one', dedup_key: 'a' },
        { title: 'two', status: 'resolved', dedup_key: 'b' },
      ],
    });
    expect(alerts.map((a) => [a.dedupKey, a.action])).toEqual([
      ['a', 'firing'],
      ['b', 'resolved'],
    ]);
  });

  it('rejects bad single alerts with the fields at fault', () => {
    expect(fieldsOf({})).toEqual(['title']);
    expect(fieldsOf({ title: '   ' })).toEqual(['title']);
    expect(fieldsOf({ title: 'x'.repeat(501) })).toEqual(['title']);
    expect(fieldsOf({ title: 'x', severity: 9, status: 'open' })).toEqual(['severity', 'status']);
    expect(fieldsOf({ title: 'x', links: [{ href: 'javascript:alert(1)' }] })).toEqual(['links.0.href']);
    expect(fieldsOf({ title: 'x', starts_at: 'yesterday', labels: { a: { b: 1 } } })).toEqual([
      'labels.a',
      'starts_at',
    ]);
    expect(fieldsOf([{ title: 'x' }])).toEqual(['(body)']);
  });

  it('rejects bad batches with indexed paths', () => {
    expect(fieldsOf({ alerts: [] })).toEqual(['alerts']);
    expect(fieldsOf({ alerts: [{ title: 'ok' }, { labels: 'x' }] })).toEqual([
      'alerts.1.labels',
      'alerts.1.title',
    ]);
    expect(fieldsOf({ alerts: Array.from({ length: 10_001 }, () => ({ title: 'x' })) })).toEqual(['alerts']);
  });
});
