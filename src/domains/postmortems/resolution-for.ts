/**
 * The seam between postmortems and the knowledge base: what the draft's Resolution section starts with. Until
 * the knowledge base's capture ("what fixed it" and the root cause category, recorded when resolving) is wired
 * here, it is the note of the incident's last `resolved` event. The composition root may pass another source
 * to PostmortemsService (`resolutionFor` in its dependencies).
 */
import type { IncidentDetailDto } from '../incidents/index.js';

/** Where a draft's resolution text comes from. */
export type ResolutionSource = (incident: IncidentDetailDto) => Promise<string>;

/** The note of the incident's last `resolved` event, or '' when it was resolved without one. */
export const resolutionFor: ResolutionSource = async (incident) => {
  const resolved = incident.timeline.filter((t) => t.kind === 'resolved').at(-1);
  const note = resolved?.data.note;
  return typeof note === 'string' ? note.trim() : '';
};
