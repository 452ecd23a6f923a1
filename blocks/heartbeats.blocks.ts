/** `/heartbeat list`: every heartbeat monitor with its state (up, late, down, paused), last ping and next due. */
import type { KnownBlock } from '@slack/types';
import { formatDuration, inline, mrkdwn, plain, slackDate } from './format.js';
import { capList, LIMITS } from './limits.js';
import { NAME_MAX, packLines, zoneNote } from './oncall-lines.js';
import type { BlockOptions, MessagePayload } from './types.js';

export type HeartbeatState = 'up' | 'late' | 'down' | 'paused';

/** One monitor as the list shows it (never its token: the ping URL is a secret). */
export interface HeartbeatView {
  name: string;
  service: string;
  state: HeartbeatState;
  intervalSeconds: number;
  graceSeconds: number;
  lastPingAt: Date | null;
  /** When the next ping is expected; null while paused. */
  nextDueAt: Date | null;
  /** The deadline it missed; null unless down. */
  downSince: Date | null;
}

const MAX_MONITORS = 1000;

export const STATE_LABELS: Record<HeartbeatState, { emoji: string; label: string }> = {
  down: { emoji: ':red_circle:', label: 'Down' },
  late: { emoji: ':large_orange_circle:', label: 'Late' },
  up: { emoji: ':large_green_circle:', label: 'Up' },
  paused: { emoji: ':double_vertical_bar:', label: 'Paused' },
};

/** Most urgent first: a list cut short never hides a monitor that is down. */
const ORDER: HeartbeatState[] = ['down', 'late', 'up', 'paused'];

/** One monitor's entry: state, name and service; its timing; its last ping and what is next. */
export function heartbeatEntry(h: HeartbeatView, opts: BlockOptions): string {
  const s = STATE_LABELS[h.state];
  const head = `${s.emoji} *${inline(h.name, NAME_MAX)}* · ${s.label} · ${inline(h.service, 100)}`;
  const every = `every ${formatDuration(h.intervalSeconds * 1000)}, grace ${formatDuration(h.graceSeconds * 1000)}`;
  const last = h.lastPingAt
    ? `last ping ${slackDate(h.lastPingAt, opts)} (${formatDuration(opts.now.getTime() - h.lastPingAt.getTime())} ago)`
    : 'never pinged';
  let next = '';
  if (h.state === 'down' && h.downSince)
    next = `down since ${slackDate(h.downSince, opts)}: the next ping resolves its incident`;
  else if (h.state === 'paused') next = 'not watched until pinged or resumed';
  else if (h.nextDueAt)
    next = `${h.state === 'late' ? 'was due' : 'next due'} ${slackDate(h.nextDueAt, opts)}`;
  return [head, [every, last, next].filter(Boolean).join(' · ')].join('\n');
}

/** The whole list. */
export function heartbeatList(monitors: readonly HeartbeatView[], opts: BlockOptions): MessagePayload {
  const title = `Heartbeats (${monitors.length})`;
  const blocks: KnownBlock[] = [{ type: 'header', text: plain(title, LIMITS.headerText) }];
  if (monitors.length === 0) {
    blocks.push({
      type: 'section',
      text: mrkdwn(
        'There are no heartbeat monitors yet. Add one with `POST /api/v1/heartbeats` or `opswatch apply`, then ' +
          'have your cron job, backup script or Alertmanager `Watchdog` ping its URL.',
        LIMITS.sectionText,
      ),
    });
    return { text: 'No heartbeat monitors yet.', blocks };
  }
  const count = (s: HeartbeatState) => monitors.filter((m) => m.state === s).length;
  const down = count('down');
  const late = count('late');
  const summary =
    down || late
      ? [down ? `:red_circle: ${down} down` : '', late ? `:large_orange_circle: ${late} late` : '']
          .filter(Boolean)
          .join(' · ')
      : ':large_green_circle: Every monitor is pinging on time';
  blocks.push({ type: 'context', elements: [mrkdwn(summary, LIMITS.textObject)] });
  const ordered = [...monitors].sort(
    (a, b) => ORDER.indexOf(a.state) - ORDER.indexOf(b.state) || a.name.localeCompare(b.name),
  );
  const { shown, hidden } = capList(ordered, MAX_MONITORS);
  const room = LIMITS.messageBlocks - blocks.length - 1;
  blocks.push(
    ...packLines(
      shown.map((h) => heartbeatEntry(h, opts)),
      room,
      (n) => `… and ${n + hidden} more monitors`,
      '\n\n',
    ),
  );
  blocks.push(zoneNote(opts));
  const text = down || late ? `${title}: ${down} down, ${late} late` : `${title}: all up`;
  return { text, blocks };
}
