/** Handoff notices: the post in a schedule's channel and the DM to the person coming on call. */
import { inline, mrkdwn } from './format.js';
import { LIMITS } from './limits.js';
import { mention, when, zoneNote } from './oncall-lines.js';
import type { BlockOptions, HandoffView, MessagePayload, PersonView } from './types.js';

/** `mention` renders Slack mentions; the notification text (push, screen readers) needs plain names. */
const plainName = (p: PersonView): string => p.name.replace(/\s+/g, ' ').trim() || 'someone';

/** Times in `opts.timeZone`: the schedule's for a channel post, the reader's for a DM. */
function untilText(view: HandoffView, opts: BlockOptions): string {
  return view.until ? ` until ${when(view.until, opts)}` : '';
}

function payload(line: string, text: string, opts: BlockOptions): MessagePayload {
  return {
    text: text.slice(0, LIMITS.messageText),
    blocks: [{ type: 'section', text: mrkdwn(line, LIMITS.sectionText) }, zoneNote(opts)],
  };
}

/** The channel post, with times in the schedule's zone: "@bob is now on call for Payments until Mon 09:00 CET, taking over from @alice". */
export function handoffPost(view: HandoffView, opts: BlockOptions): MessagePayload {
  const schedule = `*${inline(view.scheduleName, 200)}*`;
  const until = untilText(view, opts);
  if (!view.to) {
    const after = view.from ? ` after ${mention(view.from)}` : '';
    return payload(
      `:warning: Nobody is on call for ${schedule}${until}${after}. Alerts for it will not page anyone.`,
      `Nobody is on call for ${view.scheduleName}${until}.`,
      opts,
    );
  }
  const from = view.from ? `, taking over from ${mention(view.from)}` : '';
  const plainFrom = view.from ? `, taking over from ${plainName(view.from)}` : '';
  return payload(
    `:pager: ${mention(view.to)} is now on call for ${schedule}${until}${from}.`,
    `${plainName(view.to)} is now on call for ${view.scheduleName}${until}${plainFrom}.`,
    opts,
  );
}

/** The DM to the person coming on call, with times in their own zone. */
export function handoffDm(view: HandoffView, opts: BlockOptions): MessagePayload {
  const schedule = `*${inline(view.scheduleName, 200)}*`;
  const until = untilText(view, opts);
  const from = view.from ? `, taking over from ${mention(view.from)}` : '';
  return payload(
    `:pager: You are now on call for ${schedule}${until}${from}.`,
    `You are now on call for ${view.scheduleName}${until}.`,
    opts,
  );
}
