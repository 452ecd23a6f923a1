/** Handoff notices: the post in a schedule's channel and the DM to the person coming on call. */
import type { KnownBlock } from '@slack/types';
import { inline, mrkdwn, person, zonedTime } from './format.js';
import { LIMITS } from './limits.js';
import type { BlockOptions, HandoffView, MessagePayload, PersonView } from './types.js';

const who = (p: PersonView): string => person(p.name, p.slackUserId);

/** `person` renders mentions; the notification text (push, screen readers) needs plain names. */
const plainName = (p: PersonView): string => p.name.replace(/\s+/g, ' ').trim() || 'someone';

function zoneNote(zone: string): KnownBlock {
  return { type: 'context', elements: [mrkdwn(`Times in ${inline(zone, 100)}`, LIMITS.textObject)] };
}

function untilText(view: HandoffView, zone: string, now: Date): string {
  return view.until ? ` until ${zonedTime(view.until, zone, now)}` : '';
}

/** The channel post, with times in the schedule's zone: "@bob is now on call for Payments until Mon 09:00 CET, taking over from @alice". */
export function handoffPost(view: HandoffView, opts: BlockOptions): MessagePayload {
  const zone = opts.timeZone ?? 'UTC';
  const schedule = `*${inline(view.scheduleName, 200)}*`;
  const until = untilText(view, zone, opts.now);
  let line: string;
  let text: string;
  if (view.to) {
    const from = view.from ? `, taking over from ${who(view.from)}` : '';
    line = `:pager: ${who(view.to)} is now on call for ${schedule}${until}${from}.`;
    text = `${plainName(view.to)} is now on call for ${view.scheduleName}${until}${view.from ? `, taking over from ${plainName(view.from)}` : ''}.`;
  } else {
    const after = view.from ? ` after ${who(view.from)}` : '';
    line = `:warning: Nobody is on call for ${schedule}${until}${after}. Alerts for it will not page anyone.`;
    text = `Nobody is on call for ${view.scheduleName}${until}.`;
  }
  return {
    text: text.slice(0, LIMITS.messageText),
    blocks: [{ type: 'section', text: mrkdwn(line, LIMITS.sectionText) }, zoneNote(zone)],
  };
}

/** The DM to the person coming on call, with times in their own zone. */
export function handoffDm(view: HandoffView, opts: BlockOptions): MessagePayload {
  const zone = opts.timeZone ?? 'UTC';
  const schedule = `*${inline(view.scheduleName, 200)}*`;
  const until = untilText(view, zone, opts.now);
  const from = view.from ? `, taking over from ${who(view.from)}` : '';
  const line = `:pager: You are now on call for ${schedule}${until}${from}.`;
  const text = `You are now on call for ${view.scheduleName}${until}.`;
  return {
    text: text.slice(0, LIMITS.messageText),
    blocks: [{ type: 'section', text: mrkdwn(line, LIMITS.sectionText) }, zoneNote(zone)],
  };
}
