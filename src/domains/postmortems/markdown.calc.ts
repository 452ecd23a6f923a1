/** The postmortem as one Markdown document (`GET …/postmortem?format=md`): pure, from the DTO. */
import { DateTime } from 'luxon';
import { humanDuration } from './draft.calc.js';
import {
  type ActionItemDto,
  type PostmortemDto,
  type PostmortemFacts,
  SECTION_TITLES,
  STATUS_LABELS,
  type TimelineRow,
  type WrittenSection,
} from './postmortems.types.js';

/** "2026-03-02 09:00:12" in `zone`. */
export function zonedStamp(at: string, zone: string): string {
  return DateTime.fromISO(at, { zone }).toFormat('yyyy-MM-dd HH:mm:ss');
}

/** "Mon 2 Mar 2026" in `zone`. */
export function zonedDate(at: string, zone: string): string {
  return DateTime.fromISO(at, { zone }).toFormat('ccc d LLL yyyy');
}

/** "Europe/Berlin (CET)". */
export function zoneName(zone: string, at: string): string {
  const t = DateTime.fromISO(at, { zone });
  const us = t.setLocale('en-US').toFormat('ZZZZ');
  // en-US names American zones (EST); en-GB names European ones (CET) where en-US says "GMT+1".
  const abbr = !us.startsWith('GMT') || us === 'GMT' ? us : t.setLocale('en-GB').toFormat('ZZZZ');
  return abbr && abbr !== zone ? `${zone} (${abbr})` : zone;
}

/** A table cell: one line, pipes escaped. */
const cell = (text: string): string => text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|').trim() || ' ';

/** The timeline table in Markdown: time (in the zone), event, by. */
export function timelineTable(rows: readonly TimelineRow[], zone: string): string {
  const lines = ['| Time | Event | By |', '| --- | --- | --- |'];
  for (const r of rows) lines.push(`| ${zonedStamp(r.at, zone)} | ${cell(r.what)} | ${cell(r.who)} |`);
  return lines.join('\n');
}

/** The key facts, one "**Name:** value" line each. */
export function factLines(f: PostmortemFacts): string[] {
  const lines = [
    `**Incident:** ${f.incident.ref} ${f.incident.title}${f.incident.drill ? ' (fire drill)' : ''}`,
    `**Date:** ${zonedDate(f.openedAt, f.timeZone)}`,
    `**Duration:** ${humanDuration(f.figures.mttrMs)}`,
    `**Severity:** P${f.incident.severity}`,
    `**Owner:** ${f.owner?.name ?? 'Unassigned'}`,
    `**Services affected:** ${f.services.join(', ') || '—'}`,
    `**MTTD:** ${humanDuration(f.figures.mttdMs)} · **MTTA:** ${humanDuration(f.figures.mttaMs)} · **MTTR:** ${humanDuration(f.figures.mttrMs)}`,
  ];
  if (f.roles.length) lines.push(`**Roles:** ${f.roles.map((r) => `${r.role}: ${r.userName}`).join(' · ')}`);
  return lines;
}

const placeholder = (s: WrittenSection): string =>
  ({
    summary: '_What happened, in a few sentences._',
    impact: '_Who was affected and how._',
    rootCause: '_Why it happened._',
    resolution: '_What fixed it._',
    wentWell: '_—_',
    wentWrong: '_—_',
    lessonsLearned: '_—_',
  })[s];

/** A section's text, or its placeholder when nobody wrote it yet. */
export function sectionText(p: Pick<PostmortemDto, 'content'>, s: WrittenSection): string {
  return p.content[s].trim() || placeholder(s);
}

/** The impact's structured fields as lines (users affected, revenue). */
export function impactLines(p: Pick<PostmortemDto, 'content'>): string[] {
  return [
    `**Users affected:** ${p.content.usersAffected ?? '—'}`,
    `**Revenue:** ${p.content.revenue?.trim() || '—'}`,
  ];
}

export function actionItemLine(a: ActionItemDto): string {
  const box = a.status === 'closed' ? '[x]' : '[ ]';
  const owner = a.owner ? ` — ${a.owner.name}` : '';
  const due = a.dueOn ? `, due ${a.dueOn}` : '';
  return `- ${box} ${a.title.replace(/\r?\n/g, ' ')}${owner}${due}`;
}

/** The whole document. */
export function postmortemMarkdown(p: PostmortemDto): string {
  const f = p.facts;
  const out: string[] = [`# Postmortem: ${p.title}`, '', `_${STATUS_LABELS[p.status]}_`, ''];
  out.push(...factLines(f).map((l) => `${l}  `), '');
  const section = (s: WrittenSection, extra: string[] = []) => {
    out.push(`## ${SECTION_TITLES[s]}`, '', ...extra, ...(extra.length ? [''] : []), sectionText(p, s), '');
  };
  section('summary');
  section(
    'impact',
    impactLines(p).map((l) => `${l}  `),
  );
  out.push('## Timeline', '', `Times in ${zoneName(f.timeZone, f.openedAt)}.`, '');
  out.push(timelineTable(f.timeline, f.timeZone), '');
  if (f.statusUpdates.length) {
    out.push('### Status updates', '');
    for (const u of f.statusUpdates) {
      const status = u.status ? ` **${u.status}**` : '';
      out.push(`- ${zonedStamp(u.at, f.timeZone)}${status} — ${u.message.replace(/\r?\n/g, ' ')} (${u.who})`);
    }
    out.push('');
  }
  section('rootCause');
  section('resolution');
  section('wentWell');
  section('wentWrong');
  section('lessonsLearned');
  out.push('## Action items', '');
  out.push(...(p.actionItems.length ? p.actionItems.map(actionItemLine) : ['_None yet._']), '');
  return `${out.join('\n').trimEnd()}\n`;
}
