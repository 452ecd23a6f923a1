import { describe, expect, it } from '@jest/globals';
import { levelOf, routeEvents, routeLogs } from './ingest.calc.js';
import { BUILTIN_RULES, compileRedactor } from './redaction.calc.js';
import { telemetrySettingsSchema } from './telemetry.types.js';

const NOW = new Date('2026-12-02T10:00:00Z');
const ctx = (settings: object = {}) => ({
  tenantId: 't1',
  now: NOW,
  settings: telemetrySettingsSchema.parse(settings),
  redactor: compileRedactor(BUILTIN_RULES),
  hashUser: (id: string) => `h(${id})`,
});
const nanos = (d: Date) => `${d.getTime()}000000`;

describe('routing log records', () => {
  it('reads levels from severity numbers, else from the text', () => {
    expect([1, 5, 9, 13, 17, 20, 21, 24].map((n) => levelOf(n, undefined))).toEqual([
      'TRACE',
      'DEBUG',
      'INFO',
      'WARN',
      'ERROR',
      'ERROR',
      'FATAL',
      'FATAL',
    ]);
    expect([
      levelOf(0, 'error'),
      levelOf(undefined, 'CRITICAL'),
      levelOf(0, 'warning'),
      levelOf(0, 'x'),
    ]).toEqual(['ERROR', 'FATAL', 'WARN', 'INFO']);
  });

  it('sends ERROR/FATAL and slow records to Bronze, redacted, and refuses records Bronze cannot hold', () => {
    const record = (severityNumber: number, body: string, at = NOW, attrs: object[] = []) => ({
      timeUnixNano: nanos(at),
      severityNumber,
      body: { stringValue: body },
      attributes: attrs,
    });
    const out = routeLogs(ctx({ durationAttribute: 'ms', latencyThresholdMs: 500 }), {
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: [
                record(9, 'fine', NOW, [{ key: 'ms', value: { intValue: '20' } }]),
                record(9, 'slow for a@b.io', NOW, [{ key: 'ms', value: { intValue: '900' } }]),
                record(17, 'boom', NOW, [{ key: 'user.id', value: { stringValue: 'u1' } }]),
                record(17, 'too old', new Date(NOW.getTime() - 8 * 86_400_000)),
                record(17, 'from the future', new Date(NOW.getTime() + 2 * 3_600_000)),
              ],
            },
          ],
        },
      ],
    });
    expect(out.rows.map((r) => [r.service, r.level, r.message, r.userHash, r.durationMs])).toEqual([
      ['unknown_service', 'INFO', 'slow for <email>', null, 900],
      ['unknown_service', 'ERROR', 'boom', 'h(u1)', null],
    ]);
    expect(out.points.map((p) => (p.kind === 'value' ? p.value : null))).toEqual([20, 900]);
    expect([out.accepted, out.rejected]).toEqual([3, 2]);
  });

  it('routes events: values, durations and errors', () => {
    const out = routeEvents(ctx(), [
      { service: 's', name: 'jobs', value: 3 },
      { service: 's', level: 'FATAL', message: 'disk full on 10.0.0.9' },
    ]);
    expect(out.points).toHaveLength(1);
    expect(out.rows.map((r) => r.message)).toEqual(['disk full on <ipv4>']);
  });
});
