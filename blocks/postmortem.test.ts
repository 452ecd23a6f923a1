import { describe, expect, it } from '@jest/globals';
import { actionItemReminder, actionItemsList } from './action-items.blocks.js';
import { POSTMORTEM_ACTIONS } from './ids.js';
import { incidentCard } from './incident-card.blocks.js';
import { checkLimits, describeViolation, type Surface } from './limits.js';
import {
  type ActionItemView,
  type PostmortemView,
  postmortemModal,
  timelineModal,
} from './postmortem.blocks.js';
import { MAX_PARTS, PART_MAX, sectionModal, splitText } from './postmortem-section.blocks.js';
import { incidentView, TEST_OPTIONS } from './view-fixtures.js';

const ok = (surface: Surface, payload: object) =>
  expect(checkLimits(surface, payload).map(describeViolation)).toEqual([]);

const item = (i: number, overrides: Partial<ActionItemView> = {}): ActionItemView => ({
  id: `0000000${i}-0b7e-4c61-9a35-2d2f1a6b9c01`.slice(-36),
  incidentRef: 'INC-42',
  title: `Add an alert on pool saturation ${'<&>'.repeat(i % 3 ? 2 : 300)}`,
  owner: { name: 'Ana', slackUserId: 'U0ANA' },
  dueOn: '2026-03-10',
  status: 'open',
  overdue: i % 2 === 0,
  ...overrides,
});

/** A long incident: 200 timeline events (some with very long messages), sections near their maximum. */
function longPostmortem(overrides: Partial<PostmortemView> = {}): PostmortemView {
  return {
    ref: 'INC-42',
    title: 'Checkout slow '.repeat(100),
    status: 'in_review',
    statusLabel: 'In review',
    version: 3,
    facts: [
      ['Date', '2026-03-02'],
      ['Duration', '45 min'],
      ['Severity', 'P1'],
      ['Owner', 'Bo'],
      ['Services affected', Array.from({ length: 400 }, (_, i) => `service-${i}`).join(', ')],
      ['MTTD · MTTA · MTTR', '3 min · 4 min · 45 min'],
    ],
    roles: 'commander: Ana · scribe: Bo',
    zone: 'Europe/Berlin (CET)',
    timeline: Array.from({ length: 200 }, (_, i) => ({
      time: `2026-03-02 10:${String(i % 60).padStart(2, '0')}:00`,
      what: i % 20 === 0 ? `Note: ${'x'.repeat(5000)}` : `Slack DM page sent to person ${i} | <@U${i}>`,
      who: i % 2 ? 'Ana' : 'OpsWatch',
    })),
    sections: [
      { key: 'summary', title: 'Summary', text: 'A bad deploy. '.repeat(2000) },
      { key: 'impact', title: 'Impact', text: 'Users affected: 1200 · Revenue: —\nCheckout failed.' },
      { key: 'rootCause', title: 'Root cause', text: '*bold* & <b> '.repeat(3000) },
      { key: 'resolution', title: 'Resolution', text: 'rolled back' },
      { key: 'wentWell', title: 'What went well', text: '' },
      { key: 'wentWrong', title: 'What went wrong', text: 'y'.repeat(30_000) },
      { key: 'lessonsLearned', title: 'Lessons learned', text: '' },
    ],
    actionItems: Array.from({ length: 60 }, (_, i) => item(i)),
    canPublish: true,
    published: null,
    ...overrides,
  };
}

describe('a postmortem in Slack, with a 200-event timeline', () => {
  it('the postmortem modal stays within Block Kit’s limits, every section with its Edit', () => {
    const view = postmortemModal(longPostmortem());
    ok('modal', view);
    const json = JSON.stringify(view);
    expect(json.split(POSTMORTEM_ACTIONS.editSection).length - 1).toBe(7);
    expect(json).toContain('Timeline* (200 events');
    expect(json).toContain('… and 40 more: `/postmortem actions`');
    expect(json).toContain('"Publish"');
    ok(
      'modal',
      postmortemModal(
        longPostmortem({ status: 'published', canPublish: false, published: 'published by Ana' }),
      ),
    );
  });

  it('the whole timeline is split across as many blocks as a modal holds', () => {
    const view = timelineModal(
      longPostmortem(),
      'https://opswatch.example.com/api/v1/incidents/INC-42/postmortem?format=md',
    );
    ok('modal', view);
    const text = JSON.stringify(view.blocks);
    // Every event is there, in order.
    for (const i of [1, 57, 199]) expect(text).toContain(`person ${i} `);
    const huge = longPostmortem({
      timeline: Array.from({ length: 2000 }, (_, i) => ({
        time: 't',
        what: `${'z'.repeat(400)} ${i}`,
        who: 'x',
      })),
    });
    const cut = timelineModal(huge, 'https://opswatch.example.com/md');
    ok('modal', cut);
    expect(JSON.stringify(cut.blocks.at(-1))).toContain('https://opswatch.example.com/md');
  });

  it('a section longer than one input is edited in parts of at most 3,000 characters', () => {
    const text = Array.from({ length: 600 }, (_, i) => `line ${i} ${'w'.repeat(40)}`).join('\n');
    const view = sectionModal({
      ref: 'INC-42',
      section: { key: 'summary', title: 'Summary', text },
      version: 3,
    });
    ok('modal', view);
    const inputs = view.blocks.filter((b) => b.type === 'input');
    expect(inputs.length).toBeGreaterThan(8);
    expect(inputs.length).toBeLessThanOrEqual(MAX_PARTS);
    ok(
      'modal',
      sectionModal({
        ref: 'INC-42',
        section: { key: 'wentWrong', title: 'What went wrong', text: 'y'.repeat(30_000) },
        version: 1,
      }),
    );
    ok(
      'modal',
      sectionModal({
        ref: 'INC-42',
        section: { key: 'impact', title: 'Impact', text: '' },
        version: 1,
        impact: { usersAffected: 1200, revenue: 'x'.repeat(500) },
      }),
    );
  });

  it('splits text at line ends and joins back to the same text', () => {
    const text = Array.from({ length: 300 }, (_, i) => `row ${i} ${'v'.repeat(i % 90)}`).join('\n');
    const parts = splitText(text, PART_MAX);
    expect(parts.every((p) => p.length <= PART_MAX)).toBe(true);
    expect(parts.join('\n')).toBe(text);
    expect(splitText('a'.repeat(7000), PART_MAX).map((p) => p.length)).toEqual([3000, 3000, 1000]);
  });

  it('action item lists, the reminder DM and the resolved card’s button stay within limits', () => {
    ok(
      'message',
      actionItemsList(
        Array.from({ length: 200 }, (_, i) => item(i)),
        { mine: false },
      ),
    );
    ok('message', actionItemsList([], { mine: true }));
    ok('message', actionItemReminder({ item: item(0), postmortemTitle: 'p'.repeat(5000) }));
    const card = incidentCard(
      incidentView({ status: 'resolved', resolvedAt: TEST_OPTIONS.now, postmortemOffered: true }),
      TEST_OPTIONS,
    );
    ok('message', card);
    expect(JSON.stringify(card.blocks.at(-1))).toContain(POSTMORTEM_ACTIONS.open);
    const plainCard = incidentCard(
      incidentView({ status: 'resolved', resolvedAt: TEST_OPTIONS.now }),
      TEST_OPTIONS,
    );
    expect(JSON.stringify(plainCard)).not.toContain(POSTMORTEM_ACTIONS.open);
  });
});
