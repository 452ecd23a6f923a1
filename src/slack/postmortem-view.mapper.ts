import type { ActionItemView, PostmortemView } from '../../blocks/postmortem.blocks.js';
import {
  type ActionItemDto,
  humanDuration,
  type PostmortemDto,
  SECTION_TITLES,
  STATUS_LABELS,
  WRITTEN_SECTIONS,
  zonedStamp,
  zoneName,
} from '../domains/postmortems/index.js';

export function toActionItemView(a: ActionItemDto): ActionItemView {
  return {
    id: a.id,
    incidentRef: a.incidentRef,
    title: a.title,
    owner: a.owner ? { name: a.owner.name, slackUserId: a.owner.slackUserId } : null,
    dueOn: a.dueOn,
    status: a.status,
    overdue: a.overdue,
  };
}

/** The one mapping from a postmortem DTO to the Block Kit view model; `canPublish` is the reader's right. */
export function toPostmortemView(p: PostmortemDto, canPublish: boolean): PostmortemView {
  const f = p.facts;
  const zone = f.timeZone;
  const impact = [
    `Users affected: ${p.content.usersAffected ?? '—'} · Revenue: ${p.content.revenue?.trim() || '—'}`,
    p.content.impact,
  ]
    .filter((s) => s.trim())
    .join('\n');
  return {
    ref: p.incidentRef,
    title: p.title,
    status: p.status,
    statusLabel: STATUS_LABELS[p.status],
    version: p.version,
    facts: [
      ['Date', zonedStamp(f.openedAt, zone).slice(0, 10)],
      ['Duration', humanDuration(f.figures.mttrMs)],
      ['Severity', `P${f.incident.severity}`],
      ['Owner', f.owner?.name ?? 'Unassigned'],
      ['Services affected', f.services.join(', ') || '—'],
      [
        'MTTD · MTTA · MTTR',
        `${humanDuration(f.figures.mttdMs)} · ${humanDuration(f.figures.mttaMs)} · ${humanDuration(f.figures.mttrMs)}`,
      ],
    ],
    roles: f.roles.map((r) => `${r.role}: ${r.userName}`).join(' · '),
    zone: zoneName(zone, f.openedAt),
    timeline: f.timeline.map((r) => ({ time: zonedStamp(r.at, zone), what: r.what, who: r.who })),
    sections: WRITTEN_SECTIONS.map((key) => ({
      key,
      title: SECTION_TITLES[key],
      text: key === 'impact' ? impact : p.content[key],
    })),
    actionItems: p.actionItems.map(toActionItemView),
    canPublish,
    published: p.publishedAt
      ? `published by ${p.publishedBy ?? 'someone'} on ${p.publishedAt.slice(0, 10)}`
      : null,
  };
}
