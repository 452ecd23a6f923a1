/** `/oncall schedules`: every schedule with its zone, layers and channel, and its gaps in the next 14 days. */
import type { KnownBlock } from '@slack/types';
import { channelMention, inline, mrkdwn, plain } from './format.js';
import { capList, joinWithin, LIMITS } from './limits.js';
import { gapsText, NAME_MAX, packLines, zoneNote } from './oncall-lines.js';
import type { BlockOptions, LayerView, MessagePayload, ScheduleSummaryView } from './types.js';

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
const MAX_SCHEDULES = 1000;
const MAX_LAYERS_SHOWN = 5;

const dayName = (d: number): string => WEEKDAYS[(d - 1 + 7) % 7] ?? `day ${d}`;

/** ISO weekdays as runs: [1,2,3,4,5] → `Mon–Fri`, [1,3,6,7] → `Mon, Wed, Sat–Sun`. */
export function weekdaysText(days: readonly number[]): string {
  const sorted = [...new Set(days)].filter((d) => d >= 1 && d <= 7).sort((a, b) => a - b);
  const runs: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && (sorted[j + 1] ?? 0) === (sorted[j] ?? 0) + 1) j++;
    const from = sorted[i] ?? 1;
    const to = sorted[j] ?? from;
    runs.push(from === to ? dayName(from) : `${dayName(from)}–${dayName(to)}`);
    i = j + 1;
  }
  return runs.join('') === 'Mon–Sun' ? 'every day' : runs.join(', ');
}

/** `daily at 09:00`, `every 2 weeks on Mon at 10:00`, `every 12 hours`. */
export function turnText(layer: Pick<LayerView, 'turn' | 'handoffTime' | 'handoffWeekday'>): string {
  const { unit, count } = layer.turn;
  if (unit === 'hours') return count === 1 ? 'hourly' : `every ${count} hours`;
  if (unit === 'days')
    return count === 1 ? `daily at ${layer.handoffTime}` : `every ${count} days at ${layer.handoffTime}`;
  const on = `on ${dayName(layer.handoffWeekday)} at ${layer.handoffTime}`;
  return count === 1 ? `weekly ${on}` : `every ${count} weeks ${on}`;
}

function restrictionText(r: LayerView['restrictions'][number]): string {
  const days = r.weekdays ? weekdaysText(r.weekdays) : 'every day';
  return `${days} ${r.startTime ?? '00:00'}–${r.endTime ?? '00:00'}`;
}

function layerText(layer: LayerView): string {
  const people = `${layer.participants} ${layer.participants === 1 ? 'person' : 'people'}`;
  const restricted = layer.restrictions.length
    ? `, only ${joinWithin(layer.restrictions.map(restrictionText), '; ', 300, (n) => `+${n} more windows`)}`
    : '';
  return `*${inline(layer.name, 80)}* (${people}, ${turnText(layer)}${restricted})`;
}

function channelText(s: ScheduleSummaryView): string | null {
  const parts: string[] = [];
  if (s.slackChannel) {
    parts.push(channelMention(s.slackChannel));
  }
  if (s.slackUserGroup) {
    const g = s.slackUserGroup;
    parts.push(/^S[A-Z0-9]{2,}$/.test(g) ? `<!subteam^${g}>` : `@${inline(g.replace(/^@/, ''), 80)}`);
  }
  return parts.length ? parts.join(' ') : null;
}

/** One schedule's entry: name, zone and channel; its layers; its gaps or "covered". */
export function scheduleEntry(s: ScheduleSummaryView, opts: BlockOptions): string {
  const head = [`*${inline(s.name, NAME_MAX)}*`, inline(s.timeZone, 60), channelText(s)].filter(Boolean);
  const layers = capList(s.layers, MAX_LAYERS_SHOWN);
  const layerLine = layers.shown.length
    ? `Layers: ${joinWithin(layers.shown.map(layerText), ' · ', 1200, (n) => `+${n} more`, layers.hidden)}`
    : ':warning: No layers: nobody is ever on call';
  const gaps = s.layers.length
    ? gapsText(s.gaps, opts, `${s.gaps.length === 1 ? 'A gap' : `${s.gaps.length} gaps`} in the next 14 days`)
    : '';
  const cover = gaps || (s.layers.length ? ':white_check_mark: Covered for the next 14 days' : '');
  return [head.join(' · '), layerLine, cover].filter(Boolean).join('\n');
}

/** The whole list; schedules with gaps first, so a cut-off list never hides one. */
export function scheduleList(schedules: readonly ScheduleSummaryView[], opts: BlockOptions): MessagePayload {
  const title = `Schedules (${schedules.length})`;
  const blocks: KnownBlock[] = [{ type: 'header', text: plain(title, LIMITS.headerText) }];
  if (schedules.length === 0) {
    blocks.push({
      type: 'section',
      text: mrkdwn(
        'There are no on-call schedules yet. Add one with `POST /api/v1/schedules` or `opswatch apply`.',
        LIMITS.sectionText,
      ),
    });
    return { text: 'No on-call schedules yet.', blocks };
  }
  const uncovered = (s: ScheduleSummaryView) => s.gaps.length > 0 || s.layers.length === 0;
  const flagged = schedules.filter(uncovered);
  const summary = flagged.length
    ? `:warning: ${flagged.length} of ${schedules.length} have uncovered time in the next 14 days`
    : ':white_check_mark: Every schedule is covered for the next 14 days';
  blocks.push({ type: 'context', elements: [mrkdwn(summary, LIMITS.textObject)] });
  const ordered = [...flagged, ...schedules.filter((s) => !uncovered(s))];
  const { shown, hidden } = capList(ordered, MAX_SCHEDULES);
  const entries = shown.map((s) => scheduleEntry(s, opts));
  const room = LIMITS.messageBlocks - blocks.length - 1;
  blocks.push(...packLines(entries, room, (n) => `… and ${n + hidden} more schedules`, '\n\n'));
  blocks.push(zoneNote(opts));
  const text = flagged.length
    ? `${title}: ${flagged.length} with uncovered time in the next 14 days`
    : `${title}: all covered for the next 14 days`;
  return { text, blocks };
}
