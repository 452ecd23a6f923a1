/** Whole views fed absurd inputs must still be accepted by Slack. */
import { describe, expect, it } from '@jest/globals';
import { declareModal, noteModal } from './declare-modal.blocks.js';
import { homeView } from './home.blocks.js';
import { incidentCard } from './incident-card.blocks.js';
import { incidentList } from './incident-list.blocks.js';
import { timelineReply } from './incident-thread.blocks.js';
import { checkLimits, describeViolation, type LimitViolation } from './limits.js';
import type { IncidentView } from './types.js';
import { FIXED_NOW, incidentView, TEST_OPTIONS, timelineItem } from './view-fixtures.js';

const long = (n: number, unit = 'x'): string => unit.repeat(n);
const emoji = '😀'.repeat(5000); // 10,000 UTF-16 units

const labels: Record<string, string> = { alertname: long(5000, 'A') };
for (let l = 0; l < 500; l++) labels[`label_${l}_${long(100, 'k')}`] = long(1000, '<&>');

function huge(i: number): IncidentView {
  return incidentView({
    id: `0000000${i}-0b7e-4c61-9a35-2d2f1a6b9c01`.slice(-36),
    number: 100_000 + i,
    title: i % 2 ? long(10_000, '<b>&') : emoji,
    description: long(10_000, '*_<@U1>_*'),
    service: `service-${i % 200}-${long(3000, 's')}`,
    environment: long(3000, 'e'),
    severity: ((i % 5) + 1) as IncidentView['severity'],
    status: i % 3 === 0 ? 'acknowledged' : 'triggered',
    assignee: { name: long(5000, 'N'), slackUserId: null },
    createdAt: new Date(FIXED_NOW.getTime() - i * 3_600_000),
    acknowledgedBy: long(4000, 'B'),
    acknowledgedAt: i % 3 === 0 ? FIXED_NOW : null,
    labels,
    links: Array.from({ length: 200 }, (_, k) => ({
      href: `https://g.example/${k}?q=${long(2500, 'q')}`,
      text: long(500),
    })),
    alertCount: 10_000,
    openAlertCount: 9_999,
  });
}

function expectClean(violations: LimitViolation[]): void {
  expect(violations.map(describeViolation)).toEqual([]);
}

const incidents = Array.from({ length: 300 }, (_, i) => huge(i));
const services = Array.from({ length: 200 }, (_, i) => `service-${i}-${i % 7 ? 'x' : long(200)}`);

describe('limits with huge inputs', () => {
  it('incident card (10,000-char title, 500 labels, 200 links)', () => {
    for (const v of [
      huge(1),
      huge(2),
      { ...huge(3), status: 'resolved' as const, resolvedAt: FIXED_NOW, resolvedBy: long(9000) },
    ]) {
      const card = incidentCard(v, TEST_OPTIONS);
      expectClean(checkLimits('message', card));
      expect(card.text.length).toBeLessThanOrEqual(3000);
    }
  });

  it('thread reply', () => {
    const item = timelineItem({
      actorName: long(10_000),
      actorSlackId: null,
      kind: long(5000, 'k'),
      message: long(50_000),
    });
    expectClean(checkLimits('message', timelineReply(item, huge(1), TEST_OPTIONS)));
  });

  it('incident list of 300', () => {
    expectClean(
      checkLimits('message', incidentList(incidents, { ...TEST_OPTIONS, max: 1000, title: long(9000) })),
    );
  });

  it('declare modal with 200 services and huge initial values', () => {
    const view = declareModal({
      services,
      initial: { title: emoji, service: long(10_000), description: long(20_000), severity: 5 },
      privateMetadata: long(3000, '{'),
    });
    expectClean(checkLimits('modal', view));
    const many = declareModal({
      services: Array.from({ length: 20_000 }, (_, i) => `s${i}`),
      privateMetadata: '',
    });
    expectClean(checkLimits('modal', many));
    expectClean(checkLimits('modal', noteModal({ incident: huge(1), privateMetadata: long(3000) })));
  });

  it('home with 300 open incidents, 300 assigned and a huge on-call section', () => {
    const view = homeView(
      {
        user: { slackUserId: 'U0ALICE', name: long(10_000) },
        openIncidents: incidents,
        assignedToMe: incidents,
        onCall: {
          onCallNow: Array.from({ length: 50 }, () => ({ scheduleName: long(10_000), until: FIXED_NOW })),
          nextShift: { scheduleName: long(10_000), start: FIXED_NOW, end: FIXED_NOW },
          schedules: Array.from({ length: 500 }, (_, i) => ({
            name: `${i}${long(3000)}`,
            onCall: Array.from({ length: 300 }, (_, k) => ({
              name: `person ${k} ${long(100)}`,
              slackUserId: null,
            })),
            until: FIXED_NOW,
            gaps: Array.from({ length: 100 }, () => ({ start: FIXED_NOW, end: FIXED_NOW })),
          })),
        },
      },
      TEST_OPTIONS,
    );
    expectClean(checkLimits('home', view));
    expect(JSON.stringify(view.blocks)).toContain('more open incidents');
  });
});
