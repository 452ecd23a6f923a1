/**
 * Escalation messages: the page DM (and its in-place updated form), the slack_channel target post (@here and
 * Acknowledge), the user-group mention, "Nobody is on call for Payments", the exhausted notice, and the Escalate
 * button the card, the DM and App Home share. Pure: view models in, payloads out.
 */
import type { ActionsBlock, Button, KnownBlock } from '@slack/types';
import { z } from 'zod';
import {
  escapeMrkdwn,
  incidentRef,
  inline,
  mrkdwn,
  person,
  plain,
  safeUrl,
  severityOf,
  slackDate,
} from './format.js';
import { ESCALATION_ACTIONS, INCIDENT_ACTIONS } from './ids.js';
import { knownProblemBlock } from './kb-hint.blocks.js';
import { LIMITS, truncate } from './limits.js';
import { encodeMetadata } from './metadata.js';
import type {
  BlockOptions,
  EscalationToken,
  IncidentView,
  KnownProblemView,
  MessagePayload,
  PageReason,
  PersonView,
} from './types.js';

/** What an Escalate button carries: the incident and the step it was rendered for (decode with `decodeMetadata`). */
export const EscalateButtonValue = z.object({
  i: z.string().min(1).max(64),
  g: z.number().int().min(0),
  l: z.number().int().min(0),
  s: z.number().int().min(0),
});
export type EscalateButtonValue = z.infer<typeof EscalateButtonValue>;

export const DRILL_MARK = ':test_tube: DRILL';

/** The incident fields every escalation message shows. */
export type PageIncident = Pick<
  IncidentView,
  'id' | 'number' | 'title' | 'service' | 'severity' | 'status' | 'drill'
>;

/** The page DM. `acknowledgedBy`/`resolvedBy` turn it into its updated form (no Acknowledge/Escalate). */
export interface PageView {
  incident: PageIncident;
  reason: PageReason;
  token: EscalationToken;
  /** The alert's summary (description or first alert's summary); null when there is none. */
  alertSummary: string | null;
  /** The card's Slack permalink; the Open card button is left out when it is not known. */
  cardUrl: string | null;
  /** What the knowledge base knows of the incident's signature (the first page shows it). */
  knownProblem?: KnownProblemView | null;
  acknowledgedBy?: PersonView | null;
  acknowledgedAt?: Date | null;
  resolvedBy?: PersonView | null;
  resolvedAt?: Date | null;
}

function title(incident: PageIncident): string {
  return incident.title.replace(/\s+/g, ' ').trim() || 'Untitled incident';
}

/** `[DRILL] ` when the incident is a drill, for plain texts (headers, notification text). */
export function drillPrefix(incident: Pick<IncidentView, 'drill'>): string {
  return incident.drill ? '[DRILL] ' : '';
}

function drillContext(incident: Pick<IncidentView, 'drill'>): KnownBlock[] {
  if (!incident.drill) return [];
  return [
    {
      type: 'context',
      elements: [mrkdwn(`${DRILL_MARK} — a fire drill: acknowledge it as you would a real page.`, 200)],
    },
  ];
}

/** "You are on call for Payments" / "You are the manager of Ana" / "Escalated to you directly". */
export function reasonLine(reason: PageReason): string {
  switch (reason.kind) {
    case 'schedule':
      return `You are on call for *${inline(reason.scheduleName, 200)}*`;
    case 'manager':
      return `You are the manager of ${inline(reason.of, 200)}`;
    case 'user':
      return 'Escalated to you directly';
  }
}

/** The Escalate button for the step `token` names. */
export function escalateButton(incidentId: string, token: EscalationToken): Button {
  return {
    type: 'button',
    action_id: ESCALATION_ACTIONS.escalate,
    text: plain('Escalate', LIMITS.buttonText),
    value: encodeMetadata(
      EscalateButtonValue,
      { i: incidentId, g: token.generation, l: token.loop, s: token.step },
      LIMITS.buttonValue,
    ),
  };
}

function acknowledgeButton(incidentId: string): Button {
  return {
    type: 'button',
    action_id: INCIDENT_ACTIONS.acknowledge,
    text: plain('Acknowledge', LIMITS.buttonText),
    style: 'primary',
    value: incidentId,
  };
}

/** Open card: a link to the card's permalink, or null when there is none (never a link to nothing). */
export function openCardButton(cardUrl: string | null): Button | null {
  const url = cardUrl ? safeUrl(cardUrl) : null;
  if (!url || !cardUrl) return null;
  return {
    type: 'button',
    action_id: ESCALATION_ACTIONS.openCard,
    text: plain('Open card', LIMITS.buttonText),
    url: cardUrl,
  };
}

function summaryText(view: PageView): string {
  const inc = view.incident;
  const sev = severityOf(inc.severity);
  const lines = [
    `*${sev.emoji} ${sev.label} · ${sev.name}* · Service *${inline(inc.service, 200)}*`,
    reasonLine(view.reason),
  ];
  const summary = view.alertSummary?.trim();
  if (summary) lines.push(`> ${escapeMrkdwn(truncate(summary.replace(/\s+/g, ' '), 1500))}`);
  return lines.join('\n');
}

function outcomeLine(view: Omit<PageView, 'reason' | 'token'>, opts: BlockOptions): string | null {
  if (view.incident.status === 'resolved') {
    const by = view.resolvedBy ? ` by ${person(view.resolvedBy.name, view.resolvedBy.slackUserId)}` : '';
    const when = view.resolvedAt ? ` ${slackDate(view.resolvedAt, opts)}` : '';
    return `:white_check_mark: Resolved${by}${when}`;
  }
  if (view.incident.status === 'acknowledged') {
    const by = view.acknowledgedBy
      ? ` by ${person(view.acknowledgedBy.name, view.acknowledgedBy.slackUserId)}`
      : '';
    const when = view.acknowledgedAt ? ` ${slackDate(view.acknowledgedAt, opts)}` : '';
    return `:eyes: Acknowledged${by}${when}`;
  }
  return null;
}

/**
 * The page DM, for chat.postMessage to the person and, when anyone acts, chat.update in place: while the
 * incident is triggered it offers Acknowledge, Escalate and Open card; afterwards it says who acknowledged or
 * resolved it and keeps only Open card.
 */
export function pageMessage(view: PageView, opts: BlockOptions): MessagePayload {
  const inc = view.incident;
  const sev = severityOf(inc.severity);
  const ref = incidentRef(inc.number);
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: plain(`${drillPrefix(inc)}${sev.emoji} ${ref} ${title(inc)}`, LIMITS.headerText),
    },
    ...drillContext(inc),
    { type: 'section', text: mrkdwn(summaryText(view), LIMITS.sectionText) },
  ];
  const known = inc.status === 'resolved' ? null : knownProblemBlock(view.knownProblem, opts.now);
  if (known) blocks.push(known);
  const outcome = outcomeLine(view, opts);
  if (outcome) blocks.push({ type: 'context', elements: [mrkdwn(outcome, LIMITS.textObject)] });
  const elements: Button[] = [];
  if (inc.status === 'triggered') {
    elements.push(acknowledgeButton(inc.id), escalateButton(inc.id, view.token));
  }
  const open = openCardButton(view.cardUrl);
  if (open) elements.push(open);
  if (elements.length) blocks.push({ type: 'actions', elements } satisfies ActionsBlock);
  const state = inc.status === 'triggered' ? '' : ` — ${inc.status}`;
  const text = `${drillPrefix(inc)}${ref} ${sev.label} ${title(inc)}${state}: ${plainReason(view.reason)}`;
  return { text: truncate(escapeMrkdwn(text), LIMITS.sectionText), blocks };
}

function plainReason(reason: PageReason): string {
  return reasonLine(reason).replace(/\*/g, '');
}

/** The slack_channel target's post: @here, the incident, and an Acknowledge anyone in the channel may click. */
export function channelPageMessage(
  view: Omit<PageView, 'reason' | 'token'>,
  opts: BlockOptions,
): MessagePayload {
  const inc = view.incident;
  const sev = severityOf(inc.severity);
  const ref = incidentRef(inc.number);
  const drill = inc.drill ? `${DRILL_MARK} · ` : '';
  const lines = [
    `<!here> ${drill}${sev.emoji} *${ref} ${inline(title(inc), 300)}* needs someone to acknowledge it.`,
    `${sev.label} · ${sev.name} · Service *${inline(inc.service, 200)}*`,
  ];
  const summary = view.alertSummary?.trim();
  if (summary) lines.push(`> ${escapeMrkdwn(truncate(summary.replace(/\s+/g, ' '), 1500))}`);
  const outcome = outcomeLine(view, opts);
  if (outcome) lines.push(outcome);
  const elements: Button[] = [];
  if (inc.status === 'triggered') elements.push(acknowledgeButton(inc.id));
  const open = openCardButton(view.cardUrl);
  if (open) elements.push(open);
  const blocks: KnownBlock[] = [{ type: 'section', text: mrkdwn(lines.join('\n'), LIMITS.sectionText) }];
  if (elements.length) blocks.push({ type: 'actions', elements });
  const text = `@here ${drillPrefix(inc)}[${sev.label}] ${ref} ${title(inc)} needs someone to acknowledge it`;
  return { text: truncate(escapeMrkdwn(text), LIMITS.sectionText), blocks };
}

/** A slack_user_group target: a mention of the group (`<!subteam^S0123ABC>`) in the incident's thread. */
export function userGroupMention(groupId: string, incident: PageIncident): MessagePayload {
  const id = /^S[A-Z0-9]{2,}$/.test(groupId) ? `<!subteam^${groupId}>` : `*${inline(groupId, 80)}*`;
  const drill = incident.drill ? `${DRILL_MARK} · ` : '';
  const ref = incidentRef(incident.number);
  const line = `${id} ${drill}*${ref}* is escalating to you: ${inline(title(incident), 300)}`;
  return {
    text: truncate(`${drillPrefix(incident)}${ref} is escalating to your group`, LIMITS.sectionText),
    blocks: [{ type: 'section', text: mrkdwn(line, LIMITS.sectionText) }],
  };
}

/** "Nobody acknowledged INC-42 after 3 loops" — in the thread and the default channel. */
export function exhaustedNotice(
  incident: PageIncident,
  loops: number,
  fallbackChannel: string | null = null,
): MessagePayload {
  const ref = incidentRef(incident.number);
  const after = `after ${loops} ${loops === 1 ? 'loop' : 'loops'}`;
  const fallback = fallbackChannel ? ` Asking <#${fallbackChannel}>.` : '';
  const drill = incident.drill ? `${DRILL_MARK} · ` : '';
  const line = `:rotating_light: ${drill}Nobody acknowledged *${ref}* ${after} of its escalation policy: ${inline(title(incident), 300)}.${fallback}`;
  return {
    text: `${drillPrefix(incident)}Nobody acknowledged ${ref} ${after}`,
    blocks: [{ type: 'section', text: mrkdwn(line, LIMITS.sectionText) }],
  };
}

/** "Nobody is on call for Payments": the step moves on at once rather than waiting. */
export function nobodyOnCallNotice(
  incident: PageIncident,
  scheduleName: string,
  movesOn: boolean,
): MessagePayload {
  const drill = incident.drill ? `${DRILL_MARK} · ` : '';
  const next = movesOn ? ' Escalating to the next step now.' : '';
  const line = `:warning: ${drill}Nobody is on call for *${inline(scheduleName, 200)}*.${next}`;
  return {
    text: truncate(`${drillPrefix(incident)}Nobody is on call for ${scheduleName}`, LIMITS.sectionText),
    blocks: [{ type: 'section', text: mrkdwn(line, LIMITS.sectionText) }],
  };
}
