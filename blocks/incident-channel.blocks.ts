import { escapeMrkdwn, incidentRef, inline, link, mrkdwn, STATUSES, safeUrl, slackDate } from './format.js';
import { descriptionBlock, incidentHead, oneLineTitle } from './incident-card.blocks.js';
import { joinWithin, LIMITS, truncate } from './limits.js';
import type { BlockOptions, IncidentChannelView, IncidentView, LinkView, MessagePayload } from './types.js';

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
  const status = STATUSES[view.status];
  const title = oneLineTitle(view);
  const blocks = incidentHead(view, `${status.emoji} ${status.label}`, [
    'Opened',
    slackDate(view.createdAt, opts),
  ]);
  const description = descriptionBlock(view);
  if (description) blocks.push(description);
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
