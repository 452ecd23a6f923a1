/** Threaded replies under an incident card, one per timeline item ("Alice acknowledged INC-42"). */
import type { KnownBlock } from '@slack/types';
import { escapeMrkdwn, incidentRef, mrkdwn, person, slackDate } from './format.js';
import { LIMITS, truncate } from './limits.js';
import { DRILL_MARK, drillPrefix } from './page.blocks.js';
import type { BlockOptions, IncidentView, MessagePayload, TimelineItemView } from './types.js';

/**
 * Verb and emoji of a reply's headline per timeline kind (src/domains/incidents/timeline.types.ts, and some to
 * come); unknown kinds read as their words ("runbook_attached" → "runbook attached").
 */
export const TIMELINE_VERBS: Record<string, { emoji: string; verb: string; quote?: boolean }> = {
  triggered: { emoji: ':rotating_light:', verb: 'triggered' },
  declared: { emoji: ':rotating_light:', verb: 'declared' },
  acknowledged: { emoji: ':eyes:', verb: 'acknowledged' },
  resolved: { emoji: ':white_check_mark:', verb: 'resolved' },
  retriggered: { emoji: ':repeat:', verb: 're-triggered' },
  reopened: { emoji: ':repeat:', verb: 'reopened' },
  assigned: { emoji: ':bust_in_silhouette:', verb: 'changed the assignee of' },
  note: { emoji: ':memo:', verb: 'added a note to', quote: true },
  resolution_captured: { emoji: ':bulb:', verb: 'told what fixed', quote: true },
  escalated: { emoji: ':arrow_double_up:', verb: 'escalated' },
  escalation_exhausted: { emoji: ':warning:', verb: 'stopped escalating' },
  nobody_on_call: { emoji: ':warning:', verb: 'found nobody on call for a step of' },
  notified: { emoji: ':bell:', verb: 'paged people for' },
  contact_method_disabled: { emoji: ':no_bell:', verb: 'stopped texting and calling a number for' },
  escalation_started: { emoji: ':pager:', verb: 'started escalating' },
  escalation_step: { emoji: ':arrow_double_up:', verb: 'moved to the next escalation step of' },
  notification_failed: { emoji: ':warning:', verb: 'could not deliver a notification for' },
  severity_changed: { emoji: ':chart_with_upwards_trend:', verb: 'changed the severity of' },
  alert: { emoji: ':bell:', verb: 'received a new alert for' },
  alert_fired: { emoji: ':bell:', verb: 'reported alerts firing for' },
  alert_resolved: { emoji: ':large_green_circle:', verb: 'reported alerts resolved for' },
  channel_opened: { emoji: ':speech_balloon:', verb: 'opened an incident channel for' },
  channel_archived: { emoji: ':file_cabinet:', verb: 'archived the incident channel of' },
  title_changed: { emoji: ':pencil2:', verb: 'renamed' },
  role_assigned: { emoji: ':busts_in_silhouette:', verb: 'changed a role of' },
  status_update: { emoji: ':mega:', verb: 'posted a status update on', quote: true },
  silenced: { emoji: ':mute:', verb: 'silenced the alerts of' },
  merged_into: { emoji: ':twisted_rightwards_arrows:', verb: 'merged' },
  merged_from: { emoji: ':twisted_rightwards_arrows:', verb: 'merged a duplicate into' },
  postmortem_published: { emoji: ':memo:', verb: 'published the postmortem of' },
};

const MESSAGE_MAX = 2500;

function quote(text: string): string {
  return text
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
}

/** "2 min 10 s", "45 s", "1 h 3 min". */
export function preciseDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return m ? `${h} h ${m} min` : `${h} h`;
  if (m > 0) return s ? `${m} min ${s} s` : `${m} min`;
  return `${s} s`;
}

/** A drill's closing line, on its resolved reply: how long it took to acknowledge, and who did. */
export function drillOver(item: Pick<TimelineItemView, 'kind'>, incident: IncidentView): string | null {
  if (!incident.drill || item.kind !== 'resolved') return null;
  if (!incident.acknowledgedAt) return 'Drill over: nobody acknowledged it before it was resolved.';
  const took = preciseDuration(incident.acknowledgedAt.getTime() - incident.createdAt.getTime());
  const by = incident.acknowledgedBy ? ` by ${incident.acknowledgedBy}` : '';
  return `Drill over: acknowledged in ${took}${by}.`;
}

/** A reply for `chat.postMessage` with `thread_ts` set to the card's ts. */
export function timelineReply(
  item: TimelineItemView,
  incident: IncidentView,
  opts: BlockOptions,
): MessagePayload {
  const kind = TIMELINE_VERBS[item.kind] ?? {
    emoji: ':small_blue_diamond:',
    verb: `${item.kind.replace(/_/g, ' ')}`,
  };
  const actor = person(item.actorName, item.actorSlackId);
  const drill = incident.drill ? `${DRILL_MARK} · ` : '';
  const headline = `${drill}${kind.emoji} ${actor} ${escapeMrkdwn(kind.verb)} *${incidentRef(incident.number)}*`;
  const detail = [item.message.trim(), drillOver(item, incident)].filter(Boolean).join('\n');
  const body = detail
    ? `${headline}\n${kind.quote ? quote(escapeMrkdwn(truncate(detail, MESSAGE_MAX))) : escapeMrkdwn(truncate(detail, MESSAGE_MAX))}`
    : headline;
  const blocks: KnownBlock[] = [
    { type: 'section', text: mrkdwn(body, LIMITS.sectionText) },
    { type: 'context', elements: [mrkdwn(slackDate(item.at, opts), LIMITS.textObject)] },
  ];
  const plainActor = item.actorName.trim() || 'Someone';
  const text = `${drillPrefix(incident)}${plainActor} ${kind.verb} ${incidentRef(incident.number)}${detail ? `: ${detail}` : ''}`;
  return { text: truncate(escapeMrkdwn(text.replace(/\s+/g, ' ')), LIMITS.sectionText), blocks };
}
