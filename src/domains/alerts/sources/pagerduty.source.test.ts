import { describe, expect, it } from '@jest/globals';
import { AppError } from '../../../shared/errors.js';
import {
  pagerDutyErrorBody,
  pagerDutyErrors,
  pagerDutyEventSchema,
  parsePagerDuty,
} from './pagerduty.source.js';

const ROUTING_KEY = 'R0UT1NGK3Y0000000000000000000000';

const trigger = {
  routing_key: ROUTING_KEY,
  event_action: 'trigger',
  dedup_key: 'srv01/HTTP',
  payload: {
    summary: 'DISK at 99% on machine prod-datapipe03.example.com',
    source: 'prod-datapipe03.example.com',
    severity: 'critical',
    timestamp: '2015-07-17T08:42:58.315+0000',
    component: 'mysql',
    group: 'prod-datapipe',
    class: 'disk',
    custom_details: { 'free space': '1%', environment: 'prod', ping_ms: 1500, nested: { a: 1 } },
  },
  links: [{ href: 'https://example.com/', text: 'Link text' }],
  images: [{ src: 'https://www.pagerduty.com/wp-content/uploads/2016/05/pagerduty-logo-green.png' }],
  client: 'Sample Monitoring Service',
  client_url: 'https://monitoring.example.com',
};

function failure(body: unknown): AppError {
  try {
    parsePagerDuty(body);
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a validation error');
}

describe('parsePagerDuty', () => {
  it('maps a trigger', () => {
    const { routingKey, alert } = parsePagerDuty(trigger);
    expect(routingKey).toBe(ROUTING_KEY);
    expect(alert).toMatchObject({
      source: 'pagerduty',
      dedupKey: 'srv01/HTTP',
      action: 'firing',
      title: 'DISK at 99% on machine prod-datapipe03.example.com',
      service: 'mysql',
      environment: 'prod',
      severity: 1,
      labels: {
        source: 'prod-datapipe03.example.com',
        component: 'mysql',
        group: 'prod-datapipe',
        class: 'disk',
        severity: 'critical',
      },
      annotations: { 'free space': '1%', ping_ms: '1500', environment: 'prod' },
      startsAt: new Date('2015-07-17T08:42:58.315Z'),
      endsAt: null,
      sourceGroupKey: null,
    });
    expect(alert.links).toEqual([
      { href: 'https://example.com/', text: 'Link text' },
      { href: 'https://monitoring.example.com', text: 'Sample Monitoring Service' },
    ]);
    expect(JSON.stringify(alert.raw)).not.toContain(ROUTING_KEY);
  });

  it('maps severities and falls back to source for the service', () => {
    const expected = { critical: 1, error: 2, warning: 3, info: 5 } as const;
    for (const [severity, level] of Object.entries(expected)) {
      const { alert } = parsePagerDuty({
        ...trigger,
        payload: { summary: 's', source: 'host-1', severity },
      });
      expect(alert).toMatchObject({ severity: level, service: 'host-1', environment: 'production' });
    }
  });

  it('gives a trigger without dedup_key a new key', () => {
    const { dedup_key: _, ...body } = trigger;
    expect(parsePagerDuty(body, () => 'generated').alert.dedupKey).toBe('generated');
    expect(parsePagerDuty({ ...body, dedup_key: '' }, () => 'generated').alert.dedupKey).toBe('generated');
    expect(parsePagerDuty(body).alert.dedupKey).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('maps acknowledge and resolve without a payload', () => {
    for (const [event_action, action] of [
      ['acknowledge', 'acknowledged'],
      ['resolve', 'resolved'],
    ] as const) {
      const { alert } = parsePagerDuty({ routing_key: ROUTING_KEY, event_action, dedup_key: 'srv01/HTTP' });
      expect(alert).toMatchObject({
        dedupKey: 'srv01/HTTP',
        action,
        title: 'srv01/HTTP',
        service: 'unknown',
      });
    }
    const { alert } = parsePagerDuty({ ...trigger, event_action: 'resolve', payload: { summary: 42 } });
    expect(alert).toMatchObject({ action: 'resolved', title: 'srv01/HTTP' });
  });

  it('requires dedup_key on acknowledge and resolve', () => {
    const err = failure({ routing_key: ROUTING_KEY, event_action: 'resolve' });
    expect(err.code).toBe('validation');
    expect(pagerDutyErrorBody(err)).toEqual({
      status: 'invalid event',
      message: 'Event object is invalid',
      errors: ["'dedup_key' is missing or blank"],
    });
    expect(failure({ routing_key: ROUTING_KEY, event_action: 'acknowledge', dedup_key: ' ' }).fields).toEqual(
      [{ field: 'dedup_key', message: "'dedup_key' is missing or blank" }],
    );
  });

  it('requires a payload on trigger', () => {
    const { payload: _, ...body } = trigger;
    expect(failure(body).fields).toEqual([{ field: 'payload', message: "'payload' is missing or blank" }]);
  });

  it('words errors the way PagerDuty does', () => {
    expect(pagerDutyErrorBody(failure({ routing_key: ROUTING_KEY, event_action: 'explode' })).errors).toEqual(
      ["'event_action' is invalid (must be one of the following: 'trigger', 'acknowledge' or 'resolve')"],
    );
    expect(failure({ routing_key: ROUTING_KEY }).fields.map((f) => f.message)).toEqual([
      "'event_action' is missing or blank",
    ]);
    const err = failure({
      ...trigger,
      routing_key: '',
      payload: { summary: 'x'.repeat(1025), severity: 'fatal', source: 7 },
    });
    expect(err.fields.map((f) => f.field)).toEqual([
      'routing_key',
      'payload.summary',
      'payload.source',
      'payload.severity',
    ]);
    expect(pagerDutyErrorBody(err).errors).toEqual([
      "'routing_key' is missing or blank",
      "'payload.summary' is too long (maximum 1024 characters)",
      "'payload.source' is invalid (expected string)",
      "'payload.severity' is invalid (must be one of the following: 'critical', 'error', 'warning' or 'info')",
    ]);
    expect(failure('nope').fields).toEqual([{ field: '(body)', message: 'Event must be a JSON object' }]);
  });

  it('formats raw zod issues', () => {
    const result = pagerDutyEventSchema.safeParse({ event_action: 'trigger' }, { reportInput: true });
    expect(result.success).toBe(false);
    expect(pagerDutyErrors(result.error?.issues ?? [])).toEqual([
      "'routing_key' is missing or blank",
      "'payload' is missing or blank",
    ]);
  });
});
