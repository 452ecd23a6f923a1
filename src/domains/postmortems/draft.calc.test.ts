import { describe, expect, it } from '@jest/globals';
import type { IncidentDetailDto, TimelineDto } from '../incidents/index.js';
import { draftFacts, figuresOf, humanDuration, timelineRows } from './draft.calc.js';
import { postmortemMarkdown } from './markdown.calc.js';
import { contentSchema, type PostmortemDto } from './postmortems.types.js';

const at = (min: number, s = 0) => new Date(Date.UTC(2026, 2, 2, 9, min, s)).toISOString();
let seq = 0;
const event = (
  kind: string,
  min: number,
  message: string,
  data: Record<string, unknown> = {},
): TimelineDto => ({
  id: String(++seq),
  kind,
  actor: { kind: 'user', id: 'u1', name: 'Ana' },
  message,
  data,
  createdAt: at(min),
  mergedFrom: null,
});

function incident(timeline: TimelineDto[]): IncidentDetailDto {
  return {
    id: 'i1',
    number: 42,
    ref: 'INC-42',
    title: 'Checkout slow',
    description: null,
    service: 'checkout',
    environment: 'production',
    severity: 1,
    severityLabel: 'P1',
    status: 'resolved',
    source: 'alertmanager',
    groupKey: null,
    assignee: { id: 'u2', name: 'Bo', email: null, slackUserId: null },
    alertCount: 2,
    firingAlertCount: 0,
    createdAt: at(5),
    acknowledgedAt: at(9),
    resolvedAt: at(50),
    updatedAt: at(50),
    version: 3,
    drill: false,
    roles: { commander: null, communications: null, scribe: null },
    mergedInto: null,
    runbooks: [],
    alerts: [
      { startsAt: at(2), firstSeenAt: at(4), title: 'HighLatency', labels: { service: 'checkout' } },
      { startsAt: null, firstSeenAt: at(3), title: 'DBSlow', labels: { service: 'payments-db' } },
    ].map((a, i) => ({
      id: `a${i}`,
      source: 'alertmanager',
      dedupKey: `k${i}`,
      status: 'resolved' as const,
      severity: 1,
      annotations: {},
      links: [],
      endsAt: null,
      lastSeenAt: at(40),
      resolvedAt: at(40),
      occurrences: 1,
      ...a,
    })),
    timeline,
  };
}

const story = () => [
  event('created', 5, 'INC-42 opened by Alertmanager: Checkout slow'),
  event('escalation_step', 5, 'Step 1: Payments; paging 1 person'),
  event('notified', 5, 'Slack DM page sent'),
  event('role_assigned', 6, 'Ana is commander', { role: 'commander', userId: 'u1', userName: 'Ana' }),
  event('acknowledged', 9, 'INC-42 acknowledged by Ana'),
  event('status_update', 20, 'Update', { status: 'identified', message: 'A bad deploy' }),
  event('note', 30, 'rolled back'),
  event('acknowledged', 31, 'INC-42 acknowledged by Ana'),
  event('resolved', 50, 'INC-42 resolved by Ana: rolled back', { note: 'rolled back' }),
];

describe('a draft’s facts', () => {
  it('MTTD from the first alert’s start, MTTA to the first acknowledgement, MTTR to the resolution', () => {
    expect(figuresOf(incident(story()))).toEqual({
      mttdMs: 3 * 60_000,
      mttaMs: 4 * 60_000,
      mttrMs: 45 * 60_000,
    });
    expect(figuresOf({ ...incident([]), alerts: [] })).toEqual({ mttdMs: null, mttaMs: null, mttrMs: null });
  });

  it('the timeline: the first alert, then every event as the incident’s timeline tells it', () => {
    const rows = timelineRows(incident(story()));
    expect(rows[0]).toEqual({
      at: at(2),
      kind: 'first_alert',
      what: 'First alert started: HighLatency',
      who: 'alertmanager',
    });
    expect(rows.slice(1).map((r) => [r.at, r.kind, r.what])).toEqual(
      story().map((e) => [e.createdAt, e.kind, e.message]),
    );
  });

  it('owner, services, roles and status updates', () => {
    const f = draftFacts(incident(story()), 'Europe/Berlin');
    expect(f.owner).toEqual({ id: 'u2', name: 'Bo' });
    expect(f.services).toEqual(['checkout', 'payments-db']);
    expect(f.roles).toEqual([{ role: 'commander', userName: 'Ana' }]);
    expect(f.statusUpdates).toEqual([
      { at: at(20), status: 'identified', message: 'A bad deploy', who: 'Ana' },
    ]);
    expect(f).toMatchObject({
      openedAt: at(5),
      firstAlertAt: at(2),
      acknowledgedAt: at(9),
      resolvedAt: at(50),
    });
  });

  it('reads durations', () => {
    expect([null, 12_000, 250_000, 3_780_000, 2 * 86_400_000 + 3_600_000].map(humanDuration)).toEqual([
      '—',
      '12 s',
      '4 min 10 s',
      '1 h 3 min',
      '2 d 1 h',
    ]);
  });
});

describe('the Markdown document', () => {
  it('has every section, the facts and the timeline in the zone', () => {
    const facts = draftFacts(incident(story()), 'Europe/Berlin');
    const p: PostmortemDto = {
      id: 'p1',
      incidentId: 'i1',
      incidentRef: 'INC-42',
      title: 'Checkout slow',
      status: 'draft',
      facts,
      content: contentSchema.parse({ resolution: 'rolled back', usersAffected: 1200 }),
      actionItems: [],
      version: 1,
      createdBy: 'Ana',
      publishedAt: null,
      publishedBy: null,
      createdAt: at(60),
      updatedAt: at(60),
    };
    const md = postmortemMarkdown(p);
    for (const h of [
      'Summary',
      'Impact',
      'Timeline',
      'Root cause',
      'Resolution',
      'What went well',
      'What went wrong',
      'Lessons learned',
      'Action items',
    ])
      expect(md).toContain(`## ${h}\n`);
    expect(md).toContain('**Users affected:** 1200');
    expect(md).toContain('**MTTD:** 3 min · **MTTA:** 4 min · **MTTR:** 45 min');
    expect(md).toContain('Times in Europe/Berlin (CET).');
    expect(md).toContain('| 2026-03-02 10:02:00 | First alert started: HighLatency | alertmanager |');
    expect(md).toContain('| 2026-03-02 10:50:00 | INC-42 resolved by Ana: rolled back | Ana |');
    expect(md).toContain('**Roles:** commander: Ana');
    expect(md).toContain('identified** — A bad deploy (Ana)');
  });
});
