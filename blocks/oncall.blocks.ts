/** `/oncall` answers: every schedule at an instant, one schedule with its next shifts, my shifts, not found. */
import type { Button, KnownBlock } from '@slack/types';
import { z } from 'zod';
import { channelMention, inline, mrkdwn, plain } from './format.js';
import { helpBlocks } from './help.blocks.js';
import { ONCALL_ACTIONS } from './ids.js';
import { capList, joinWithin, LIMITS } from './limits.js';
import { encodeMetadata } from './metadata.js';
import {
  gapsText,
  mention,
  NAME_MAX,
  packLines,
  range,
  scheduleLine,
  when,
  whoText,
  zoneNote,
} from './oncall-lines.js';
import type {
  BlockOptions,
  MessagePayload,
  MyOnCallView,
  MyShiftView,
  OnCallOverviewView,
  ScheduleDetailView,
} from './types.js';

/** What an "Add override" button carries: the schedule to preselect, if any (decode with `decodeMetadata`). */
export const OverrideButtonValue = z.object({ s: z.string().min(1).max(64).optional() });
export type OverrideButtonValue = z.infer<typeof OverrideButtonValue>;

/** Lines formatted at most: more could never fit in one message. */
const MAX_LINES = 1000;
const MAX_NEXT_SHIFTS = 20;

function header(text: string): KnownBlock {
  return { type: 'header', text: plain(text, LIMITS.headerText) };
}

function context(text: string): KnownBlock {
  return { type: 'context', elements: [mrkdwn(text, LIMITS.textObject)] };
}

function section(text: string): KnownBlock {
  return { type: 'section', text: mrkdwn(text, LIMITS.sectionText) };
}

/** The "Add override" button, for a schedule (preselected in the modal) or none. */
export function addOverrideButton(scheduleId?: string): Button {
  let value = encodeMetadata(OverrideButtonValue, {});
  if (scheduleId && scheduleId.length <= 64) value = encodeMetadata(OverrideButtonValue, { s: scheduleId });
  return {
    type: 'button',
    action_id: ONCALL_ACTIONS.addOverride,
    text: plain('Add override', LIMITS.buttonText),
    value,
  };
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** `/oncall` (now) and `/oncall at <time>`: one line per schedule; schedules with nobody on call flagged. */
export function onCallOverview(view: OnCallOverviewView, opts: BlockOptions): MessagePayload {
  const title = view.isNow ? 'On call now' : `On call at ${when(view.at, opts)}`;
  const nobody = view.schedules.filter((s) => s.onCall.length === 0);
  const withGaps = view.schedules.filter((s) => (s.gaps ?? []).length > 0);
  if (view.schedules.length === 0) {
    const text =
      'There are no on-call schedules yet. Add one with `POST /api/v1/schedules` or `opswatch apply`.';
    return { text: `${title}: no schedules yet`, blocks: [header(title), section(text)] };
  }
  const summary = [plural(view.schedules.length, 'schedule')];
  if (nobody.length) summary.push(`:warning: ${nobody.length} with nobody on call`);
  if (withGaps.length) summary.push(`${plural(withGaps.length, 'schedule')} with gaps in the next 14 days`);
  // Schedules with nobody on call first, so they are never the ones cut off.
  const ordered = [...nobody, ...view.schedules.filter((s) => s.onCall.length > 0)];
  const { shown, hidden } = capList(ordered, MAX_LINES);
  const lines = shown.map((s) => {
    const gaps = (s.gaps ?? []).length;
    const hint = gaps ? `  _(${plural(gaps, 'gap')} in the next 14 days)_` : '';
    return `${scheduleLine(s, opts, false)}${hint}`;
  });
  const blocks: KnownBlock[] = [header(title), context(summary.join(' · '))];
  const room = LIMITS.messageBlocks - blocks.length - 1;
  blocks.push(...packLines(lines, room, (n) => `… and ${n + hidden} more schedules`));
  blocks.push(zoneNote(opts, withGaps.length ? '`/oncall schedules` lists the gaps' : undefined));
  const flag = nobody.length ? ` (${nobody.length} with nobody on call)` : '';
  return { text: `${title}: ${plural(view.schedules.length, 'schedule')}${flag}`, blocks };
}

function shiftLine(
  s: { start: Date; end: Date; override: boolean },
  who: string,
  opts: BlockOptions,
): string {
  return `• ${range(s, opts)} — ${who}${s.override ? ' _(override)_' : ''}`;
}

function channelText(channel: string | null): string | null {
  if (!channel) return null;
  return channelMention(channel);
}

/** `/oncall <schedule>`: who is on call now and until when, its next shifts and gaps. */
export function scheduleOnCall(view: ScheduleDetailView, opts: BlockOptions): MessagePayload {
  const name = inline(view.name, NAME_MAX);
  const blocks: KnownBlock[] = [header(`On call · ${view.name}`)];
  const until = view.until ? ` until ${when(view.until, opts)}` : '';
  const now = view.onCall.length
    ? `:large_green_circle: On call now: ${whoText(view, opts)}`
    : `:warning: *Nobody is on call* for *${name}* right now${until ? ` (a gap${until})` : ''}.`;
  blocks.push(section(now));
  const { shown, hidden } = capList(view.next, MAX_NEXT_SHIFTS);
  const next = shown.map((s) => shiftLine(s, mention(s.person), opts));
  blocks.push(
    section(
      next.length
        ? `*Next shifts*\n${joinWithin(next, '\n', LIMITS.sectionText - 20, (n) => `… and ${n} more`, hidden)}`
        : '*Next shifts*\nNone in the next 5 weeks.',
    ),
  );
  const gaps = gapsText(view.gaps ?? [], opts, 'Gaps in the next 14 days');
  blocks.push(section(gaps || ':white_check_mark: No gaps in the next 14 days.'));
  const about = [`Schedule zone ${inline(view.timeZone, 100)}`, channelText(view.slackChannel)].filter(
    Boolean,
  );
  blocks.push(context(about.join(' · ')));
  blocks.push({ type: 'actions', elements: [addOverrideButton(view.id)] });
  blocks.push(zoneNote(opts));
  const who = view.onCall.length ? view.onCall.map((p) => p.name).join(', ') : 'nobody';
  return { text: `${view.name}: ${who} on call now`.slice(0, 3000), blocks };
}

function myShiftLine(s: MyShiftView, opts: BlockOptions): string {
  return shiftLine(s, `*${inline(s.scheduleName, NAME_MAX)}*`, opts);
}

/** `/oncall me`: am I on call, my next shifts, and who is on call for the schedules I belong to. */
export function myOnCall(view: MyOnCallView, opts: BlockOptions): MessagePayload {
  const blocks: KnownBlock[] = [header('Your on-call')];
  if (view.current.length === 0 && view.next.length === 0 && view.schedules.length === 0) {
    blocks.push(section('You are not on any on-call schedule. `/oncall` shows who is on call.'));
    blocks.push(zoneNote(opts));
    return { text: 'You are not on any on-call schedule.', blocks };
  }
  const current = view.current.map(
    (s) =>
      `:large_green_circle: You are on call for *${inline(s.scheduleName, NAME_MAX)}* until ${when(s.end, opts)}`,
  );
  blocks.push(
    section(
      current.length
        ? joinWithin(current, '\n', 2900, (n) => `… and ${n} more`)
        : ':white_circle: You are not on call right now.',
    ),
  );
  const { shown, hidden } = capList(view.next, MAX_NEXT_SHIFTS);
  const next = shown.map((s) => myShiftLine(s, opts));
  blocks.push(
    section(
      next.length
        ? `*Your next shifts*\n${joinWithin(next, '\n', LIMITS.sectionText - 25, (n) => `… and ${n} more`, hidden)}`
        : '*Your next shifts*\nNone in the next 5 weeks.',
    ),
  );
  if (view.schedules.length) {
    blocks.push(section('*Your schedules*'));
    const room = LIMITS.messageBlocks - blocks.length - 1;
    const lines = capList(view.schedules, MAX_LINES).shown.map((s) => scheduleLine(s, opts));
    const cut = view.schedules.length - lines.length;
    blocks.push(...packLines(lines, room, (n) => `… and ${n + cut} more schedules`));
  }
  blocks.push(zoneNote(opts));
  const first = view.current[0];
  const text = first
    ? `You are on call for ${first.scheduleName} until ${when(first.end, opts)}`
    : 'You are not on call right now';
  return { text: text.slice(0, 3000), blocks };
}

/**
 * `/oncall <words>` when no schedule has that name: it may be a mistyped subcommand or schedule, so the
 * answer says both, names the schedules (and a likely one), then shows the help.
 */
export function scheduleNotFound(
  input: { asked: string; names: readonly string[]; suggestion: string | null },
  _opts: BlockOptions,
): MessagePayload {
  const help = helpBlocks('oncall', { unknown: input.asked });
  const names = capList(input.names, 200);
  const list = names.shown.map((n) => `*${inline(n, 80)}*`);
  const namesText = list.length
    ? `Schedules: ${joinWithin(list, ' · ', 2500, (n) => `+${n} more`, names.hidden)}`
    : 'There are no schedules yet.';
  const guess = input.suggestion ? ` Did you mean *${inline(input.suggestion, NAME_MAX)}*?` : '';
  const about = section(
    `:mag: No schedule is named *${inline(input.asked, NAME_MAX)}* either.${guess}\n${namesText}`,
  );
  const [first, ...rest] = help.blocks;
  return {
    text: `No schedule is named "${input.asked.slice(0, 200)}".`,
    blocks: first ? [first, about, ...rest] : [about],
  };
}
