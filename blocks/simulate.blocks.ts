/** `/oncall simulate <service> [at <time>]`: who would be paged, how and when, step by step and loop by loop. */
import type { KnownBlock } from '@slack/types';
import { DateTime } from 'luxon';
import { escapeMrkdwn, inline, mrkdwn, plain, severityOf } from './format.js';
import { joinWithin, LIMITS, truncate } from './limits.js';
import type { MessagePayload, PersonView } from './types.js';

export interface SimulatedLineView {
  at: Date;
  loop: number;
  step: number;
  /** slack_dm, sms, voice, slack_channel, slack_user_group, none (a chain that continues). */
  method: string;
  /** The person paged; null for a channel or user-group post. */
  person: PersonView | null;
  /** The target as people read it ("Payments on-call", "#payments"). */
  label: string;
  skipped: boolean;
}

export interface SimulationView {
  service: string;
  policyName: string;
  policyVersion: number;
  at: Date;
  severity: number;
  urgency: 'high' | 'low';
  repeat: number;
  lines: SimulatedLineView[];
  nobody: { at: Date; loop: number; step: number; label: string }[];
  exhausted: { at: Date; loops: number } | null;
  /** The reader's zone: times are written out in it. */
  timeZone: string;
}

const METHOD: Record<string, string> = {
  slack_dm: 'DM',
  sms: 'SMS',
  voice: 'Call',
  slack_channel: 'Post @here in',
  slack_user_group: 'Mention',
};

function clock(at: Date, start: Date, zone: string): string {
  const t = DateTime.fromJSDate(at, { zone });
  const sameDay = t.hasSame(DateTime.fromJSDate(start, { zone }), 'day');
  return t.setLocale('en-GB').toFormat(sameDay ? 'HH:mm' : 'ccc HH:mm');
}

function who(line: SimulatedLineView): string {
  if (!line.person) return inline(line.label, 120);
  const name = line.person.slackUserId
    ? `<@${line.person.slackUserId}>`
    : `*${inline(line.person.name, 80)}*`;
  return `${name} (${inline(line.label, 120)})`;
}

/** One line: "12:00 DM Ana (Payments on-call)". */
export function simulatedLine(line: SimulatedLineView, start: Date, zone: string): string {
  const time = clock(line.at, start, zone);
  if (line.skipped) return `${time} ${who(line)}: their rules are still running, that chain continues`;
  return `${time} ${METHOD[line.method] ?? escapeMrkdwn(line.method)} ${who(line)}`;
}

/** The simulator's answer, ephemeral. */
export function simulationMessage(view: SimulationView): MessagePayload {
  const zone = view.timeZone;
  const sev = severityOf(view.severity);
  const start = DateTime.fromJSDate(view.at, { zone }).setLocale('en-GB').toFormat('ccc d LLL HH:mm ZZZZ');
  const loops = view.repeat + 1;
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain(`Simulated escalation: ${view.service}`, LIMITS.headerText) },
    {
      type: 'context',
      elements: [
        mrkdwn(
          `A ${sev.label} (${view.urgency} urgency) triggering ${start}, never acknowledged · policy *${inline(view.policyName, 120)}* v${view.policyVersion} · ${loops} ${loops === 1 ? 'loop' : 'loops'}`,
          LIMITS.textObject,
        ),
      ],
    },
  ];
  const byLoop = new Map<number, string[]>();
  const entries: { at: number; loop: number; text: string }[] = [
    ...view.lines.map((l) => ({ at: l.at.getTime(), loop: l.loop, text: simulatedLine(l, view.at, zone) })),
    ...view.nobody.map((n) => ({
      at: n.at.getTime(),
      loop: n.loop,
      text: `${clock(n.at, view.at, zone)} :warning: Nobody is on call for ${inline(n.label, 120)}: the next step fires at once`,
    })),
  ].sort((a, b) => a.loop - b.loop || a.at - b.at);
  for (const e of entries) byLoop.set(e.loop, [...(byLoop.get(e.loop) ?? []), e.text]);
  // At most 10 loops (repeat ≤ 9): one section each, well within a message's 50 blocks.
  for (const [loop, lines] of [...byLoop.entries()].slice(0, LIMITS.messageBlocks - 4)) {
    // No more lines than could ever fit are formatted.
    const shown = lines.slice(0, 100);
    const packed = joinWithin(
      shown,
      '\n',
      LIMITS.sectionText - 20,
      (n) => `… and ${n} more`,
      lines.length - shown.length,
    );
    blocks.push({
      type: 'section',
      text: mrkdwn(`${loops > 1 ? `*Loop ${loop + 1}*\n` : ''}${packed}`, LIMITS.sectionText),
    });
  }
  if (entries.length === 0) {
    blocks.push({ type: 'section', text: mrkdwn('Nobody would be paged.', LIMITS.sectionText) });
  }
  if (view.exhausted) {
    blocks.push({
      type: 'context',
      elements: [
        mrkdwn(
          `${clock(view.exhausted.at, view.at, zone)} Nobody acknowledged after ${view.exhausted.loops} ${view.exhausted.loops === 1 ? 'loop' : 'loops'}: the escalation stops`,
          LIMITS.textObject,
        ),
      ],
    });
  }
  const first = entries
    .slice(0, 4)
    .map((e) => e.text.replace(/[*]/g, ''))
    .join(' · ');
  const text = `Simulated escalation for ${view.service}: ${first || 'nobody would be paged'}`;
  return { text: truncate(text, LIMITS.sectionText), blocks };
}
