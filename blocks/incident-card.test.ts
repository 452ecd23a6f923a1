import { describe, expect, it } from '@jest/globals';
import type { ActionsBlock, ContextBlock, HeaderBlock, KnownBlock, SectionBlock } from '@slack/types';
import { INCIDENT_ACTIONS, parseIncidentActionsBlockId } from './ids.js';
import { cardLabels, incidentCard } from './incident-card.blocks.js';
import { checkLimits } from './limits.js';
import { FIXED_NOW, incidentView, TEST_OPTIONS } from './view-fixtures.js';

function find<T extends KnownBlock>(blocks: KnownBlock[], type: T['type']): T[] {
  return blocks.filter((b) => b.type === type) as T[];
}

function actionIds(blocks: KnownBlock[]): string[] {
  return find<ActionsBlock>(blocks, 'actions').flatMap((b) => b.elements.map((e) => e.action_id ?? ''));
}

function allText(blocks: KnownBlock[]): string {
  return JSON.stringify(blocks);
}

describe('incidentCard', () => {
  it('has a header with the severity emoji, the number and the title', () => {
    const { blocks, text } = incidentCard(incidentView(), TEST_OPTIONS);
    const header = find<HeaderBlock>(blocks, 'header')[0];
    expect(header?.text.text).toBe(':red_circle: INC-42 Checkout returns 502');
    expect(text).toBe('[P1] INC-42 Triggered: Checkout returns 502 (checkout/production)');
  });

  it('offers Acknowledge with the incident id while triggered', () => {
    const view = incidentView();
    const { blocks } = incidentCard(view, TEST_OPTIONS);
    const actions = find<ActionsBlock>(blocks, 'actions')[0];
    expect(actions?.elements[0]).toMatchObject({
      type: 'button',
      action_id: 'incident.acknowledge',
      value: view.id,
      style: 'primary',
    });
    expect(actionIds(blocks)).toEqual([
      INCIDENT_ACTIONS.acknowledge,
      INCIDENT_ACTIONS.resolve,
      INCIDENT_ACTIONS.assign,
      INCIDENT_ACTIONS.addNote,
      INCIDENT_ACTIONS.more,
    ]);
    expect(parseIncidentActionsBlockId(actions?.block_id ?? '')).toBe(view.id);
  });

  it('hides Acknowledge once acknowledged and pre-selects the assignee', () => {
    const view = incidentView({
      status: 'acknowledged',
      acknowledgedAt: FIXED_NOW,
      acknowledgedBy: 'U0ALICE',
      assignee: { name: 'Alice', slackUserId: 'U0ALICE' },
    });
    const { blocks } = incidentCard(view, TEST_OPTIONS);
    expect(actionIds(blocks)).toEqual([
      INCIDENT_ACTIONS.resolve,
      INCIDENT_ACTIONS.assign,
      INCIDENT_ACTIONS.addNote,
      INCIDENT_ACTIONS.more,
    ]);
    expect(find<ActionsBlock>(blocks, 'actions')[0]?.elements[1]).toMatchObject({ initial_user: 'U0ALICE' });
    expect(allText(blocks)).toContain('Acknowledged by <@U0ALICE>');
  });

  it('shows no buttons on a resolved incident, but who resolved it and when', () => {
    const resolvedAt = new Date(FIXED_NOW.getTime() - 60 * 60_000);
    const view = incidentView({ status: 'resolved', resolvedAt, resolvedBy: 'Bob' });
    const { blocks } = incidentCard(view, TEST_OPTIONS);
    expect(find(blocks, 'actions')).toHaveLength(0);
    const context = find<ContextBlock>(blocks, 'context').flatMap((c) =>
      c.elements.map((e) => ('text' in e ? e.text : '')),
    );
    expect(context).toContain(
      `:white_check_mark: Resolved by *Bob* <!date^${resolvedAt.getTime() / 1000}^{date_short_pretty} {time}|2026-01-05 09:00 +01:00> after 1h 5m`,
    );
  });

  it('shows the age from creation to now, or to resolution', () => {
    const fields = (view: ReturnType<typeof incidentView>): string[] =>
      (find<SectionBlock>(incidentCard(view, TEST_OPTIONS).blocks, 'section')[0]?.fields ?? []).map(
        (f) => f.text,
      );
    expect(fields(incidentView())).toContain('*Age*\n2h 5m');
    expect(fields(incidentView({ createdAt: new Date(FIXED_NOW.getTime() - 3 * 60_000) }))).toContain(
      '*Age*\n3m',
    );
    expect(fields(incidentView({ createdAt: new Date(FIXED_NOW.getTime() - 28 * 3_600_000) }))).toContain(
      '*Age*\n1d 4h',
    );
    expect(fields(incidentView())).toEqual([
      '*Severity*\n:red_circle: P1 · Critical',
      '*Status*\n:rotating_light: Triggered',
      '*Service*\ncheckout',
      '*Environment*\nproduction',
      '*Assignee*\n_Unassigned_',
      '*Age*\n2h 5m',
    ]);
  });

  it('shows the labels that matter, without the ones shown as fields', () => {
    expect(
      cardLabels({ zeta: '1', severity: 'critical', pod: 'p', alertname: 'A', service: 's', env: 'prod' }),
    ).toEqual([
      ['alertname', 'A'],
      ['pod', 'p'],
      ['zeta', '1'],
    ]);
    const { blocks } = incidentCard(incidentView(), TEST_OPTIONS);
    const labels = find<ContextBlock>(blocks, 'context')[0]?.elements.map((e) => ('text' in e ? e.text : ''));
    expect(labels).toEqual(['*alertname:* `HighErrorRate`', '*instance:* `web-1:9090`', '*job:* `checkout`']);
  });

  it('links to the runbook, and to no incident page (OpsWatch has none yet)', () => {
    const view = incidentView();
    const text = allText(incidentCard(view, TEST_OPTIONS).blocks);
    expect(text).toContain(':link: <https://runbooks.example.com/high-error-rate|Runbook>');
    expect(text).not.toContain('opswatch.example.com');
    expect(text).not.toContain('in OpsWatch');
  });

  it('has no links line when the alert brought no links', () => {
    const text = allText(incidentCard(incidentView({ links: [] }), TEST_OPTIONS).blocks);
    expect(text).not.toContain(':link:');
  });

  it('escapes mrkdwn in alert-provided text', () => {
    const { blocks, text } = incidentCard(
      incidentView({ title: '<!channel> & panic', description: '<@U1> <b>' }),
      TEST_OPTIONS,
    );
    expect(text).toContain('&lt;!channel&gt; &amp; panic');
    expect(allText(blocks)).toContain('&lt;@U1&gt; &lt;b&gt;');
    expect(checkLimits('message', { text, blocks })).toEqual([]);
  });
});
