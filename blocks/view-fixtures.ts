/** Builders of view models for tests (here and in the Slack adapters' tests). */
import type { IncidentView, TimelineItemView } from './types.js';

export const FIXED_NOW = new Date('2026-01-05T09:00:00Z');

export const TEST_OPTIONS = {
  now: FIXED_NOW,
  baseUrl: 'https://opswatch.example.com/',
  timeZone: 'Europe/Berlin',
};

export function incidentView(overrides: Partial<IncidentView> = {}): IncidentView {
  return {
    id: '7f1c2a8e-0b7e-4c61-9a35-2d2f1a6b9c01',
    number: 42,
    title: 'Checkout returns 502',
    description: 'Error rate above 5% for 10 minutes.',
    service: 'checkout',
    environment: 'production',
    severity: 1,
    status: 'triggered',
    assignee: null,
    createdAt: new Date(FIXED_NOW.getTime() - (2 * 60 + 5) * 60_000),
    acknowledgedAt: null,
    resolvedAt: null,
    acknowledgedBy: null,
    resolvedBy: null,
    labels: { alertname: 'HighErrorRate', instance: 'web-1:9090', job: 'checkout', severity: 'critical' },
    links: [{ href: 'https://runbooks.example.com/high-error-rate', text: 'Runbook' }],
    alertCount: 1,
    openAlertCount: 1,
    ...overrides,
  };
}

export function timelineItem(overrides: Partial<TimelineItemView> = {}): TimelineItemView {
  return {
    at: FIXED_NOW,
    actorName: 'Alice',
    actorSlackId: 'U0ALICE',
    kind: 'acknowledged',
    message: '',
    ...overrides,
  };
}
