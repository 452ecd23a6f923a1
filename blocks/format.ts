/** Small, pure formatting helpers shared by the builders. Every text they emit goes through `truncate`. */
import type { MrkdwnElement, PlainTextElement } from '@slack/types';
import { DateTime } from 'luxon';
import { isChannelId, withoutHash } from '../src/shared/slack-channel.js';
import { truncate } from './limits.js';
import type { BlockOptions, IncidentStatus, IncidentView, Severity } from './types.js';

export const SEVERITIES: Record<Severity, { label: string; name: string; emoji: string }> = {
  1: { label: 'P1', name: 'Critical', emoji: ':red_circle:' },
  2: { label: 'P2', name: 'High', emoji: ':large_orange_circle:' },
  3: { label: 'P3', name: 'Moderate', emoji: ':large_yellow_circle:' },
  4: { label: 'P4', name: 'Low', emoji: ':large_blue_circle:' },
  5: { label: 'P5', name: 'Info', emoji: ':white_circle:' },
};

export const STATUSES: Record<IncidentStatus, { label: string; emoji: string }> = {
  triggered: { label: 'Triggered', emoji: ':rotating_light:' },
  acknowledged: { label: 'Acknowledged', emoji: ':eyes:' },
  resolved: { label: 'Resolved', emoji: ':white_check_mark:' },
};

export function severityOf(severity: number): { label: string; name: string; emoji: string } {
  return SEVERITIES[severity as Severity] ?? SEVERITIES[3];
}

/** `INC-42`: the one formatter, shared with the incidents domain. */
export { incidentRef } from '../src/shared/incident-ref.js';

/** "<1m", "3m", "2h 5m", "2h", "1d 4h", "3d". */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return '<1m';
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours}h ${minutes % 60}m` : `${hours}h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days}d ${hours % 24}h` : `${days}d`;
}

/** Age of an incident: from creation to resolution, or to `now` while it is open. */
export function incidentAge(incident: Pick<IncidentView, 'createdAt' | 'resolvedAt'>, now: Date): string {
  const end = incident.resolvedAt ?? now;
  return formatDuration(end.getTime() - incident.createdAt.getTime());
}

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escaped, single-line, never empty, at most `max` long. For inline use inside mrkdwn. */
/** A channel in mrkdwn: an id as a mention (`<#C0123ABCD>`), a name as `#name`. */
export function channelMention(channel: string): string {
  return isChannelId(channel) ? `<#${channel}>` : `#${inline(withoutHash(channel), 80)}`;
}

export function inline(text: string, max: number, fallback = '—'): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  return truncate(escapeMrkdwn(clean || fallback), max);
}

const SLACK_ID = /^[UW][A-Z0-9]{2,}$/;

/** `<@U…>` for a Slack user id, the escaped, bolded name otherwise. */
export function person(nameOrId: string, slackUserId: string | null = null): string {
  const id = slackUserId ?? (SLACK_ID.test(nameOrId) ? nameOrId : null);
  return id ? `<@${id}>` : `*${inline(nameOrId, 80, 'someone')}*`;
}

/** A URL Slack can link to, or null (only http/https, no characters that break `<url|text>`). */
export function safeUrl(href: string): string | null {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  const s = url
    .toString()
    .replace(/\|/g, '%7C')
    .replace(/&/g, '&amp;')
    .replace(/</g, '%3C')
    .replace(/>/g, '%3E');
  return s.length <= 2900 ? s : null;
}

/** `<url|text>`, or the escaped text alone when the URL is not linkable. */
export function link(href: string, text: string, maxText = 75): string {
  const url = safeUrl(href);
  const label = inline(text, maxText, href);
  return url ? `<${url}|${label}>` : label;
}

/**
 * A date every reader sees in their own zone and locale (`<!date^…>`), with a fallback in `timeZone`.
 * `format` uses Slack's tokens, e.g. `{date_short_pretty} {time}`.
 */
export function slackDate(at: Date, opts: BlockOptions, format = '{date_short_pretty} {time}'): string {
  const unix = Math.floor(at.getTime() / 1000);
  const zone = opts.timeZone ?? 'UTC';
  let fallback = DateTime.fromJSDate(at, { zone }).toFormat('yyyy-LL-dd HH:mm ZZ');
  if (fallback.startsWith('Invalid')) fallback = at.toISOString();
  return `<!date^${unix}^${format}|${fallback}>`;
}

/** The zone's short name at that instant: `EST`, `CET`, `BST`, else an offset such as `GMT+5:30`. */
export function zoneAbbreviation(at: Date, zone: string): string {
  const t = DateTime.fromJSDate(at, { zone });
  if (!t.isValid) return zone;
  const us = t.setLocale('en-US').toFormat('ZZZZ');
  if (!us.startsWith('GMT') || us === 'GMT') return us;
  return t.setLocale('en-GB').toFormat('ZZZZ');
}

/**
 * A wall-clock time in a named zone, written out (not a `<!date>` token), for times told to one person in
 * their own zone or to a channel in a schedule's zone: `Mon 9 Mar 09:00 CET`. Within the next 6 days the
 * date is left out (`Mon 09:00 CET`); `today`/`tomorrow` are never used, so the text stays true when read later.
 */
export function zonedTime(at: Date, zone: string, now?: Date): string {
  const t = DateTime.fromJSDate(at, { zone });
  if (!t.isValid) return at.toISOString();
  const soon =
    now !== undefined && at.getTime() >= now.getTime() && at.getTime() - now.getTime() < 6 * 86_400_000;
  return `${t.setLocale('en-GB').toFormat(soon ? 'ccc HH:mm' : 'ccc d LLL HH:mm')} ${zoneAbbreviation(at, zone)}`;
}

export function plain(text: string, max: number, fallback = '—'): PlainTextElement {
  const clean = text.trim();
  return { type: 'plain_text', text: truncate(clean || fallback, max), emoji: true };
}

export function mrkdwn(text: string, max: number): MrkdwnElement {
  return { type: 'mrkdwn', text: truncate(text.trim() || '—', max) };
}

/** Sorts most severe first, then oldest first. */
export function bySeverityThenAge(a: IncidentView, b: IncidentView): number {
  return a.severity - b.severity || a.createdAt.getTime() - b.createdAt.getTime() || a.number - b.number;
}
