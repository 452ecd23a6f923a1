import type { PersonRef } from '../tenants/index.js';
import type { ActionItemRow, PostmortemRow } from './postmortems.store.js';
import {
  type ActionItemDto,
  contentSchema,
  type PostmortemContent,
  type PostmortemDto,
} from './postmortems.types.js';
import { isOverdue } from './reminder.calc.js';

const iso = (d: Date | string | null): string | null => (d ? new Date(d).toISOString() : null);

/** Stored content with every field (sections written before a field existed read as empty). */
export const contentOf = (raw: unknown): PostmortemContent => {
  const parsed = contentSchema.safeParse(raw ?? {});
  return parsed.success ? parsed.data : contentSchema.parse({});
};

export function toActionItemDto(r: ActionItemRow, people: Map<string, PersonRef>, now: Date): ActionItemDto {
  const owner = r.owner_id ? people.get(r.owner_id) : undefined;
  return {
    id: r.id,
    postmortemId: r.postmortem_id,
    incidentRef: `INC-${r.incident_number}`,
    title: r.title,
    owner: owner ? { id: owner.id, name: owner.name, slackUserId: owner.slackUserId } : null,
    dueOn: r.due_on,
    status: r.status,
    overdue: r.status === 'open' && isOverdue(r.due_on, now, owner?.timeZone ?? 'UTC'),
    closedAt: iso(r.closed_at),
    createdAt: iso(r.created_at) ?? '',
  };
}

export function toPostmortemDto(
  r: PostmortemRow,
  items: readonly ActionItemRow[],
  people: Map<string, PersonRef>,
  now: Date,
): PostmortemDto {
  return {
    id: r.id,
    incidentId: r.incident_id,
    incidentRef: r.facts.incident.ref,
    title: r.title,
    status: r.status,
    facts: r.facts,
    content: contentOf(r.content),
    actionItems: items.map((i) => toActionItemDto(i, people, now)),
    version: r.version,
    createdBy: r.created_by,
    publishedAt: iso(r.published_at),
    publishedBy: r.published_by,
    createdAt: iso(r.created_at) ?? '',
    updatedAt: iso(r.updated_at) ?? '',
  };
}
