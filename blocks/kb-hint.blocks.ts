/**
 * The knowledge base's hint on a new incident's card and first page: "Seen 4 times, last INC-37 12 days ago, fixed
 * by @bob in 14 min: restarted pgbouncer", with a link to that incident's card and a button showing the entry.
 * Nothing at all when nothing is known.
 */
import type { Button, SectionBlock } from '@slack/types';
import { escapeMrkdwn, incidentRef, link, mrkdwn, person, plain } from './format.js';
import { KB_ACTIONS } from './ids.js';
import { LIMITS, truncate } from './limits.js';
import type { KnownProblemView, OccurrenceView } from './types.js';

const FIX_MAX = 500;

/** "just now", "5 min ago", "3 h ago", "12 days ago". */
export function ago(at: Date, now: Date): string {
  const min = Math.floor((now.getTime() - at.getTime()) / 60_000);
  if (min < 1) return 'just now';
  if (min < 60) return `${min} min ago`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.floor(h / 24)} days ago`;
}

const times = (n: number): string => (n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`);

/** `INC-37`, linked to its card when its permalink is known. */
const ref = (o: OccurrenceView): string =>
  o.url ? link(o.url, incidentRef(o.number)) : `*${incidentRef(o.number)}*`;

const fixText = (fix: string): string => escapeMrkdwn(truncate(fix.replace(/\s+/g, ' ').trim(), FIX_MAX));

/** "fixed by @bob in 14 min: restarted pgbouncer" / "resolved by itself after 14 min". */
function outcome(o: OccurrenceView): string {
  const by = o.fixedBy ? ` by ${person(o.fixedBy.name, o.fixedBy.slackUserId)}` : '';
  if (o.fix) return `fixed${by} in ${o.minutes} min: ${fixText(o.fix)}`;
  if (o.autoResolved && !o.fixedBy) return `resolved by itself after ${o.minutes} min`;
  return `resolved${by} in ${o.minutes} min, nobody said how`;
}

/** The hint's sentence, or null when nothing is known. */
export function knownProblemText(view: KnownProblemView | null | undefined, now: Date): string | null {
  if (!view) return null;
  const { last, fixed, entry } = view;
  if (view.occurrences > 0 && last) {
    const head = `:bulb: Seen ${times(view.occurrences)}, last ${ref(last)} ${ago(last.resolvedAt, now)}, ${outcome(last)}`;
    if (!last.fix && fixed && fixed.incidentId !== last.incidentId)
      return `${head}. ${ref(fixed)} (${ago(fixed.resolvedAt, now)}) was ${outcome(fixed)}`;
    return head;
  }
  if (entry) return `:bulb: Known problem *KB-${entry.number}*: ${escapeMrkdwn(truncate(entry.title, 300))}`;
  return null;
}

/** The hint as a section, with a button showing the entry when there is one; null when nothing is known. */
export function knownProblemBlock(view: KnownProblemView | null | undefined, now: Date): SectionBlock | null {
  const text = knownProblemText(view, now);
  if (!text) return null;
  const block: SectionBlock = { type: 'section', text: mrkdwn(text, LIMITS.sectionText) };
  if (view?.entry) {
    const button: Button = {
      type: 'button',
      action_id: KB_ACTIONS.showEntry,
      text: plain(`KB-${view.entry.number}`, LIMITS.buttonText),
      value: view.entry.id,
    };
    block.accessory = button;
  }
  return block;
}
