/**
 * A postmortem in Slack: the overview modal (facts, each section with its Edit button, the timeline's start,
 * action items, status buttons) and the whole timeline in a modal of its own (a section's edit modal is in
 * postmortem-section.blocks.ts). A draft
 * runs to several thousand characters: every text is cut to its block's limit and long ones are split across
 * blocks (the timeline) or inputs (a section, in parts of 3,000 characters).
 */
import type { ActionsBlock, Button, KnownBlock, ModalView, SectionBlock } from '@slack/types';
import { z } from 'zod';
import { escapeMrkdwn, inline, mrkdwn, person, plain } from './format.js';
import { POSTMORTEM_ACTIONS, VIEWS } from './ids.js';
import { LIMITS, truncate } from './limits.js';
import { encodeMetadata } from './metadata.js';
import type { PersonView } from './types.js';

export type PostmortemStatusView = 'draft' | 'in_review' | 'published';

export interface PostmortemSectionView {
  key: string;
  title: string;
  text: string;
}

export interface ActionItemView {
  id: string;
  incidentRef: string;
  title: string;
  owner: PersonView | null;
  dueOn: string | null;
  status: 'open' | 'closed';
  overdue: boolean;
}

export interface PostmortemView {
  ref: string;
  title: string;
  status: PostmortemStatusView;
  statusLabel: string;
  version: number;
  /** [name, value] pairs: Date, Duration, Severity, Owner, Services, MTTD/MTTA/MTTR. */
  facts: [string, string][];
  /** "Commander: Ana · Scribe: Bo"; empty when no roles were given. */
  roles: string;
  /** "Europe/Berlin (CET)". */
  zone: string;
  /** The timeline table's rows, times already written in the zone. */
  timeline: { time: string; what: string; who: string }[];
  sections: PostmortemSectionView[];
  actionItems: ActionItemView[];
  canPublish: boolean;
  published: string | null;
}

/** What the postmortem buttons carry (`editSection`, `setStatus`, `showTimeline`, `addItem`). */
export const PostmortemButtonValue = z.object({
  ref: z.string().min(1).max(40),
  s: z.string().max(40).optional(),
  to: z.enum(['draft', 'in_review', 'published']).optional(),
});
export type PostmortemButtonValue = z.infer<typeof PostmortemButtonValue>;

/** Room kept in a section block of the overview for the section's title and the "more" note. */
const SECTION_PREVIEW = LIMITS.sectionText - 200;
const MAX_ITEMS_SHOWN = 20;
const TIMELINE_PREVIEW = 6;

const buttonValue = (v: PostmortemButtonValue) =>
  encodeMetadata(PostmortemButtonValue, v, LIMITS.buttonValue);

const button = (actionId: string, text: string, value: string, style?: 'primary' | 'danger'): Button => ({
  type: 'button',
  action_id: actionId,
  text: plain(text, LIMITS.buttonText),
  value,
  ...(style ? { style } : {}),
});

/** One line of the timeline: "`09:00:12` What happened — who". */
export function timelineLine(r: { time: string; what: string; who: string }): string {
  const what = escapeMrkdwn(truncate(r.what.replace(/\s+/g, ' ').trim(), 500));
  return `\`${r.time}\` ${what} — ${escapeMrkdwn(truncate(r.who, 80))}`;
}

/** Lines packed into as few section texts of at most `max` characters as they fit in. */
export function packLines(lines: readonly string[], max: number): string[] {
  const out: string[] = [];
  let cur = '';
  for (const line of lines) {
    const l = truncate(line, max);
    if (cur && cur.length + 1 + l.length > max) {
      out.push(cur);
      cur = l;
    } else cur = cur ? `${cur}\n${l}` : l;
  }
  if (cur) out.push(cur);
  return out;
}

function sectionBlock(ref: string, s: PostmortemSectionView, editable: boolean): SectionBlock {
  const body = s.text.trim() ? escapeMrkdwn(s.text.trim()) : '_Nothing written yet._';
  const shown =
    body.length > SECTION_PREVIEW
      ? `${truncate(body, SECTION_PREVIEW)}\n_(${body.length - SECTION_PREVIEW} more characters: Edit shows it all)_`
      : body;
  return {
    type: 'section',
    block_id: `postmortem.section.${s.key}`,
    text: mrkdwn(`*${escapeMrkdwn(s.title)}*\n${shown}`, LIMITS.sectionText),
    ...(editable
      ? { accessory: button(POSTMORTEM_ACTIONS.editSection, 'Edit', buttonValue({ ref, s: s.key })) }
      : {}),
  };
}

/** An action item as one line: title, incident, owner, due date (overdue marked). */
export function actionItemText(a: ActionItemView): string {
  const done = a.status === 'closed' ? ':white_check_mark: ~' : '';
  const owner = a.owner ? person(a.owner.name, a.owner.slackUserId) : '_no owner_';
  const due = a.dueOn ? ` · due ${a.dueOn}${a.overdue ? ' :warning: *overdue*' : ''}` : '';
  const title = inline(a.title, 500);
  return `${done}*${title}*${a.status === 'closed' ? '~' : ''}\n${a.incidentRef} · ${owner}${due}`;
}

export function actionItemBlock(a: ActionItemView): SectionBlock {
  return {
    type: 'section',
    text: mrkdwn(actionItemText(a), LIMITS.sectionText),
    ...(a.status === 'open'
      ? { accessory: button(POSTMORTEM_ACTIONS.closeItem, 'Close', a.id, 'primary') }
      : {}),
  };
}

function statusButtons(v: PostmortemView): ActionsBlock | null {
  const ref = v.ref;
  const els: Button[] = [];
  if (v.status === 'draft')
    els.push(
      button(
        `${POSTMORTEM_ACTIONS.setStatus}.in_review`,
        'Submit for review',
        buttonValue({ ref, to: 'in_review' }),
      ),
    );
  if (v.status === 'in_review') {
    if (v.canPublish)
      els.push(
        button(
          `${POSTMORTEM_ACTIONS.setStatus}.published`,
          'Publish',
          buttonValue({ ref, to: 'published' }),
          'primary',
        ),
      );
    els.push(
      button(`${POSTMORTEM_ACTIONS.setStatus}.draft`, 'Back to draft', buttonValue({ ref, to: 'draft' })),
    );
  }
  if (v.status !== 'published')
    els.push(button(POSTMORTEM_ACTIONS.addItem, 'Add action item', buttonValue({ ref })));
  return els.length ? { type: 'actions', block_id: 'postmortem.status', elements: els } : null;
}

/** The postmortem modal (callback `VIEWS.postmortem`). */
export function postmortemModal(v: PostmortemView): ModalView {
  const editable = v.status !== 'published';
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: mrkdwn(
        `*${escapeMrkdwn(v.ref)} · ${inline(v.title, 500, 'Untitled')}*\nStatus: *${v.statusLabel}*${v.published ? ` · ${escapeMrkdwn(v.published)}` : ''}`,
        LIMITS.sectionText,
      ),
    },
    {
      type: 'section',
      fields: v.facts
        .slice(0, LIMITS.sectionFields)
        .map(([k, val]) => mrkdwn(`*${escapeMrkdwn(k)}*\n${inline(val, 1000)}`, LIMITS.sectionFieldText)),
    },
  ];
  if (v.roles)
    blocks.push({
      type: 'context',
      elements: [mrkdwn(`Roles: ${escapeMrkdwn(v.roles)}`, LIMITS.textObject)],
    });
  blocks.push({ type: 'divider' });
  const [first, ...rest] = v.sections;
  if (first) blocks.push(sectionBlock(v.ref, first, editable));
  const preview = v.timeline.slice(0, TIMELINE_PREVIEW).map(timelineLine);
  const more = v.timeline.length - preview.length;
  const head = `*Timeline* (${v.timeline.length} ${v.timeline.length === 1 ? 'event' : 'events'}, times in ${escapeMrkdwn(v.zone)})`;
  blocks.push({
    type: 'section',
    block_id: 'postmortem.timeline',
    text: mrkdwn(
      truncate(
        [head, ...packLines(preview, 2400).slice(0, 1), ...(more > 0 ? [`_… and ${more} more_`] : [])].join(
          '\n',
        ),
        LIMITS.sectionText,
      ),
      LIMITS.sectionText,
    ),
    accessory: button(POSTMORTEM_ACTIONS.showTimeline, 'Full timeline', buttonValue({ ref: v.ref })),
  });
  for (const s of rest) blocks.push(sectionBlock(v.ref, s, editable));
  blocks.push({ type: 'divider' });
  blocks.push({
    type: 'section',
    text: mrkdwn(`*Action items* (${v.actionItems.length})`, LIMITS.sectionText),
  });
  for (const a of v.actionItems.slice(0, MAX_ITEMS_SHOWN)) blocks.push(actionItemBlock(a));
  if (v.actionItems.length > MAX_ITEMS_SHOWN)
    blocks.push({
      type: 'context',
      elements: [
        mrkdwn(
          `… and ${v.actionItems.length - MAX_ITEMS_SHOWN} more: \`/postmortem actions\``,
          LIMITS.textObject,
        ),
      ],
    });
  const status = statusButtons(v);
  if (status) blocks.push(status);
  return {
    type: 'modal',
    callback_id: VIEWS.postmortem,
    private_metadata: encodeMetadata(PostmortemButtonValue, { ref: v.ref }),
    title: plain('Postmortem', LIMITS.viewTitle),
    close: plain('Close', LIMITS.viewTitle),
    blocks,
  };
}

/** The whole timeline (callback `VIEWS.postmortemTimeline`), packed into as many blocks as a modal holds. */
export function timelineModal(
  v: Pick<PostmortemView, 'ref' | 'zone' | 'timeline'>,
  mdUrl: string,
): ModalView {
  const blocks: KnownBlock[] = [
    {
      type: 'context',
      elements: [
        mrkdwn(
          `${escapeMrkdwn(v.ref)} · ${v.timeline.length} events · times in ${escapeMrkdwn(v.zone)}`,
          LIMITS.textObject,
        ),
      ],
    },
  ];
  const texts = packLines(v.timeline.map(timelineLine), LIMITS.sectionText - 100);
  const room = LIMITS.viewBlocks - 2;
  for (const t of texts.slice(0, room)) blocks.push({ type: 'section', text: mrkdwn(t, LIMITS.sectionText) });
  if (texts.length > room)
    blocks.push({
      type: 'context',
      elements: [
        mrkdwn(`The rest does not fit in Slack: the whole document is at ${mdUrl}`, LIMITS.textObject),
      ],
    });
  return {
    type: 'modal',
    callback_id: VIEWS.postmortemTimeline,
    title: plain('Timeline', LIMITS.viewTitle),
    close: plain('Back', LIMITS.viewTitle),
    blocks,
  };
}
