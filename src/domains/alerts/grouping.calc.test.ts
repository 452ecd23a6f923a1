import { describe, expect, it } from '@jest/globals';
import type { NormalizedAlert } from './alerts.types.js';
import { groupingSettingsSchema, groupKeyFor } from './grouping.calc.js';

function alert(overrides: Partial<NormalizedAlert> = {}): NormalizedAlert {
  return {
    source: 'alertmanager',
    dedupKey: 'fp',
    action: 'firing',
    title: 'p99 latency above 2s',
    description: null,
    service: 'api',
    environment: 'prod',
    severity: 2,
    labels: { alertname: 'HighLatency', team: 'core' },
    annotations: {},
    links: [],
    startsAt: null,
    endsAt: null,
    sourceGroupKey: null,
    raw: null,
    ...overrides,
  };
}

describe('groupingSettingsSchema', () => {
  it('defaults to auto', () => {
    expect(groupingSettingsSchema.parse({})).toEqual({ by: 'auto' });
  });

  it('accepts known fields and labels.<name>', () => {
    expect(groupingSettingsSchema.parse({ by: ['service', 'labels.team', 'severity'] }).by).toEqual([
      'service',
      'labels.team',
      'severity',
    ]);
  });

  it('rejects unknown fields, empty lists and repeats', () => {
    for (const by of [['owner'], ['labels.'], [], ['service', 'service'], 'manual']) {
      expect(groupingSettingsSchema.safeParse({ by }).success).toBe(false);
    }
    const result = groupingSettingsSchema.safeParse({ by: ['service', 'owner'] });
    expect(result.error?.issues.map((i) => i.path.join('.'))).toContain('by.1');
  });
});

describe('groupKeyFor', () => {
  it('uses the source group key in auto mode', () => {
    const key = groupKeyFor(alert({ sourceGroupKey: '{}:{alertname="X"}' }), { by: 'auto' });
    expect(key).toBe('alertmanager|{}:{alertname="X"}');
    expect(groupKeyFor(alert({ source: 'grafana', sourceGroupKey: 'g' }))).toBe('grafana|g');
  });

  it('falls back to service, environment and alertname', () => {
    expect(groupKeyFor(alert())).toBe('labels|service=api|environment=prod|alertname=HighLatency');
    expect(groupKeyFor(alert({ source: 'generic', labels: {} }))).toBe(
      'labels|service=api|environment=prod|alertname=p99 latency above 2s',
    );
  });

  it('groups by the listed fields, ignoring the source group key', () => {
    const a = alert({ sourceGroupKey: 'ignored' });
    expect(groupKeyFor(a, { by: ['labels.team', 'severity', 'source'] })).toBe(
      'labels|labels.team=core|severity=P2|source=alertmanager',
    );
    expect(groupKeyFor(a, { by: ['labels.missing'] })).toBe('labels|labels.missing=');
  });

  it('is stable and unambiguous', () => {
    const settings = { by: ['service', 'environment'] };
    const parsed = groupingSettingsSchema.parse(settings);
    expect(groupKeyFor(alert(), parsed)).toBe(groupKeyFor(alert({ dedupKey: 'other', title: 'x' }), parsed));
    const tricky = groupKeyFor(alert({ service: 'a|environment=b' }), parsed);
    expect(tricky).toBe('labels|service=a\\|environment=b|environment=prod');
    expect(tricky).not.toBe(groupKeyFor(alert({ service: 'a', environment: 'b' }), parsed));
  });
});
