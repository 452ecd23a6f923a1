/**
 * The seam between postmortems and the knowledge base: what the draft's Resolution section starts with. The
 * composition root passes the knowledge base's capture ("what fixed it", its root cause category, who told it,
 * its entry); without one, it is the note of the incident's last `resolved` event.
 */

import type { Actor } from '../../shared/actor.js';
import type { IncidentDetailDto } from '../incidents/index.js';

/** Where a draft's resolution text comes from. */
export type ResolutionSource = (actor: Actor, incident: IncidentDetailDto) => Promise<string>;

/** The note of the incident's last `resolved` event, or '' when it was resolved without one. */
export const resolutionFor: ResolutionSource = async (_actor, incident) => {
  const resolved = incident.timeline.filter((t) => t.kind === 'resolved').at(-1);
  const note = resolved?.data.note;
  return typeof note === 'string' ? note.trim() : '';
};

/** What the knowledge base captured of how an incident was fixed. */
export interface CapturedResolution {
  fix: string | null;
  rootCause: string | null;
  /** Who told what fixed it. */
  by: string | null;
  /** The knowledge base entry it went to (`KB-3`). */
  entryRef: string | null;
}

/**
 * The Resolution section from a capture: what fixed it, then a line with its root cause category, who told it
 * and its knowledge base entry; '' when nothing was told.
 */
export function resolutionText(c: CapturedResolution): string {
  const facts = [
    c.rootCause ? `Root cause category: ${c.rootCause}` : null,
    c.by ? `told by ${c.by}` : null,
    c.entryRef ? `knowledge base entry ${c.entryRef}` : null,
  ].filter((f): f is string => f !== null);
  const fix = c.fix?.trim() ?? '';
  if (!fix && !c.rootCause) return '';
  const line = facts.length ? `_${facts.join(' · ')}_` : '';
  return [fix, line].filter(Boolean).join('\n\n');
}
