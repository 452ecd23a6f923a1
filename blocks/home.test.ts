import { describe, expect, it } from '@jest/globals';
import type { ActionsBlock, HeaderBlock, SectionBlock } from '@slack/types';
import { homeView } from './home.blocks.js';
import { INCIDENT_ACTIONS, ONCALL_ACTIONS } from './ids.js';
import { checkLimits } from './limits.js';
import { FIXED_NOW, incidentView, TEST_OPTIONS } from './view-fixtures.js';

const user = { slackUserId: 'U0ALICE', name: 'Alice' };

function headers(blocks: unknown[]): string[] {
  return blocks.filter((b): b is HeaderBlock => (b as HeaderBlock).type === 'header').map((b) => b.text.text);
}

describe('homeView', () => {
  it('has a declare button and an empty state', () => {
    const view = homeView({ user, openIncidents: [], assignedToMe: [] }, TEST_OPTIONS);
    expect(view.type).toBe('home');
    expect(headers(view.blocks)).toEqual(['OpsWatch', 'Assigned to me (0)', 'Open incidents (0)']);
    const declare = (view.blocks[2] as ActionsBlock).elements[0];
    expect(declare).toMatchObject({ action_id: INCIDENT_ACTIONS.declare, style: 'primary' });
    expect(JSON.stringify(view.blocks)).toContain('No open incidents. All quiet.');
  });

  it('groups open incidents by service, most severe service first, with buttons', () => {
    const open = [
      incidentView({ id: 'a', number: 1, service: 'api', severity: 3 }),
      incidentView({ id: 'b', number: 2, service: 'db', severity: 1, status: 'acknowledged' }),
      incidentView({ id: 'c', number: 3, service: 'api', severity: 2 }),
    ];
    const view = homeView({ user, openIncidents: open, assignedToMe: [] }, TEST_OPTIONS);
    const sections = view.blocks
      .filter((b): b is SectionBlock => b.type === 'section')
      .map((b) => b.text?.text.split('\n')[0] ?? '');
    expect(sections.filter((t) => t.startsWith('*') && t.includes('×'))).toEqual([
      '*db* — 1 × P1',
      '*api* — 1 × P2, 1 × P3',
    ]);
    const buttons = view.blocks
      .filter((b): b is ActionsBlock => b.type === 'actions')
      .slice(1)
      .map((b) => b.elements.map((e) => `${e.action_id}:${'value' in e ? e.value : ''}`));
    expect(buttons).toEqual([
      ['incident.resolve:b'],
      ['incident.acknowledge:c', 'incident.resolve:c'],
      ['incident.acknowledge:a', 'incident.resolve:a'],
    ]);
  });

  it('shows the on-call section when given, times in the reader’s zone with the zone named', () => {
    const until = new Date(FIXED_NOW.getTime() + 3_600_000);
    const view = homeView(
      {
        user,
        openIncidents: [],
        assignedToMe: [],
        onCall: {
          onCallNow: [{ scheduleName: 'Primary', until }],
          nextShift: {
            scheduleName: 'Primary',
            start: new Date('2026-01-12T08:00:00Z'),
            end: new Date('2026-01-12T16:00:00Z'),
          },
          schedules: [
            {
              name: 'Primary',
              onCall: [
                { name: 'Alice', slackUserId: 'U0ALICE' },
                { name: 'Bob', slackUserId: null },
              ],
              until,
            },
            { name: 'Secondary', onCall: [], until, gaps: [{ start: FIXED_NOW, end: until }] },
          ],
        },
      },
      TEST_OPTIONS,
    );
    expect(headers(view.blocks)).toContain('On call');
    const text = JSON.stringify(view.blocks);
    // TEST_OPTIONS.timeZone is Europe/Berlin: 10:00 UTC is 11:00 CET.
    expect(text).toContain('You are on call for *Primary* until Mon 11:00 CET.');
    expect(text).toContain('Your next shift: *Primary*, Mon 12 Jan 09:00 CET – 17:00 CET.');
    expect(text).toContain('*Primary*: <@U0ALICE>, *Bob* until Mon 11:00 CET');
    expect(text).toContain('*Secondary*: :warning: *nobody on call* until Mon 11:00 CET');
    expect(text).toContain(':warning: Gaps in the next 14 days: Mon 10:00 CET – 11:00 CET');
    expect(text).toContain('Times in Europe/Berlin');
    expect(text).not.toContain('<!date^1767607200');
    expect(text).toContain(ONCALL_ACTIONS.addOverride);
    expect(checkLimits('home', view)).toEqual([]);
  });

  it('says so when the person is on no schedule', () => {
    const view = homeView(
      {
        user,
        openIncidents: [],
        assignedToMe: [],
        onCall: { onCallNow: [], nextShift: null, schedules: [] },
      },
      TEST_OPTIONS,
    );
    expect(headers(view.blocks)).toContain('On call');
    expect(JSON.stringify(view.blocks)).toContain('You are not on any on-call schedule.');
  });

  it('leaves the on-call section out without a model', () => {
    const view = homeView({ user, openIncidents: [], assignedToMe: [] }, TEST_OPTIONS);
    expect(headers(view.blocks)).not.toContain('On call');
  });
});
