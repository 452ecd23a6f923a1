/** The ephemeral `/incident list`: one compact row per open incident, each with an overflow menu. */
import type { Button, KnownBlock, Overflow, PlainTextOption } from '@slack/types';
import { z } from 'zod';
import {
  bySeverityThenAge,
  incidentAge,
  incidentRef,
  inline,
  mrkdwn,
  person,
  plain,
  STATUSES,
  severityOf,
} from './format.js';
import { INCIDENT_ACTIONS } from './ids.js';
import { LIMITS } from './limits.js';
import { encodeMetadata } from './metadata.js';
import { DRILL_MARK } from './page.blocks.js';
import type { BlockOptions, IncidentView, MessagePayload } from './types.js';

/** What a row's overflow option carries: `{ a: 'ack' | 'resolve', id }` (decode with `decodeMetadata`). */
export const ListOverflowValue = z.object({ a: z.enum(['ack', 'resolve']), id: z.string().min(1) });
export type ListOverflowValue = z.infer<typeof ListOverflowValue>;

export interface IncidentListOptions extends BlockOptions {
  /** Rows to show before "… and N more" (default 20, at most 45 so a message stays under 50 blocks). */
  max?: number;
  /** Heading, default "Open incidents". */
  title?: string;
}

const HARD_MAX_ROWS = LIMITS.messageBlocks - 5;

/**
 * A row's actions: an overflow menu with Acknowledge and Resolve while the incident is triggered, a Resolve button
 * once it is acknowledged (an overflow needs two options), nothing once resolved. No "Open in OpsWatch": there is
 * no incident page to open yet.
 */
function rowAccessory(view: IncidentView): Overflow | Button | null {
  const options: PlainTextOption[] = [];
  const value = (a: ListOverflowValue['a']): string | null => {
    try {
      return encodeMetadata(ListOverflowValue, { a, id: view.id }, LIMITS.optionValue);
    } catch {
      return null; // an id too long for an option value: leave the option out
    }
  };
  const ack = view.status === 'triggered' ? value('ack') : null;
  if (ack) options.push({ text: plain('Acknowledge', LIMITS.optionText), value: ack });
  const resolve = view.status !== 'resolved' ? value('resolve') : null;
  if (resolve) options.push({ text: plain('Resolve', LIMITS.optionText), value: resolve });
  if (options.length >= 2) return { type: 'overflow', action_id: INCIDENT_ACTIONS.listOverflow, options };
  if (!resolve) return null;
  return {
    type: 'button',
    action_id: INCIDENT_ACTIONS.resolve,
    text: plain('Resolve', LIMITS.buttonText),
    value: view.id,
  };
}

/** A row's text: `🔴 INC-42 title` / `P1 · Triggered · 2h 5m · service (env) · assignee`. */
export function incidentRowText(view: IncidentView, opts: BlockOptions): string {
  const sev = severityOf(view.severity);
  const status = STATUSES[view.status];
  const ref = incidentRef(view.number);
  const who = view.assignee ? person(view.assignee.name, view.assignee.slackUserId) : '_unassigned_';
  const facts = [
    sev.label,
    `${status.emoji} ${status.label}`,
    incidentAge(view, opts.now),
    `${inline(view.service, 120)} (${inline(view.environment, 60)})`,
    who,
  ].join(' · ');
  const drill = view.drill ? `${DRILL_MARK} · ` : '';
  return `${drill}${sev.emoji} *${ref}* ${inline(view.title, 500, 'Untitled incident')}\n${facts}`;
}

/** One `/incident list` row: the row text with its actions (Acknowledge, Resolve). */
export function incidentRow(view: IncidentView, opts: BlockOptions): KnownBlock {
  const accessory = rowAccessory(view);
  return {
    type: 'section',
    text: mrkdwn(incidentRowText(view, opts), LIMITS.sectionText),
    ...(accessory ? { accessory } : {}),
  };
}

/** The `/incident list` reply (ephemeral), most severe and oldest first. */
export function incidentList(incidents: readonly IncidentView[], opts: IncidentListOptions): MessagePayload {
  const title = opts.title ?? 'Open incidents';
  const max = Math.max(1, Math.min(opts.max ?? 20, HARD_MAX_ROWS));
  if (incidents.length === 0) {
    return {
      text: 'No open incidents.',
      blocks: [
        {
          type: 'section',
          text: mrkdwn(':white_check_mark: No open incidents. All quiet.', LIMITS.sectionText),
        },
      ],
    };
  }
  const sorted = [...incidents].sort(bySeverityThenAge);
  const shown = sorted.slice(0, max);
  const hidden = sorted.length - shown.length;
  const blocks: KnownBlock[] = [
    { type: 'section', text: mrkdwn(`*${inline(title, 100)}* (${incidents.length})`, LIMITS.sectionText) },
    { type: 'divider' },
    ...shown.map((v) => incidentRow(v, opts)),
  ];
  if (hidden > 0) {
    const narrow = 'narrow the list with `/incident list SERVICE` or `/incident list P1`';
    blocks.push({
      type: 'context',
      elements: [mrkdwn(`… and ${hidden} more — ${narrow}`, LIMITS.textObject)],
    });
  }
  const text = `${incidents.length} open incident${incidents.length === 1 ? '' : 's'}`;
  return { text, blocks };
}
