/** The incident card posted to a channel and kept up to date with chat.update. */
import type {
  ActionsBlock,
  ActionsBlockElement,
  ContextBlock,
  KnownBlock,
  MrkdwnElement,
} from '@slack/types';
import {
  escapeMrkdwn,
  incidentAge,
  incidentRef,
  inline,
  link,
  mrkdwn,
  person,
  plain,
  STATUSES,
  severityOf,
  slackDate,
} from './format.js';
import { INCIDENT_ACTIONS, incidentActionsBlockId, POSTMORTEM_ACTIONS } from './ids.js';
import { cardMoreMenu, cardMoreOptions } from './incident-card-more.blocks.js';
import { channelLine } from './incident-channel.blocks.js';
import { rolesBlock } from './incident-updates.blocks.js';
import { knownProblemBlock } from './kb-hint.blocks.js';
import { joinWithin, LIMITS, truncate } from './limits.js';
import { DRILL_MARK, drillPrefix, escalateButton } from './page.blocks.js';
import { cardRunbookBlocks } from './runbook.blocks.js';
import type { BlockOptions, CardEscalationView, IncidentView, MessagePayload } from './types.js';

/** Labels worth showing on a card, in this order; other labels follow alphabetically while room is left. */
export const LABEL_PRIORITY = [
  'alertname',
  'instance',
  'job',
  'namespace',
  'pod',
  'cluster',
  'container',
  'node',
  'deployment',
  'region',
  'zone',
] as const;

/** Shown elsewhere on the card already. */
const DUPLICATE_LABELS = new Set(['service', 'env', 'environment', 'severity', 'priority']);

const MAX_LABEL_ELEMENTS = LIMITS.contextElements - 1;
const DESCRIPTION_MAX = 1500;

/** The labels a card shows, most useful first, without the ones the card shows as fields. */
export function cardLabels(labels: Record<string, string>): [string, string][] {
  const entries = Object.entries(labels).filter(
    ([k, v]) => !DUPLICATE_LABELS.has(k.toLowerCase()) && !k.startsWith('__') && v.trim() !== '',
  );
  const rank = (k: string): number => {
    const i = (LABEL_PRIORITY as readonly string[]).indexOf(k);
    return i === -1 ? LABEL_PRIORITY.length : i;
  };
  return entries.sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
}

function labelsBlock(labels: Record<string, string>): ContextBlock | null {
  const picked = cardLabels(labels);
  if (picked.length === 0) return null;
  const shown = picked.length > LIMITS.contextElements ? picked.slice(0, MAX_LABEL_ELEMENTS) : picked;
  const elements: MrkdwnElement[] = shown.map(([k, v]) =>
    mrkdwn(`*${inline(k, 40)}:* \`${inline(v.replace(/`/g, "'"), 120)}\``, LIMITS.textObject),
  );
  const hidden = picked.length - shown.length;
  if (hidden > 0) elements.push(mrkdwn(`+${hidden} more labels`, LIMITS.textObject));
  return { type: 'context', elements };
}

function lifecycleBlock(view: IncidentView, opts: BlockOptions): ContextBlock {
  const alerts =
    view.alertCount === 1
      ? `:bell: 1 alert (${view.openAlertCount > 0 ? 'firing' : 'resolved'})`
      : `:bell: ${view.alertCount} alerts (${view.openAlertCount} firing)`;
  const parts = [`Opened ${slackDate(view.createdAt, opts)}`, alerts];
  if (view.acknowledgedAt) {
    const by = view.acknowledgedBy ? ` by ${person(view.acknowledgedBy)}` : '';
    parts.push(`Acknowledged${by} ${slackDate(view.acknowledgedAt, opts)}`);
  }
  if (view.status === 'resolved' && view.mergedInto) {
    const when = view.resolvedAt ? ` ${slackDate(view.resolvedAt, opts)}` : '';
    parts.push(`:twisted_rightwards_arrows: Merged into ${mergedIntoText(view.mergedInto)}${when}`);
  } else if (view.status === 'resolved') {
    const by = view.resolvedBy ? ` by ${person(view.resolvedBy)}` : '';
    const when = view.resolvedAt ? ` ${slackDate(view.resolvedAt, opts)}` : '';
    parts.push(`:white_check_mark: Resolved${by}${when} after ${incidentAge(view, opts.now)}`);
  }
  return { type: 'context', elements: parts.map((p) => mrkdwn(p, LIMITS.textObject)) };
}

/** `*INC-41*`, linked to its card when its permalink is known. */
function mergedIntoText(m: NonNullable<IncidentView['mergedInto']>): string {
  return m.url ? link(m.url, m.ref) : `*${m.ref}*`;
}

/**
 * The alert's links (runbook, dashboard…), or null when it has none. OpsWatch has no incident page yet, so the
 * card does not link to one: a link must never lead to a 404.
 */
function linksText(view: IncidentView): string | null {
  const links = view.links.map((l) => link(l.href, l.text || l.href, 60));
  if (links.length === 0) return null;
  return `:link: ${joinWithin(links, ' · ', LIMITS.sectionText - 10, (n) => `+${n} more`)}`;
}

/** "in 4 min" (rounded up; "in less than a minute" under 30 s). */
function inMinutes(at: Date, now: Date): string {
  const ms = at.getTime() - now.getTime();
  if (ms < 30_000) return 'in less than a minute';
  const min = Math.round(ms / 60_000);
  return `in ${min} min`;
}

/**
 * The card's escalation line: "Paging Ana (Payments on-call) · Escalates to Payments managers in 4 min (at 12:09)".
 * The card is re-rendered at each step, so "in N min" is true when posted; the `<!date>` keeps it readable later.
 */
export function escalationLine(esc: CardEscalationView, opts: BlockOptions): string | null {
  if (esc.state === 'exhausted') {
    const loops = esc.loops ?? 1;
    return `:rotating_light: Nobody acknowledged after ${loops} ${loops === 1 ? 'loop' : 'loops'}`;
  }
  if (esc.state !== 'active') return null;
  const people = esc.pagingNow.slice(0, 10).map((p) => {
    const who = person(p.person.name, p.person.slackUserId);
    return p.why ? `${who} (${inline(p.why, 120)})` : who;
  });
  const more = esc.pagingNow.length - people.length;
  const paging = people.length
    ? `:pager: Paging ${people.join(', ')}${more > 0 ? ` and ${more} more` : ''}`
    : ':pager: Paging nobody right now';
  if (!esc.next) return `${paging} · Last step`;
  const at = slackDate(esc.next.at, opts, '{time}');
  return `${paging} · Escalates to ${inline(esc.next.to, 200)} ${inMinutes(esc.next.at, opts.now)} (at ${at})`;
}

/**
 * The card's buttons: Acknowledge (triggered only), Resolve (open only), Assign, Add note, Escalate (escalating), and
 * the "More" menu when it has options.
 */
export function incidentActions(view: IncidentView): ActionsBlock | null {
  if (view.status === 'resolved') return null;
  const elements: ActionsBlockElement[] = [];
  if (view.status === 'triggered') {
    elements.push({
      type: 'button',
      action_id: INCIDENT_ACTIONS.acknowledge,
      text: plain('Acknowledge', LIMITS.buttonText),
      style: 'primary',
      value: view.id,
    });
  }
  elements.push(
    {
      type: 'button',
      action_id: INCIDENT_ACTIONS.resolve,
      text: plain('Resolve', LIMITS.buttonText),
      style: 'danger',
      value: view.id,
    },
    {
      type: 'users_select',
      action_id: INCIDENT_ACTIONS.assign,
      placeholder: plain('Assign to…', LIMITS.placeholder),
      ...(view.assignee?.slackUserId ? { initial_user: view.assignee.slackUserId } : {}),
    },
    {
      type: 'button',
      action_id: INCIDENT_ACTIONS.addNote,
      text: plain('Add note', LIMITS.buttonText),
      value: view.id,
    },
  );
  if (view.status === 'triggered' && view.escalation?.state === 'active') {
    elements.push(escalateButton(view.id, view.escalation.token));
  }
  const more = cardMoreMenu(view.id, cardMoreOptions(view));
  if (more) elements.push(more);
  const blockId = incidentActionsBlockId(view.id);
  return { type: 'actions', ...(blockId.length <= LIMITS.id ? { block_id: blockId } : {}), elements };
}

/** A resolved incident's actions: "Postmortem" (draft it, or open the one it has), when the card offers it. */
export function resolvedActions(view: IncidentView): ActionsBlock | null {
  if (view.status !== 'resolved' || !view.postmortemOffered) return null;
  return {
    type: 'actions',
    block_id: 'incident.resolved_actions',
    elements: [
      {
        type: 'button',
        action_id: POSTMORTEM_ACTIONS.open,
        text: plain('Postmortem', LIMITS.buttonText),
        value: view.id,
      },
    ],
  };
}

/** The incident's title on one line ("Untitled incident" when blank). */
export const oneLineTitle = (view: IncidentView): string =>
  view.title.replace(/\s+/g, ' ').trim() || 'Untitled incident';

/** Fallback text (notifications, screen readers): `[P1] INC-42 Triggered: title (service/env)`. */
export function incidentCardText(view: IncidentView): string {
  const sev = severityOf(view.severity);
  const title = oneLineTitle(view);
  const status = view.mergedInto ? `Merged into ${view.mergedInto.ref}` : STATUSES[view.status].label;
  const text = `${drillPrefix(view)}[${sev.label}] ${incidentRef(view.number)} ${status}: ${title} (${view.service}/${view.environment})`;
  return truncate(escapeMrkdwn(text), LIMITS.sectionText);
}

/**
 * The head of a message about an incident (its card, its channel's pinned summary): the header ("🔴 INC-42 title")
 * and the fields Severity, Status (`statusText`), Service, Environment, Assignee and a last one (`last`).
 */
export function incidentHead(view: IncidentView, statusText: string, last: [string, string]): KnownBlock[] {
  const sev = severityOf(view.severity);
  const title = oneLineTitle(view);
  const assignee = view.assignee ? person(view.assignee.name, view.assignee.slackUserId) : '_Unassigned_';
  const field = (name: string, value: string): MrkdwnElement =>
    mrkdwn(`*${name}*\n${value}`, LIMITS.sectionFieldText);
  return [
    {
      type: 'header',
      text: plain(`${drillPrefix(view)}${sev.emoji} ${incidentRef(view.number)} ${title}`, LIMITS.headerText),
    },
    {
      type: 'section',
      fields: [
        field('Severity', `${sev.emoji} ${sev.label} · ${sev.name}`),
        field('Status', statusText),
        field('Service', inline(view.service, 200)),
        field('Environment', inline(view.environment, 200)),
        field('Assignee', assignee),
        field(...last),
      ],
    },
  ];
}

/** The incident's description as a section, or null when it has none. */
export function descriptionBlock(view: IncidentView): KnownBlock | null {
  const description = view.description?.trim();
  if (!description) return null;
  return {
    type: 'section',
    text: mrkdwn(truncate(escapeMrkdwn(description), DESCRIPTION_MAX), LIMITS.sectionText),
  };
}

/** The incident card for chat.postMessage / chat.update. */
export function incidentCard(view: IncidentView, opts: BlockOptions): MessagePayload {
  const status = STATUSES[view.status];
  const statusText = view.mergedInto
    ? `:twisted_rightwards_arrows: Merged into ${mergedIntoText(view.mergedInto)}`
    : `${status.emoji} ${status.label}`;
  const title = oneLineTitle(view);
  const blocks: KnownBlock[] = incidentHead(view, statusText, ['Age', incidentAge(view, opts.now)]);
  if (view.drill) {
    blocks.push({
      type: 'context',
      elements: [
        mrkdwn(`${DRILL_MARK} — a fire drill: it pages for real and is left out of the figures.`, 300),
      ],
    });
  }
  const description = descriptionBlock(view);
  if (description) blocks.push(description);
  const labels = labelsBlock(view.labels);
  if (labels) blocks.push(labels);
  const links = linksText(view);
  if (links) blocks.push({ type: 'section', text: mrkdwn(links, LIMITS.sectionText) });
  const channel = channelLine(view.channel);
  if (channel) blocks.push({ type: 'context', elements: [mrkdwn(channel, LIMITS.textObject)] });
  const known = view.status === 'resolved' ? null : knownProblemBlock(view.knownProblem, opts.now);
  if (known) blocks.push(known);
  const runbooks = view.status === 'resolved' ? null : cardRunbookBlocks(view.id, view.runbooks ?? []);
  if (runbooks) blocks.push(...runbooks);
  if (view.errorBudget)
    blocks.push({
      type: 'context',
      elements: [mrkdwn(`:chart_with_downwards_trend: ${view.errorBudget}`, LIMITS.textObject)],
    });
  blocks.push(lifecycleBlock(view, opts));
  const roles = rolesBlock(view.roles);
  if (roles) blocks.push(roles);
  const escalation =
    view.escalation && view.status === 'triggered' ? escalationLine(view.escalation, opts) : null;
  if (escalation) blocks.push({ type: 'context', elements: [mrkdwn(escalation, LIMITS.textObject)] });
  const actions = incidentActions(view) ?? resolvedActions(view);
  if (actions) blocks.push(actions);
  return { text: incidentCardText({ ...view, title }), blocks };
}
