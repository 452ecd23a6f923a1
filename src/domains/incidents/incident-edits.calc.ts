import type { IncidentChange, IncidentRow } from './incidents.store.js';
import type { TimelineEvent } from './timeline.types.js';

/** What a change of severity and/or title does to an incident: its fields and events (none when nothing changes). */
export function editsOf(
  inc: Pick<IncidentRow, 'severity' | 'title'>,
  change: { severity?: number | undefined; title?: string | undefined },
): { fields: IncidentChange; events: TimelineEvent[] } {
  const fields: IncidentChange = {};
  const events: TimelineEvent[] = [];
  if (change.severity !== undefined && change.severity !== inc.severity) {
    fields.severity = change.severity;
    events.push({
      kind: 'severity_changed',
      data: { from: inc.severity, to: change.severity, cause: 'manual' },
    });
  }
  const title = change.title?.replace(/\s+/g, ' ').trim();
  if (title && title !== inc.title) {
    fields.title = title;
    events.push({ kind: 'title_changed', data: { from: inc.title, to: title } });
  }
  return { fields, events };
}
