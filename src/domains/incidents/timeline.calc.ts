/** What people read about a timeline event, rendered from its data: pure, tested with fixed events. */
import { channelLabel } from '../../shared/slack-channel.js';
import { ROLE_LABELS, UPDATE_STATUS_LABELS } from './coordination.types.js';
import type { TimelineEvent } from './timeline.types.js';

export interface DescribeContext {
  /** The incident's reference, `INC-42`. */
  ref: string;
  /** Who did it, as the timeline names them. */
  actorName: string;
}

const SLACK_DESTINATIONS: Record<string, (lane: string) => string> = {
  'slack.post': (l) => `Slack post to ${channelLabel(l)}`,
  'slack.update': (l) => `Slack card update in ${channelLabel(l)}`,
  'slack.reply': (l) => `Slack thread reply in ${channelLabel(l)}`,
  'slack.ledger': (l) => `Slack paging ledger in ${channelLabel(l)}`,
  'slack.dm': (l) => `Slack DM to ${l}`,
  'slack.home': (l) => `Slack App Home of ${l}`,
  'slack.usergroup': (l) => `Slack user group ${l}`,
  'slack.channel': () => 'Slack incident channel',
  'slack.mirror': (l) => `Slack incident channel message in ${channelLabel(l)}`,
  'slack.run': (l) => `Slack runbook run message in ${channelLabel(l)}`,
};

const withNote = (s: string, note: string | undefined): string => (note ? `${s}: ${note}` : s);

/** "restarted pgbouncer (root cause: config)"; the category alone when there is no text. */
const withCause = (text: string, cause: string | undefined): string => {
  if (!cause) return text;
  return text ? `${text} (root cause: ${cause})` : `Root cause: ${cause}`;
};

function alerts(what: 'fired' | 'resolved', count: number, titles: readonly string[]): string {
  if (count === 1 && titles[0] !== undefined) return `Alert ${what}: ${titles[0]}`;
  const some = titles.length ? `, including: ${titles.join('; ')}` : '';
  return `${count} alerts ${what}${some}`;
}

/**
 * The detail of an event, without what a headline naming the actor, the verb and the incident already says
 * ("Alice acknowledged INC-4" + detail): the note, "assigned to Bob", the alert's title… May be empty.
 */
export function eventDetail(event: TimelineEvent): string {
  switch (event.kind) {
    case 'created':
      return event.data.title;
    case 'alert_fired':
      return alerts('fired', event.data.count, event.data.titles);
    case 'alert_resolved':
      return alerts('resolved', event.data.count, event.data.titles);
    case 'acknowledged':
    case 'retriggered':
      return event.data.note ?? '';
    case 'resolved':
      return withCause(event.data.note ?? '', event.data.cause);
    case 'resolution_captured':
      return withCause(event.data.fix ?? '', event.data.cause);
    case 'assigned':
      return `assigned to ${event.data.userName}`;
    case 'note':
      return event.data.text;
    case 'severity_changed': {
      const { from, to, cause } = event.data;
      return `Severity ${to < from ? 'raised' : 'lowered'} from P${from} to P${to}${cause === 'alert' ? ' by a new alert' : ''}`;
    }
    case 'notification_failed': {
      const { destination, lane, reason } = event.data;
      const what = SLACK_DESTINATIONS[destination]?.(lane) ?? `${destination} to ${lane}`;
      return `${what} failed: ${reason}`;
    }
    case 'escalation_none':
      return `No escalation policy applies to service "${event.data.service}" and there is no default policy: nobody is paged.`;
    case 'escalation_started': {
      const { policyName, version, reason } = event.data;
      const why = {
        triggered: '',
        retriggered: ' again (re-triggered)',
        ack_timeout: ' again (acknowledgement timed out)',
        restarted: ' again',
      }[reason];
      return `Escalating${why} with policy ${policyName} (version ${version})`;
    }
    case 'escalation_step': {
      const { step, loop, targets, paged } = event.data;
      const { defaulted = [], continued = [], userGroups = [] } = event.data;
      const parts = [
        `Step ${step + 1}${loop > 0 ? ` (loop ${loop + 1})` : ''}: ${targets.join(', ') || 'no target'}`,
      ];
      if (paged.length) parts.push(`paging ${paged.length} ${paged.length === 1 ? 'person' : 'people'}`);
      if (continued.length)
        parts.push(`${continued.length} already being paged (their notification rules continue)`);
      if (defaulted.length)
        parts.push(
          `${defaulted.length} with no notification rules for this urgency (the defaults apply: a Slack DM at once)`,
        );
      if (userGroups.length) parts.push(userGroups.map((g) => `<!subteam^${g}>`).join(' '));
      return parts.join('; ');
    }
    case 'escalated':
      return `Escalated by hand from step ${event.data.step + 1}`;
    case 'escalation_exhausted':
      return `Nobody acknowledged after ${event.data.loops} ${event.data.loops === 1 ? 'loop' : 'loops'} of the escalation policy`;
    case 'nobody_on_call':
      return `Nobody is on call for ${event.data.target}: escalating to the next step at once`;
    case 'notified': {
      const { method, status, reason } = event.data;
      const how = method === 'slack_dm' ? 'Slack DM' : method;
      return `${how} page ${status}${reason ? `: ${reason}` : ''}`;
    }
    case 'contact_method_disabled': {
      const { userName, phone, why } = event.data;
      return why === 'opted_out'
        ? `${userName} texted STOP: pages to ${phone} are off until they text START (or re-verify the number)`
        : `Twilio says ${phone} (${userName}) cannot receive: that contact method is marked invalid`;
    }
    case 'channel_opened':
      return `Incident channel #${event.data.name} opened: everything said about the incident is posted there too`;
    case 'channel_archived':
      return 'Incident channel archived';
    case 'title_changed':
      return `Renamed from "${event.data.from}" to "${event.data.to}"`;
    case 'role_assigned': {
      const { role, userId, userName, previousUserName } = event.data;
      const was = previousUserName ? ` (was ${previousUserName})` : '';
      return userId ? `${ROLE_LABELS[role]}: ${userName}${was}` : `${ROLE_LABELS[role]} cleared${was}`;
    }
    case 'status_update':
      return `Status update (${UPDATE_STATUS_LABELS[event.data.status]}): ${event.data.message}`;
    case 'update_reminder': {
      const { userName, intervalMinutes } = event.data;
      const who = userName
        ? `${userName} was reminded`
        : 'Nobody to remind (no commander, assignee or acknowledger)';
      return `No status update for ${intervalMinutes} min: ${who}`;
    }
    case 'silenced':
      return `Alerts matching ${event.data.matchers} silenced until ${event.data.endsAt.slice(0, 16).replace('T', ' ')} UTC: they open no incident and page nobody`;
    case 'merged_into':
      return `Merged into ${event.data.ref}: its alerts, timeline and pages are there now`;
    case 'merged_from': {
      const n = event.data.alerts;
      return `${event.data.ref} merged in, with ${n} ${n === 1 ? 'alert' : 'alerts'}`;
    }
    case 'postmortem_published': {
      const { title, summary, mttaMs, mttrMs, actionItems } = event.data;
      const figures = `MTTA ${minutes(mttaMs)} · MTTR ${minutes(mttrMs)} · ${actionItems} action ${actionItems === 1 ? 'item' : 'items'}`;
      return [`Postmortem published: ${title}`, summary.trim(), figures].filter(Boolean).join('\n');
    }
    case 'runbook_attached':
      return `Runbook ${event.data.name} (${event.data.slug}, version ${event.data.version}) attached: ${event.data.reason === 'runbook_url' ? "an alert's runbook_url names it" : 'its matchers match the alerts'}`;
    case 'runbook_run': {
      const { runbook, action, stage, outcome, error } = event.data;
      return `Runbook ${runbook} · ${action}: ${stage} ${outcome}${error ? ` (${error})` : ''}`;
    }
    case 'notification_unrouted':
      return `No Slack channel takes incidents of service "${event.data.service}", and there is no default channel: nobody was notified. Add a route (PUT /api/v1/slack/routes) or set SLACK_DEFAULT_CHANNEL.`;
  }
}

/** A duration as whole minutes ("12 min", "under a minute"); "—" when unknown. */
function minutes(ms: number | null): string {
  if (ms === null) return '—';
  return ms < 60_000 ? 'under a minute' : `${Math.round(ms / 60_000)} min`;
}

/** " by SMS", " by phone" for a change made by replying to a page; empty otherwise. */
export const byReply = (via: 'sms' | 'voice' | undefined): string =>
  via === 'sms' ? ' by SMS' : via === 'voice' ? ' by phone' : '';

/** The whole sentence, as the REST API's timeline shows it ("INC-4 resolved by Alice: disk full"). */
export function describeEvent(event: TimelineEvent, ctx: DescribeContext): string {
  const { ref, actorName } = ctx;
  switch (event.kind) {
    case 'created':
      return `${ref} ${event.data.verb} by ${actorName}: ${event.data.title}`;
    case 'acknowledged':
      return withNote(`${ref} acknowledged by ${actorName}${byReply(event.data.via)}`, event.data.note);
    case 'resolved':
      return withNote(
        `${ref} resolved by ${actorName}${byReply(event.data.via)}`,
        withCause(event.data.note ?? '', event.data.cause) || undefined,
      );
    case 'resolution_captured':
      return withNote(`${actorName} told what fixed ${ref}`, eventDetail(event));
    case 'retriggered':
      return withNote(`${ref} re-triggered by ${actorName}`, event.data.note);
    case 'assigned':
      return `${ref} assigned to ${event.data.userName} by ${actorName}`;
    case 'role_assigned':
      return `${ref} ${eventDetail(event).replace(/^./, (c) => c.toLowerCase())}, set by ${actorName}`;
    case 'status_update':
      return `${ref} status update by ${actorName} (${UPDATE_STATUS_LABELS[event.data.status]}): ${event.data.message}`;
    case 'escalated':
      return `${ref} escalated by ${actorName} from step ${event.data.step + 1}`;
    case 'silenced':
      return `${actorName} silenced the alerts of ${ref} (${event.data.matchers}) until ${event.data.endsAt.slice(0, 16).replace('T', ' ')} UTC`;
    case 'merged_into':
      return `${ref} merged into ${event.data.ref} by ${actorName}`;
    case 'merged_from': {
      const n = event.data.alerts;
      return `${event.data.ref} merged into ${ref} by ${actorName}, with ${n} ${n === 1 ? 'alert' : 'alerts'}`;
    }
    case 'title_changed':
      return `${ref} renamed by ${actorName} from "${event.data.from}" to "${event.data.to}"`;
    case 'postmortem_published':
      return `${ref} postmortem published by ${actorName}: ${event.data.title}`;
    case 'escalation_exhausted':
      return `Nobody acknowledged ${ref} after ${event.data.loops} ${event.data.loops === 1 ? 'loop' : 'loops'}`;
    default:
      return eventDetail(event);
  }
}
