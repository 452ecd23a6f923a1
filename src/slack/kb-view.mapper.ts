import type { WebClient } from '@slack/web-api';
import type { KbEntryView } from '../../blocks/kb.blocks.js';
import type { KnownProblemView, OccurrenceView } from '../../blocks/types.js';
import type { EntryDto, KnownProblemHint } from '../domains/knowledge/index.js';
import { rendererActor } from '../shared/actor.js';
import type { SlackDeps } from './context.js';

type Occurrence = NonNullable<KnownProblemHint['last']>;

/** An incident card's permalink, or null (never a reason to hold up what links to it). */
async function cardUrl(client: WebClient, deps: SlackDeps, tenantId: string, incidentId: string) {
  try {
    const card = await deps.services.outbox.cardMessage(tenantId, incidentId);
    if (!card) return null;
    const res = await client.chat.getPermalink({ channel: card.channelId, message_ts: card.ts });
    return res.permalink ?? null;
  } catch {
    return null;
  }
}

/**
 * The knowledge base's hint for an incident's card or page, with links to the earlier incidents' cards; null when
 * nothing is known. Read when the card or page is rendered, off the webhook's path; a failing look-up leaves the
 * hint out rather than hold up the card.
 */
export async function knownProblemView(
  client: WebClient,
  deps: SlackDeps,
  tenantId: string,
  incidentId: string,
): Promise<KnownProblemView | null> {
  let hint: KnownProblemHint | null;
  try {
    hint = await deps.services.knowledge.hintFor(rendererActor(tenantId), incidentId);
  } catch (err) {
    deps.log.warn({ err, tenant: tenantId, incident: incidentId }, 'knowledge base hint left out');
    return null;
  }
  if (!hint) return null;
  const occurrence = async (o: Occurrence | null): Promise<OccurrenceView | null> =>
    o ? { ...o, url: await cardUrl(client, deps, tenantId, o.incidentId) } : null;
  return {
    occurrences: hint.occurrences,
    last: await occurrence(hint.last),
    fixed: await occurrence(hint.fixed),
    entry: hint.entry ? { id: hint.entry.id, number: hint.entry.number, title: hint.entry.title } : null,
  };
}

export function toKbEntryView(e: EntryDto): KbEntryView {
  return {
    id: e.id,
    number: e.number,
    title: e.title,
    symptoms: e.symptoms,
    resolution: e.resolution,
    signature: e.signature,
    rootCause: e.rootCause,
    occurrences: e.occurrences,
    lastSeenAt: e.lastSeenAt ? new Date(e.lastSeenAt) : null,
    meanTimeToResolveMinutes: e.meanTimeToResolveMinutes,
    incidents: e.incidents.map((i) => ({ number: i.number })),
    version: e.version,
  };
}
