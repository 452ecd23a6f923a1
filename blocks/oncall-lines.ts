/**
 * Text pieces shared by the on-call builders (`/oncall`, App Home): times in the reader's zone with the zone
 * named, people as mentions, a schedule's "who until when" line with its gaps, and packing many lines into
 * as few sections as fit.
 */
import type { KnownBlock } from '@slack/types';
import { DateTime } from 'luxon';
import { zoneOrUtc } from '../src/shared/time-zone.js';
import { inline, mrkdwn, person, zoneAbbreviation, zonedTime } from './format.js';
import { joinWithin, LIMITS, truncate } from './limits.js';
import type { BlockOptions, OnCallScheduleView, PersonView, RangeView } from './types.js';

export const MAX_PEOPLE_PER_LINE = 20;
export const MAX_GAPS_PER_LINE = 3;
export const NAME_MAX = 200;

/** The reader's zone (`BlockOptions.timeZone`), UTC when unset or unknown. */
export function readerZone(opts: BlockOptions): string {
  return zoneOrUtc(opts.timeZone);
}

/** `Mon 9 Mar 09:00 GMT` (weekday only within six days) in the reader's zone. */
export function when(at: Date, opts: BlockOptions): string {
  return zonedTime(at, readerZone(opts), opts.now);
}

/** `Mon 9 Mar 09:00 GMT – 17:00 GMT`: the end's date is left out when it is the start's local day. */
export function range(r: RangeView, opts: BlockOptions): string {
  const zone = readerZone(opts);
  const start = DateTime.fromJSDate(r.start, { zone });
  const end = DateTime.fromJSDate(r.end, { zone });
  const sameDay = start.isValid && end.isValid && start.toISODate() === end.toISODate();
  const endText = sameDay
    ? `${end.toFormat('HH:mm')} ${zoneAbbreviation(r.end, zone)}`
    : zonedTime(r.end, zone, opts.now);
  return `${when(r.start, opts)} – ${endText}`;
}

/** The context line every on-call message ends with, naming the zone its times are in. */
export function zoneNote(opts: BlockOptions, extra?: string): KnownBlock {
  const text = `:clock3: Times in ${inline(readerZone(opts), 100)}${extra ? ` · ${extra}` : ''}`;
  return { type: 'context', elements: [mrkdwn(text, LIMITS.textObject)] };
}

export function mention(p: PersonView): string {
  return person(p.name, p.slackUserId);
}

/** Mentions joined with commas, "+N more" past what fits in `max`. */
export function peopleText(people: readonly PersonView[], max = 600): string {
  const shown = people.slice(0, MAX_PEOPLE_PER_LINE).map(mention);
  return joinWithin(shown, ', ', max, (n) => `+${n} more`, people.length - shown.length);
}

/** `:warning: Uncovered: A, B, C, +4 more`, or '' without gaps. */
export function gapsText(gaps: readonly RangeView[], opts: BlockOptions, label = 'Uncovered'): string {
  if (gaps.length === 0) return '';
  const shown = gaps.slice(0, MAX_GAPS_PER_LINE).map((g) => range(g, opts));
  return `:warning: ${label}: ${joinWithin(shown, ', ', 900, (n) => `+${n} more`, gaps.length - shown.length)}`;
}

/** Who is on call and until when: `<@U1> until Tue 09:00 GMT`, or a flagged `nobody on call`. */
export function whoText(s: Pick<OnCallScheduleView, 'onCall' | 'until'>, opts: BlockOptions): string {
  const until = s.until ? ` until ${when(s.until, opts)}` : '';
  return s.onCall.length ? `${peopleText(s.onCall)}${until}` : `:warning: *nobody on call*${until}`;
}

/** `*Payments*: <@U1> until Tue 09:00 GMT`, and a second line with its gaps when it has any. */
export function scheduleLine(s: OnCallScheduleView, opts: BlockOptions, withGaps = true): string {
  const gaps = withGaps ? gapsText(s.gaps ?? [], opts, 'Gaps in the next 14 days') : '';
  return `*${inline(s.name, NAME_MAX)}*: ${whoText(s, opts)}${gaps ? `\n${gaps}` : ''}`;
}

/**
 * Packs lines into at most `maxBlocks` sections of up to 3,000 characters; lines that do not fit are
 * counted in a last context block, `more(n)`. Formats no more lines than could ever be shown.
 */
export function packLines(
  lines: readonly string[],
  maxBlocks: number,
  more: (hidden: number) => string,
  separator = '\n',
): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  let current = '';
  let shown = 0;
  const sections = Math.max(1, maxBlocks - 1);
  for (const line of lines) {
    const piece = truncate(line, LIMITS.sectionText);
    const next = current ? `${current}${separator}${piece}` : piece;
    if (next.length <= LIMITS.sectionText) {
      current = next;
      shown++;
      continue;
    }
    if (blocks.length + 1 >= sections) break;
    blocks.push({ type: 'section', text: mrkdwn(current, LIMITS.sectionText) });
    current = piece;
    shown++;
  }
  if (current) blocks.push({ type: 'section', text: mrkdwn(current, LIMITS.sectionText) });
  const hidden = lines.length - shown;
  if (hidden > 0) blocks.push({ type: 'context', elements: [mrkdwn(more(hidden), LIMITS.textObject)] });
  return blocks;
}
