import { describe, expect, it } from '@jest/globals';
import { noteModal } from './declare-modal.blocks.js';
import { homeView } from './home.blocks.js';
import { incidentCard } from './incident-card.blocks.js';
import { incidentList } from './incident-list.blocks.js';
import { timelineReply } from './incident-thread.blocks.js';
import { incidentView, TEST_OPTIONS, timelineItem } from './view-fixtures.js';

const BASE = TEST_OPTIONS.baseUrl.replace(/\/+$/, '');

/** Every URL a surface links to: `<url|text>` in mrkdwn, and the `url` of buttons and overflow options. */
function urlsIn(surface: unknown): string[] {
  const found: string[] = [];
  const walk = (v: unknown, key?: string): void => {
    if (typeof v === 'string') {
      if (key === 'url') found.push(v);
      for (const m of v.matchAll(/<(https?:\/\/[^|>]+)[|>]/g)) if (m[1]) found.push(m[1]);
    } else if (Array.isArray(v)) {
      for (const x of v) walk(x);
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) walk(x, k);
    }
  };
  walk(surface);
  return found;
}

/** OpsWatch serves no page at `/`, `/incidents` or `/incidents/<id>` yet: nothing may link there. */
const leadsNowhere = (url: string): boolean =>
  url === BASE || url === `${BASE}/` || url === `${BASE}/incidents` || url.startsWith(`${BASE}/incidents/`);

describe('links on every incident surface', () => {
  const statuses = ['triggered', 'acknowledged', 'resolved'] as const;
  const views = statuses.map((status, i) =>
    incidentView({ id: `id-${i}`, number: i + 1, status, assignee: { name: 'Alice', slackUserId: 'U0A' } }),
  );
  const many = Array.from({ length: 60 }, (_, i) => incidentView({ id: `m-${i}`, number: 100 + i }));
  const surfaces: [string, unknown][] = [
    ...views.map((v): [string, unknown] => [`card (${v.status})`, incidentCard(v, TEST_OPTIONS)]),
    ...views.map((v): [string, unknown] => [
      `thread reply (${v.status})`,
      timelineReply(timelineItem(), v, TEST_OPTIONS),
    ]),
    ['/incident list', incidentList(views, TEST_OPTIONS)],
    ['/incident list, truncated', incidentList(many, { ...TEST_OPTIONS, max: 10 })],
    [
      'App Home',
      homeView(
        { user: { slackUserId: 'U0A', name: 'Alice' }, openIncidents: many, assignedToMe: many },
        TEST_OPTIONS,
      ),
    ],
    ['note modal', noteModal({ incident: views[0] ?? incidentView(), privateMetadata: '{}' })],
  ];

  it.each(surfaces)('%s links to no OpsWatch page that does not exist', (_name, surface) => {
    expect(urlsIn(surface).filter(leadsNowhere)).toEqual([]);
    expect(JSON.stringify(surface)).not.toContain(`${BASE}/incidents`);
  });

  it('keeps the links that lead somewhere: the alert’s runbook', () => {
    expect(urlsIn(incidentCard(incidentView(), TEST_OPTIONS))).toEqual([
      'https://runbooks.example.com/high-error-rate',
    ]);
  });

  it('finds links where Slack would follow them (the check is not vacuous)', () => {
    expect(urlsIn({ text: `<${BASE}/incidents/x|INC-1>`, accessory: { url: `${BASE}/` } })).toEqual([
      `${BASE}/incidents/x`,
      `${BASE}/`,
    ]);
  });
});
