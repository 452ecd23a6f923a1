import { describe, expect, it } from '@jest/globals';
import { parseMatchers } from '../silences/index.js';
import { type AttachAlert, attachmentsFor, urlNames, urlNamesRunbook } from './attach.calc.js';

const alert = (labels: Record<string, string>, annotations: Record<string, string> = {}): AttachAlert => ({
  title: labels.alertname ?? 'Untitled',
  service: labels.service ?? 'checkout',
  environment: 'production',
  labels,
  annotations,
});
const rb = (
  id: string,
  over: Partial<{ slug: string; url: string | null; service: string | null; matchers: string }> = {},
) => ({
  id,
  slug: over.slug ?? id,
  url: over.url ?? null,
  service: over.service ?? null,
  matchers: over.matchers ? parseMatchers(over.matchers) : [],
});
const incident = { title: 'x', service: 'checkout', environment: 'production' };

describe('which runbooks an incident gets', () => {
  it('by matchers (Alertmanager semantics, service and environment filled in)', () => {
    const books = [
      rb('errors', { matchers: 'alertname=HighErrorRate, service=checkout' }),
      rb('latency', { matchers: 'alertname=~"High.*"' }),
      rb('not-prod', { matchers: 'environment!=production' }),
      rb('payments', { service: 'payments' }),
      rb('bare'),
    ];
    expect(attachmentsFor(incident, [alert({ alertname: 'HighErrorRate' })], books)).toEqual([
      { runbookId: 'errors', reason: 'matchers' },
      { runbookId: 'latency', reason: 'matchers' },
    ]);
    expect(attachmentsFor(incident, [alert({ alertname: 'TooHighErrorRate' })], books)).toEqual([]);
    // A service alone matches that service's incidents; a declared incident (no alerts) by its own service.
    expect(attachmentsFor({ ...incident, service: 'payments' }, [], books)).toEqual([
      { runbookId: 'payments', reason: 'matchers' },
    ]);
  });

  it('by runbook_url: the last path segment or the whole URL is the slug, or it is the configured url', () => {
    expect(urlNames('https://wiki.example.com/runbooks/Disk-Full.md?x=1#top')).toEqual([
      'https://wiki.example.com/runbooks/Disk-Full.md?x=1#top',
      'https://wiki.example.com/runbooks/Disk-Full.md',
      'disk-full.md',
      'disk-full',
    ]);
    expect(urlNamesRunbook('https://x.example/runbooks/disk-full/', { slug: 'disk-full', url: null })).toBe(
      true,
    );
    expect(urlNamesRunbook('disk-full', { slug: 'disk-full', url: null })).toBe(true);
    expect(urlNamesRunbook('https://wiki/a/b', { slug: 'other', url: 'https://wiki/a/b/' })).toBe(true);
    expect(urlNamesRunbook('https://wiki/a/disk-full-2', { slug: 'disk-full', url: null })).toBe(false);
    const books = [rb('disk-full', { matchers: 'alertname=DiskFull' }), rb('other')];
    // runbook_url wins over matchers; each runbook once.
    expect(
      attachmentsFor(
        incident,
        [
          alert({ alertname: 'DiskFull' }, { runbook_url: 'https://r.example/disk-full' }),
          alert({ alertname: 'DiskFull' }),
        ],
        books,
      ),
    ).toEqual([{ runbookId: 'disk-full', reason: 'runbook_url' }]);
  });
});
