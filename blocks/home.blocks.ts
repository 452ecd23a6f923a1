/**
 * The App Home tab: declare button, incidents paging you, on call, how you get paged, assigned to me, open incidents
 * by service then severity.
 */
import type { ActionsBlock, Button, KnownBlock, HomeView as SlackHomeView } from '@slack/types';
import { howPagedHomeBlocks } from './contact.blocks.js';
import {
  bySeverityThenAge,
  inline,
  mrkdwn,
  person,
  plain,
  SEVERITIES,
  severityOf,
  slackDate,
} from './format.js';
import { INCIDENT_ACTIONS } from './ids.js';
import { incidentRowText } from './incident-list.blocks.js';
import { joinWithin, LIMITS } from './limits.js';
import { addOverrideButton } from './oncall.blocks.js';
import { range, scheduleLine, when, zoneNote } from './oncall-lines.js';
import { escalateButton, reasonLine } from './page.blocks.js';
import { slaHomeSection } from './sla.blocks.js';
import type { BlockOptions, HomeView, IncidentView, OnCallView, PagingMeView, Severity } from './types.js';

/** At most this many "assigned to me" rows, so open incidents keep most of the 100 blocks. */
export const MAX_ASSIGNED_ROWS = 5;
/** At most this many "Incidents paging you" rows. */
export const MAX_PAGING_ROWS = 5;
const MAX_SCHEDULE_LINES = 60;
const MAX_CURRENT_LINES = 10;

function header(text: string): KnownBlock {
  return { type: 'header', text: plain(text, LIMITS.headerText) };
}

function rowActions(view: IncidentView): ActionsBlock | null {
  const elements: Button[] = [];
  if (view.status === 'triggered') {
    elements.push({
      type: 'button',
      action_id: INCIDENT_ACTIONS.acknowledge,
      text: plain('Acknowledge', LIMITS.buttonText),
      style: 'primary',
      value: view.id,
    });
  }
  if (view.status !== 'resolved') {
    elements.push({
      type: 'button',
      action_id: INCIDENT_ACTIONS.resolve,
      text: plain('Resolve', LIMITS.buttonText),
      style: 'danger',
      value: view.id,
    });
  }
  return elements.length ? { type: 'actions', elements } : null;
}

function rowBlocks(view: IncidentView, opts: BlockOptions): KnownBlock[] {
  const actions = rowActions(view);
  const section: KnownBlock = {
    type: 'section',
    text: mrkdwn(incidentRowText(view, opts), LIMITS.sectionText),
  };
  return actions ? [section, actions] : [section];
}

function moreBlock(hidden: number, what: string): KnownBlock {
  const list = '`/incident list` shows open incidents';
  return { type: 'context', elements: [mrkdwn(`… and ${hidden} more ${what} — ${list}`, LIMITS.textObject)] };
}

/** "Incidents paging you": what is waking this person up, with Acknowledge and Escalate. */
export function pagingMeBlocks(items: readonly PagingMeView[], opts: BlockOptions): KnownBlock[] {
  const blocks: KnownBlock[] = [header(`Incidents paging you (${items.length})`)];
  if (items.length === 0) {
    blocks.push({ type: 'context', elements: [mrkdwn('Nothing is paging you.', LIMITS.textObject)] });
    return blocks;
  }
  const sorted = [...items].sort((a, b) => bySeverityThenAge(a.incident, b.incident));
  for (const item of sorted.slice(0, MAX_PAGING_ROWS)) {
    const text = `${incidentRowText(item.incident, opts)}\n${reasonLine(item.reason)} · paged ${slackDate(item.pagedAt, opts, '{time}')}`;
    blocks.push({ type: 'section', text: mrkdwn(text, LIMITS.sectionText) });
    const elements: Button[] = [];
    if (item.incident.status === 'triggered') {
      elements.push(
        {
          type: 'button',
          action_id: INCIDENT_ACTIONS.acknowledge,
          text: plain('Acknowledge', LIMITS.buttonText),
          style: 'primary',
          value: item.incident.id,
        },
        escalateButton(item.incident.id, item.token),
      );
    }
    if (elements.length) blocks.push({ type: 'actions', elements });
  }
  if (sorted.length > MAX_PAGING_ROWS) blocks.push(moreBlock(sorted.length - MAX_PAGING_ROWS, 'paging you'));
  return blocks;
}

function onCallBlocks(onCall: OnCallView, opts: BlockOptions): KnownBlock[] {
  const blocks: KnownBlock[] = [header('On call')];
  if (onCall.onCallNow.length === 0 && !onCall.nextShift && onCall.schedules.length === 0) {
    blocks.push({
      type: 'section',
      text: mrkdwn(
        'You are not on any on-call schedule. `/oncall` shows who is on call.',
        LIMITS.sectionText,
      ),
    });
    return blocks;
  }
  const current = onCall.onCallNow
    .slice(0, MAX_CURRENT_LINES)
    .map(
      (s) =>
        `:large_green_circle: You are on call for *${inline(s.scheduleName, 200)}*${s.until ? ` until ${when(s.until, opts)}` : ''}.`,
    );
  const now = current.length ? current.join('\n') : ':white_circle: You are not on call right now.';
  const next = onCall.nextShift
    ? `Your next shift: *${inline(onCall.nextShift.scheduleName, 200)}*, ${range(onCall.nextShift, opts)}.`
    : 'No upcoming shifts for you.';
  blocks.push(
    { type: 'section', text: mrkdwn(`${now}\n${next}`, LIMITS.sectionText) },
    { type: 'actions', elements: [addOverrideButton()] },
  );
  // Only a few dozen lines fit in one section: format no more than could ever be shown.
  const schedules = onCall.schedules.slice(0, MAX_SCHEDULE_LINES);
  const lines = schedules.map((s) => scheduleLine(s, opts));
  if (lines.length) {
    const hidden = onCall.schedules.length - schedules.length;
    const text = joinWithin(lines, '\n', LIMITS.sectionText, (n) => `… and ${n} more schedules`, hidden);
    blocks.push({ type: 'section', text: mrkdwn(`*Your schedules*\n${text}`, LIMITS.sectionText) });
  }
  blocks.push(zoneNote(opts));
  return blocks;
}

/** Groups by service; services with the most severe, then oldest, incident first. */
function byService(incidents: readonly IncidentView[]): [string, IncidentView[]][] {
  const groups = new Map<string, IncidentView[]>();
  for (const v of [...incidents].sort(bySeverityThenAge)) {
    const list = groups.get(v.service) ?? [];
    list.push(v);
    groups.set(v.service, list);
  }
  return [...groups.entries()];
}

function serviceLine(service: string, list: readonly IncidentView[]): string {
  const counts = new Map<Severity, number>();
  for (const v of list) counts.set(v.severity, (counts.get(v.severity) ?? 0) + 1);
  const summary = [...counts.entries()]
    .sort(([a], [b]) => a - b)
    .map(([s, n]) => `${n} × ${SEVERITIES[s]?.label ?? severityOf(s).label}`)
    .join(', ');
  return `*${inline(service, 300, '(no service)')}* — ${summary}`;
}

/** The App Home view for `views.publish`. Never more than 100 blocks, whatever the model holds. */
export function homeView(model: HomeView, opts: BlockOptions): SlackHomeView {
  const blocks: KnownBlock[] = [
    header('OpsWatch'),
    {
      type: 'context',
      elements: [
        mrkdwn(
          `Hi ${person(model.user.name, model.user.slackUserId)} · updated ${slackDate(opts.now, opts)}`,
          LIMITS.textObject,
        ),
      ],
    },
    {
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: INCIDENT_ACTIONS.declare,
          text: plain('Declare incident', LIMITS.buttonText),
          style: 'primary',
          value: 'home',
        },
      ],
    },
    { type: 'divider' },
  ];
  if (model.pagingMe) blocks.push(...pagingMeBlocks(model.pagingMe, opts), { type: 'divider' });
  if (model.onCall) blocks.push(...onCallBlocks(model.onCall, opts), { type: 'divider' });
  if (model.howPaged) blocks.push(...howPagedHomeBlocks(model.howPaged), { type: 'divider' });
  if (model.slas?.length) blocks.push(...slaHomeSection(model.slas, 6), { type: 'divider' });

  // Reserve: 1 header + "more" for assigned, a divider, 1 header + "more" for open incidents.
  const reserve = 5;
  blocks.push(header(`Assigned to me (${model.assignedToMe.length})`));
  if (model.assignedToMe.length === 0) {
    blocks.push({ type: 'context', elements: [mrkdwn('Nothing is assigned to you.', LIMITS.textObject)] });
  } else {
    const assigned = [...model.assignedToMe].sort(bySeverityThenAge);
    let shown = 0;
    for (const v of assigned) {
      const rows = rowBlocks(v, opts);
      if (shown >= MAX_ASSIGNED_ROWS || blocks.length + rows.length + reserve > LIMITS.viewBlocks) break;
      blocks.push(...rows);
      shown++;
    }
    if (shown < assigned.length) blocks.push(moreBlock(assigned.length - shown, 'assigned to you'));
  }
  blocks.push({ type: 'divider' }, header(`Open incidents (${model.openIncidents.length})`));

  if (model.openIncidents.length === 0) {
    blocks.push({
      type: 'section',
      text: mrkdwn(':white_check_mark: No open incidents. All quiet.', LIMITS.sectionText),
    });
    return { type: 'home', blocks };
  }
  const room = LIMITS.viewBlocks - 1; // keep one block for "… and N more"
  let shown = 0;
  groups: for (const [service, list] of byService(model.openIncidents)) {
    const first = list[0];
    if (!first || blocks.length + 1 + rowBlocks(first, opts).length > room) break;
    blocks.push({ type: 'section', text: mrkdwn(serviceLine(service, list), LIMITS.sectionText) });
    for (const v of list) {
      const rows = rowBlocks(v, opts);
      if (blocks.length + rows.length > room) break groups;
      blocks.push(...rows);
      shown++;
    }
  }
  const hidden = model.openIncidents.length - shown;
  if (hidden > 0) blocks.push(moreBlock(hidden, 'open incidents'));
  return { type: 'home', blocks };
}
