/**
 * The delivery ledger: one thread reply per escalation step under the incident's card, edited in place as
 * notification statuses arrive. "Paging @alice (step 1): Slack DM delivered 03:01:02 · SMS delivered 03:02:04 ·
 * call ringing…", one line per person (or channel, or user group) of the step, then who acknowledged and how.
 */
import type { KnownBlock } from '@slack/types';
import { DateTime } from 'luxon';
import { channelMention, escapeMrkdwn, mrkdwn, person } from './format.js';
import { LIMITS, truncate } from './limits.js';
import type { BlockOptions, MessagePayload, PersonView } from './types.js';

/** How one notification stands now (the escalation domain's DeliveryState, with its method). */
export interface LedgerNotificationView {
  /** slack_dm, sms, voice; slack_channel and slack_user_group for a channel's or user group's post. */
  method: string;
  /** pending, queued, sending, sent, failed, cancelled, or a send's Twilio status. */
  status: string;
  at: Date | null;
  dueAt: Date;
  errorCode: number | null;
  reason: string | null;
  /** A call's AnsweredBy: `machine_…` and `fax` are not a person. */
  answeredBy: string | null;
}

export type LedgerTargetView =
  | { kind: 'person'; person: PersonView; timeZone: string | null }
  | { kind: 'channel'; channel: string }
  | { kind: 'user_group'; id: string };

/** One line: whom the step paged, and each of their notifications in rule order. */
export interface LedgerLineView {
  target: LedgerTargetView;
  notifications: LedgerNotificationView[];
}

/** How the incident was acknowledged or resolved: by whom, through what, when. */
export interface LedgerActView {
  by: PersonView;
  via: string | null;
  at: Date;
}

export interface LedgerView {
  /** 0-based, as the policy counts them (shown from 1). */
  step: number;
  loop: number;
  lines: LedgerLineView[];
  acknowledged: LedgerActView | null;
  resolved: LedgerActView | null;
}

/** What Twilio's error codes mean, in a few words (the ones people meet when paging). */
export const TWILIO_ERRORS: Record<number, string> = {
  13224: 'invalid number',
  13225: 'forbidden number',
  13227: 'no international permission',
  20429: 'rate limited',
  21211: 'invalid number',
  21408: 'region not enabled',
  21610: 'opted out',
  21612: 'cannot reach this number',
  21614: 'not a mobile number',
  30003: 'phone unreachable',
  30004: 'message blocked',
  30005: 'unknown number',
  30006: 'landline or unreachable carrier',
  30007: 'filtered by the carrier',
  30008: 'unknown error',
  30034: 'sender not registered',
};

const VIA: Record<string, string> = {
  sms: 'by SMS',
  voice: 'by phone',
  slack: 'in Slack',
  api: 'through the API',
};

const METHODS: Record<string, string> = { slack_dm: 'Slack DM', sms: 'SMS', voice: 'call' };

/** Lines shown at most (a message holds 50 blocks). */
const MAX_LINES = 40;
const REASON_MAX = 120;

/** A time as a `<!date>` token every reader sees in their zone, and as plain text in `zone` (the fallback). */
interface Stamp {
  token: string;
  plain: string;
}

function clockOf(at: Date, zone: string, seconds = true): Stamp {
  const t = DateTime.fromJSDate(at, { zone });
  const plain = t.isValid ? t.toFormat(seconds ? 'HH:mm:ss' : 'HH:mm') : at.toISOString();
  const unix = Math.floor(at.getTime() / 1000);
  return { token: `<!date^${unix}^${seconds ? '{time_secs}' : '{time}'}|${plain}>`, plain };
}

/** Rich (mrkdwn with date tokens) and plain renderings of the same words. */
interface Both {
  rich: string;
  plain: string;
}

const words = (s: string): Both => ({ rich: escapeMrkdwn(s), plain: s });
const join = (parts: Both[], sep: string): Both => ({
  rich: parts.map((p) => p.rich).join(sep),
  plain: parts.map((p) => p.plain).join(sep),
});
const at = (text: string, when: Date | null, zone: string, seconds = true): Both => {
  if (!when) return words(text);
  const c = clockOf(when, zone, seconds);
  return { rich: `${escapeMrkdwn(text)} ${c.token}`, plain: `${text} ${c.plain}` };
};

/** "(21610: opted out)", "(They have no Slack user id…)", or nothing. */
function why(n: LedgerNotificationView): string {
  const known = n.errorCode !== null ? TWILIO_ERRORS[n.errorCode] : undefined;
  const text = known ?? n.reason?.replace(/\s+/g, ' ').trim() ?? '';
  if (n.errorCode !== null) return ` (${n.errorCode}${text ? `: ${truncate(text, REASON_MAX)}` : ''})`;
  return text ? ` (${truncate(text, REASON_MAX)})` : '';
}

const isMachine = (answeredBy: string | null) => Boolean(answeredBy && /^(machine|fax)/.test(answeredBy));

/** Why a page was not sent, from how the step ended. */
function notSent(view: LedgerView): string {
  if (view.acknowledged) return 'acknowledged';
  if (view.resolved) return 'resolved';
  return 'cancelled';
}

/** One notification in words: "SMS delivered 03:02:04", "call ringing…", "SMS failed (21610: opted out)". */
export function notificationText(n: LedgerNotificationView, view: LedgerView, zone: string): Both {
  const channelPost = n.method === 'slack_channel' || n.method === 'slack_user_group';
  const label = channelPost ? '' : (METHODS[n.method] ?? n.method.replace(/_/g, ' '));
  const w = (s: string) => (label ? `${label} ${s}` : s);
  const s = n.status;
  if (s === 'pending') return at(w('waiting until'), n.dueAt, zone, false);
  if (s === 'cancelled') {
    const struck = label ? `~${escapeMrkdwn(label)}~ ` : '';
    const text = `not sent: ${notSent(view)}`;
    return { rich: `${struck}${text}`, plain: `${label ? `${label} ` : ''}${text}` };
  }
  if (s === 'failed') return words(w(`failed${why(n)}`));
  if (n.method === 'voice') {
    switch (s) {
      case 'queued':
      case 'sending':
      case 'initiated':
        return words(w('dialling…'));
      case 'ringing':
        return words(w('ringing…'));
      case 'in-progress':
      case 'answered':
      case 'completed':
        return isMachine(n.answeredBy)
          ? at(w('reached voicemail'), n.at, zone)
          : at(w('answered'), n.at, zone);
      case 'no-answer':
        return at(w('not answered'), n.at, zone);
      case 'busy':
        return at(w('busy'), n.at, zone);
      case 'canceled':
        return at(w('cancelled'), n.at, zone);
      default:
        return at(w(s), n.at, zone);
    }
  }
  switch (s) {
    case 'queued':
      return words(w('queued…'));
    case 'sending':
    case 'accepted':
    case 'scheduled':
      return words(w('sending…'));
    case 'sent':
      // Slack has the message once it accepted it; an SMS is sent to the carrier, delivered when it says so.
      if (n.method === 'slack_dm') return at(w('delivered'), n.at, zone);
      if (n.method === 'slack_channel') return at('posted', n.at, zone);
      if (n.method === 'slack_user_group') return at('mentioned', n.at, zone);
      return at(w('sent'), n.at, zone);
    case 'delivered':
    case 'read':
      return at(w(s), n.at, zone);
    case 'undelivered':
      return words(w(`undelivered${why(n)}`));
    default:
      return at(w(s.replace(/[-_]/g, ' ')), n.at, zone);
  }
}

function stepLabel(view: LedgerView): string {
  return view.loop > 0 ? `step ${view.step + 1}, loop ${view.loop + 1}` : `step ${view.step + 1}`;
}

function targetText(t: LedgerTargetView): Both {
  if (t.kind === 'person')
    return { rich: person(t.person.name, t.person.slackUserId), plain: t.person.name.trim() || 'someone' };
  if (t.kind === 'channel') {
    const name = `#${t.channel.replace(/^#/, '')}`;
    return { rich: channelMention(t.channel), plain: name };
  }
  return { rich: `<!subteam^${t.id}>`, plain: `@${t.id}` };
}

/** "Paging @alice (step 1): Slack DM delivered 03:01:02 · SMS delivered 03:02:04 · call ringing…" */
export function ledgerLine(line: LedgerLineView, view: LedgerView, opts: BlockOptions): Both {
  const zone = (line.target.kind === 'person' && line.target.timeZone) || opts.timeZone || 'UTC';
  const who = targetText(line.target);
  const each = join(
    line.notifications.map((n) => notificationText(n, view, zone)),
    ' · ',
  );
  // A channel's or user group's post reads "#ops posted 03:01:00".
  const sep = line.target.kind === 'person' ? ': ' : ' ';
  const head = line.target.kind === 'person' ? `Paging ` : '';
  return {
    rich: `${head}${who.rich} (${stepLabel(view)})${sep}${each.rich}`,
    plain: `${head}${who.plain} (${stepLabel(view)})${sep}${each.plain}`,
  };
}

/** "Acknowledged by @alice by SMS at 03:02:31". */
export function actLine(verb: 'Acknowledged' | 'Resolved', act: LedgerActView, zone: string): Both {
  const how = act.via ? ` ${VIA[act.via] ?? `by ${act.via}`}` : '';
  const c = clockOf(act.at, zone);
  const name = act.by.name.trim() || 'someone';
  return {
    rich: `${verb} by ${person(name, act.by.slackUserId)}${escapeMrkdwn(how)} at ${c.token}`,
    plain: `${verb} by ${name}${how} at ${c.plain}`,
  };
}

/** The step's ledger as a thread reply (posted once, then updated in place). */
export function ledgerReply(view: LedgerView, opts: BlockOptions): MessagePayload {
  const zone = opts.timeZone ?? 'UTC';
  const lines = view.lines.slice(0, MAX_LINES).map((l) => ledgerLine(l, view, opts));
  const more = view.lines.length - lines.length;
  if (more > 0) lines.push(words(`…and ${more} more`));
  const acts: Both[] = [];
  if (view.acknowledged) acts.push(actLine('Acknowledged', view.acknowledged, zone));
  if (view.resolved) acts.push(actLine('Resolved', view.resolved, zone));
  const blocks: KnownBlock[] = lines.map((l) => ({
    type: 'section',
    text: mrkdwn(`:pager: ${l.rich}`, LIMITS.sectionText),
  }));
  if (acts.length)
    blocks.push({
      type: 'section',
      text: mrkdwn(acts.map((a) => `:white_check_mark: ${a.rich}`).join('\n'), LIMITS.sectionText),
    });
  if (blocks.length === 0)
    blocks.push({ type: 'section', text: mrkdwn(`Paging (${stepLabel(view)})`, LIMITS.sectionText) });
  const text = [...lines, ...acts].map((l) => l.plain).join('\n') || `Paging (${stepLabel(view)})`;
  return { text: truncate(escapeMrkdwn(text), LIMITS.sectionText), blocks };
}
