/** The incident channel's summary (posted and pinned when it opens) and the card's line pointing to it. */
import type { KnownBlock, MrkdwnElement } from '@slack/types';
import {
  escapeMrkdwn,
  incidentRef,
  inline,
  link,
  mrkdwn,
  person,
  plain,
  STATUSES,
  safeUrl,
  severityOf,
  slackDate,
} from './format.js';
import { joinWithin, LIMITS, truncate } from './limits.js';
import { drillPrefix } from './page.blocks.js';
import type { BlockOptions, IncidentChannelView, IncidentView, LinkView, MessagePayload } from './types.js';

const DESCRIPTION_MAX = 1500;
/** Slack's limit on a bookmark's title. */
const BOOKMARK_TITLE_MAX = 100;

/** The card's line: "Channel: #inc-42-checkout-slow" (a mention Slack links), or null while there is none. */
export function channelLine(channel: IncidentChannelView | null | undefined): string | null {
  if (!channel?.id) return null;
  const name = channel.name ? `|${inline(channel.name, 80)}` : '';
  return `:speech_balloon: Channel: <#${channel.id}${name}>${channel.archived ? ' (archived)' : ''}`;
}

/** The summary posted in a new incident channel and pinned there: what the incident is, who is on it, links. */
export function channelSummary(view: IncidentView, opts: BlockOptions): MessagePayload {
  const sev = severityOf(view.severity);
  const status = STATUSES[view.status];
  const title = view.title.replace(/\s+/g, ' ').trim() || 'Untitled incident';
  const field = (name: string, value: string): MrkdwnElement =>
    mrkdwn(`*${name}*\n${value}`, LIMITS.sectionFieldText);
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: plain(`${drillPrefix(view)}${sev.emoji} ${incidentRef(view.number)} ${title}`, LIMITS.headerText),
    },
    {
      type: 'section',
      fields: [
        field('Severity', `${sev.emoji} ${sev.label} · ${sev.name}`),
        field('Status', `${status.emoji} ${status.label}`),
        field('Service', inline(view.service, 200)),
        field('Environment', inline(view.environment, 200)),
        field(
          'Assignee',
          view.assignee ? person(view.assignee.name, view.assignee.slackUserId) : '_Unassigned_',
        ),
        field('Opened', slackDate(view.createdAt, opts)),
      ],
    },
  ];
  const description = view.description?.trim();
  if (description)
    blocks.push({
      type: 'section',
      text: mrkdwn(truncate(escapeMrkdwn(description), DESCRIPTION_MAX), LIMITS.sectionText),
    });
  const links = view.links.map((l) => link(l.href, l.text || l.href, 60));
  if (links.length)
    blocks.push({
      type: 'section',
      text: mrkdwn(
        `:link: ${joinWithin(links, ' · ', LIMITS.sectionText - 10, (n) => `+${n} more`)}`,
        LIMITS.sectionText,
      ),
    });
  blocks.push({
    type: 'context',
    elements: [
      mrkdwn(
        'This channel is for this incident: everything said about it in OpsWatch is posted here too. It is archived a while after the incident resolves.',
        LIMITS.textObject,
      ),
    ],
  });
  return { text: truncate(escapeMrkdwn(`${incidentRef(view.number)} ${title}`), LIMITS.sectionText), blocks };
}

/** The incident's links as channel bookmarks (http(s) only, each once), for `bookmarks.add`. */
export function channelBookmarks(links: readonly LinkView[]): { title: string; link: string }[] {
  const seen = new Set<string>();
  const out: { title: string; link: string }[] = [];
  for (const l of links) {
    const url = safeUrl(l.href);
    if (!url || seen.has(url)) continue;
    seen.add(url);
    const title = (l.text || url).replace(/\s+/g, ' ').trim();
    out.push({ title: title.slice(0, BOOKMARK_TITLE_MAX), link: url });
  }
  return out;
}
