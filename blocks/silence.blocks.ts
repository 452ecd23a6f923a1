/** `/silence` answers and the maintenance window announcements in a service's channel. */
import type { KnownBlock } from '@slack/types';
import { escapeMrkdwn, inline, mrkdwn } from './format.js';
import { capList, LIMITS } from './limits.js';
import { when, zoneNote } from './oncall-lines.js';
import type { BlockOptions, MessagePayload } from './types.js';

/** A silence as `/silence` shows it. */
export interface SilenceView {
  id: string;
  matchersText: string;
  state: 'active' | 'pending' | 'expired';
  startsAt: Date;
  endsAt: Date;
  reason: string;
  createdBy: string;
}

/** A maintenance window's occurrence starting or ending. */
export interface MaintenanceView {
  phase: 'started' | 'ended';
  service: string;
  name: string;
  startsAt: Date;
  endsAt: Date;
}

const code = (s: string, max: number) => `\`${inline(s.replaceAll('`', "'"), max)}\``;

function silenceLine(s: SilenceView, opts: BlockOptions): string {
  const span =
    s.state === 'pending'
      ? `from ${when(s.startsAt, opts)} until ${when(s.endsAt, opts)}`
      : s.state === 'active'
        ? `until ${when(s.endsAt, opts)}`
        : `ended ${when(s.endsAt, opts)}`;
  return `${code(s.matchersText, 400)} ${span} — ${inline(s.reason, 300)} _(${inline(s.createdBy, 80)}, id ${code(s.id, 40)})_`;
}

/** The answer to `/silence service=checkout 2h deploy`: what is silenced, until when, and how to end it early. */
export function silenceCreated(s: SilenceView, opts: BlockOptions): MessagePayload {
  const line = `:mute: Silenced ${code(s.matchersText, 1500)} until ${when(s.endsAt, opts)}: ${inline(s.reason, 500)}.\nMatching alerts are stored but open no incident and page nobody. End it early with \`/silence expire ${s.id}\`.`;
  return {
    text: `Silenced ${s.matchersText} until ${s.endsAt.toISOString()}`.slice(0, LIMITS.messageText),
    blocks: [{ type: 'section', text: mrkdwn(line, LIMITS.sectionText) }, zoneNote(opts)],
  };
}

/** The answer to `/silence expire <id>`. */
export function silenceExpired(s: SilenceView): MessagePayload {
  const line = `:loud_sound: Silence ${code(s.matchersText, 1500)} expired. Alerts it held back that still fire open their incidents now.`;
  return {
    text: `Silence ${s.matchersText} expired`.slice(0, LIMITS.messageText),
    blocks: [{ type: 'section', text: mrkdwn(line, LIMITS.sectionText) }],
  };
}

/** `/silence list`: the active and pending silences, latest ending first. */
export function silenceList(silences: readonly SilenceView[], opts: BlockOptions): MessagePayload {
  if (silences.length === 0)
    return {
      text: 'No active or pending silences.',
      blocks: [
        { type: 'section', text: mrkdwn(':loud_sound: No active or pending silences.', LIMITS.sectionText) },
      ],
    };
  const { shown, hidden } = capList(silences, 40);
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: `Silences (${silences.length})` } },
    ...shown.map(
      (s): KnownBlock => ({
        type: 'section',
        text: mrkdwn(
          `${s.state === 'pending' ? ':hourglass:' : ':mute:'} ${silenceLine(s, opts)}`,
          LIMITS.sectionText,
        ),
      }),
    ),
  ];
  if (hidden)
    blocks.push({ type: 'context', elements: [mrkdwn(`…and ${hidden} more (GET /api/v1/silences)`, 200)] });
  blocks.push(zoneNote(opts));
  return { text: `${silences.length} silences`, blocks };
}

/** The post in a service's channel when a maintenance window starts or ends (times in the window's zone). */
export function maintenancePost(v: MaintenanceView, opts: BlockOptions): MessagePayload {
  const svc = `*${escapeMrkdwn(inline(v.service, 200))}*`;
  const name = inline(v.name, 300);
  const line =
    v.phase === 'started'
      ? `:construction: Maintenance *${name}* on ${svc} has started, until ${when(v.endsAt, opts)}: its alerts are held back (no incidents, no pages).`
      : `:white_check_mark: Maintenance *${name}* on ${svc} has ended: its alerts open incidents and page again.`;
  const text =
    v.phase === 'started'
      ? `Maintenance ${v.name} on ${v.service} has started`
      : `Maintenance ${v.name} on ${v.service} has ended`;
  return {
    text: text.slice(0, LIMITS.messageText),
    blocks: [{ type: 'section', text: mrkdwn(line, LIMITS.sectionText) }, zoneNote(opts)],
  };
}
