/** `/kb search` results and a knowledge base entry (`/kb show KB-3`, and the modal a hint's button opens). */
import type { Button, KnownBlock, ModalView } from '@slack/types';
import { escapeMrkdwn, incidentRef, inline, mrkdwn, plain, slackDate } from './format.js';
import { KB_ACTIONS, VIEWS } from './ids.js';
import { capList, LIMITS, truncate } from './limits.js';
import type { BlockOptions, MessagePayload } from './types.js';

export interface KbHitView {
  id: string;
  number: number;
  title: string;
  occurrences: number;
  /** ts_headline's snippet, its matches marked `<b>…</b>`. */
  snippet: string;
}

export interface KbEntryView {
  id: string;
  number: number;
  title: string;
  symptoms: string;
  resolution: string;
  signature: string | null;
  rootCause: string | null;
  occurrences: number;
  lastSeenAt: Date | null;
  meanTimeToResolveMinutes: number | null;
  incidents: { number: number }[];
  version: number;
}

const SECTION_CHUNK = 2900;
const MAX_HITS = 10;

/** A snippet in mrkdwn: its `<b>` marks become bold, everything else escaped. */
export function snippetMrkdwn(snippet: string): string {
  return snippet
    .split(/(<b>|<\/b>)/)
    .map((part) => (part === '<b>' || part === '</b>' ? '*' : escapeMrkdwn(part.replace(/\*/g, ''))))
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
}

function showButton(id: string, number: number): Button {
  return {
    type: 'button',
    action_id: KB_ACTIONS.showEntry,
    text: plain(`Show KB-${number}`, LIMITS.buttonText),
    value: id,
  };
}

/** `/kb search words`: the best entries first, each with its snippet and a Show button. */
export function kbSearchResults(q: string, hits: readonly KbHitView[]): MessagePayload {
  const query = inline(q, 200);
  if (hits.length === 0)
    return {
      text: `Nothing in the knowledge base matches ${q.slice(0, 200)}`,
      blocks: [
        {
          type: 'section',
          text: mrkdwn(`:mag: Nothing in the knowledge base matches _${query}_.`, LIMITS.sectionText),
        },
      ],
    };
  const { shown } = capList(hits, MAX_HITS);
  const blocks: KnownBlock[] = [
    { type: 'section', text: mrkdwn(`:mag: Knowledge base: _${query}_`, LIMITS.sectionText) },
  ];
  for (const h of shown) {
    const seen = h.occurrences ? ` · seen ${h.occurrences}×` : '';
    const text = `*KB-${h.number}* ${inline(h.title, 300)}${seen}\n${truncate(snippetMrkdwn(h.snippet), 1500)}`;
    blocks.push({
      type: 'section',
      text: mrkdwn(text, LIMITS.sectionText),
      accessory: showButton(h.id, h.number),
    });
  }
  return { text: `${hits.length} knowledge base entries match`, blocks };
}

/** Long Markdown as consecutive sections (each within Slack's limit), at most `max` of them. */
function sections(markdown: string, max: number): KnownBlock[] {
  const text = escapeMrkdwn(markdown.trim());
  const out: KnownBlock[] = [];
  for (let i = 0; i < text.length && out.length < max; i += SECTION_CHUNK) {
    const last = out.length === max - 1 && i + SECTION_CHUNK < text.length;
    const chunk = last ? truncate(text.slice(i), SECTION_CHUNK) : text.slice(i, i + SECTION_CHUNK);
    out.push({ type: 'section', text: mrkdwn(chunk, LIMITS.sectionText) });
  }
  return out;
}

function entryBlocks(e: KbEntryView, opts: BlockOptions): KnownBlock[] {
  const facts = [
    e.signature ? `Signature \`${inline(e.signature.replace(/`/g, "'"), 300)}\`` : null,
    e.rootCause ? `Root cause: ${e.rootCause}` : null,
    `Seen ${e.occurrences}×`,
    e.lastSeenAt ? `last ${slackDate(e.lastSeenAt, opts)}` : null,
    e.meanTimeToResolveMinutes !== null ? `mean time to resolve ${e.meanTimeToResolveMinutes} min` : null,
    `version ${e.version}`,
  ].filter((x): x is string => x !== null);
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain(`KB-${e.number} ${e.title}`, LIMITS.headerText) },
    { type: 'context', elements: [mrkdwn(facts.join(' · '), LIMITS.textObject)] },
  ];
  if (e.symptoms.trim()) {
    blocks.push({ type: 'section', text: mrkdwn('*Symptoms*', 50) }, ...sections(e.symptoms, 4));
  }
  blocks.push(
    { type: 'section', text: mrkdwn('*Resolution*', 50) },
    ...(e.resolution.trim()
      ? sections(e.resolution, 12)
      : [{ type: 'section' as const, text: mrkdwn('_None yet._', 50) }]),
  );
  if (e.incidents.length) {
    const { shown, hidden } = capList(e.incidents, 30);
    const refs = shown.map((i) => incidentRef(i.number)).join(', ');
    blocks.push({
      type: 'context',
      elements: [mrkdwn(`Incidents: ${refs}${hidden ? ` and ${hidden} more` : ''}`, LIMITS.textObject)],
    });
  }
  return blocks;
}

/** `/kb show KB-3`, as a message. */
export function kbEntryMessage(e: KbEntryView, opts: BlockOptions): MessagePayload {
  return { text: truncate(`KB-${e.number} ${e.title}`, LIMITS.sectionText), blocks: entryBlocks(e, opts) };
}

/** The entry in a modal (a hint's or a search result's button). */
export function kbEntryModal(e: KbEntryView, opts: BlockOptions): ModalView {
  return {
    type: 'modal',
    callback_id: VIEWS.kbEntry,
    title: plain(`KB-${e.number}`, LIMITS.viewTitle),
    close: plain('Close', LIMITS.viewTitle),
    blocks: entryBlocks(e, opts),
  };
}
