/**
 * Runbooks in Slack: the card's line ("Runbook: High error rate · Show · Run…"), `/runbook list` and a runbook
 * shown (`/runbook show <slug>`, the card's "Show") as a message when short, else as a modal of sections.
 */
import type { ActionsBlock, Button, KnownBlock, ModalView, SectionBlock } from '@slack/types';
import { z } from 'zod';
import { escapeMrkdwn, inline, mrkdwn, plain } from './format.js';
import { RUNBOOK_ACTIONS, VIEWS } from './ids.js';
import { LIMITS, truncate } from './limits.js';
import { encodeMetadata } from './metadata.js';
import { markdownBlocks } from './runbook-markdown.js';
import type { MessagePayload } from './types.js';

/** A runbook attached to an incident, as its card names it. */
export interface AttachedRunbookView {
  runbookId: string;
  slug: string;
  name: string;
  version: number;
}

export interface RunbookView {
  id: string;
  slug: string;
  name: string;
  owner: string;
  service: string | null;
  matchers: string;
  version: number;
  markdown: string;
  actions: { name: string; title: string; kind: string; approval: string }[];
}

export interface RunbookListItemView {
  id: string;
  slug: string;
  name: string;
  service: string | null;
  actions: number;
}

/** The "Run…" button's value: which incident, which runbook, which version. */
export const RunbookButtonValue = z.object({ i: z.string(), r: z.string(), v: z.number().int().min(1) });
export type RunbookButtonValue = z.infer<typeof RunbookButtonValue>;

/** The most runbooks a card names (each has two buttons). */
export const CARD_RUNBOOKS_MAX = 3;

/** The card's runbook line and its buttons (Show, Run… per runbook, a block each); null when none is attached. */
export function cardRunbookBlocks(
  incidentId: string,
  runbooks: readonly AttachedRunbookView[],
): KnownBlock[] | null {
  if (runbooks.length === 0) return null;
  const shown = runbooks.slice(0, CARD_RUNBOOKS_MAX);
  const more = runbooks.length - shown.length;
  const names = shown.map((r) => `*${inline(r.name, 150)}*`).join(' · ');
  const line: SectionBlock = {
    type: 'section',
    text: mrkdwn(
      `:book: ${shown.length > 1 ? 'Runbooks' : 'Runbook'}: ${names}${more > 0 ? ` (+${more} more)` : ''}`,
      LIMITS.sectionText,
    ),
  };
  // One actions block per runbook: an action id is unique within its block.
  const actions = shown.map((r, n): ActionsBlock => {
    const label = shown.length > 1 ? ` ${r.name}` : '';
    const elements: Button[] = [
      {
        type: 'button',
        action_id: RUNBOOK_ACTIONS.show,
        text: plain(truncate(`Show${label}`, LIMITS.buttonText), LIMITS.buttonText),
        value: r.runbookId,
      },
      {
        type: 'button',
        action_id: RUNBOOK_ACTIONS.runOpen,
        text: plain(truncate(`Run…${label}`, LIMITS.buttonText), LIMITS.buttonText),
        value: encodeMetadata(
          RunbookButtonValue,
          { i: incidentId, r: r.runbookId, v: r.version },
          LIMITS.buttonValue,
        ),
      },
    ];
    return { type: 'actions', block_id: `incident.runbook.${n}`, elements };
  });
  return [line, ...actions];
}

function headBlocks(rb: RunbookView): KnownBlock[] {
  const facts = [
    `*${inline(rb.name, 150)}* · \`${inline(rb.slug, 100)}\` · version ${rb.version}`,
    `Owner ${inline(rb.owner, 100)}${rb.service ? ` · service ${inline(rb.service, 100)}` : ''}`,
    rb.matchers ? `Matches \`${inline(rb.matchers, 500).replace(/`/g, "'")}\`` : null,
  ].filter(Boolean);
  const blocks: KnownBlock[] = [{ type: 'context', elements: [mrkdwn(facts.join('\n'), LIMITS.textObject)] }];
  if (rb.actions.length) {
    const lines = rb.actions.map(
      (a) => `• *${inline(a.title, 150)}* (\`${inline(a.name, 63)}\`, ${a.kind}, approval: ${a.approval})`,
    );
    blocks.push({
      type: 'section',
      text: mrkdwn(truncate(`*Actions*\n${lines.join('\n')}`, LIMITS.sectionText), LIMITS.sectionText),
    });
  }
  return blocks;
}

/** Whether a runbook is short enough to answer in a message (else it opens in a modal). */
export function fitsMessage(rb: RunbookView): boolean {
  const blocks = [...headBlocks(rb), ...markdownBlocks(rb.markdown)];
  const chars = blocks.reduce((n, b) => n + JSON.stringify(b).length, 0);
  return blocks.length <= 20 && chars <= 12_000;
}

/** The runbook as an ephemeral message (short runbooks). */
export function runbookMessage(rb: RunbookView): MessagePayload {
  return { text: `Runbook ${rb.name}`, blocks: [...markdownBlocks(rb.markdown), ...headBlocks(rb)] };
}

const TRUNCATED = (slug: string): KnownBlock => ({
  type: 'context',
  elements: [
    mrkdwn(
      `:scissors: The rest does not fit in Slack: read it whole at \`GET /api/v1/runbooks/${escapeMrkdwn(slug)}\`.`,
      LIMITS.textObject,
    ),
  ],
});

/** The runbook in a modal: facts, actions, then its Markdown in sections, within the 100-block limit. */
export function runbookModal(rb: RunbookView): ModalView {
  const head = headBlocks(rb);
  let body = markdownBlocks(rb.markdown);
  const room = LIMITS.viewBlocks - head.length;
  if (body.length > room) body = [...body.slice(0, room - 1), TRUNCATED(rb.slug)];
  return {
    type: 'modal',
    callback_id: VIEWS.runbook,
    title: plain('Runbook', LIMITS.viewTitle),
    close: plain('Close', LIMITS.buttonText),
    blocks: [...head, ...body],
  };
}

/** `/runbook list [service]`: each runbook with a Show button. */
export function runbookList(items: readonly RunbookListItemView[], service: string | null): MessagePayload {
  const scope = service ? ` of service ${inline(service, 100)}` : '';
  if (items.length === 0)
    return {
      text: `No runbooks${service ? ` of service ${service}` : ''}`,
      blocks: [{ type: 'section', text: mrkdwn(`:book: No runbooks${scope} yet.`, LIMITS.sectionText) }],
    };
  const max = LIMITS.messageBlocks - 2;
  const shown = items.slice(0, max);
  const blocks: KnownBlock[] = [
    { type: 'section', text: mrkdwn(`:book: *Runbooks${scope}* (${items.length})`, LIMITS.sectionText) },
    ...shown.map(
      (r): KnownBlock => ({
        type: 'section',
        text: mrkdwn(
          `*${inline(r.name, 150)}* · \`${inline(r.slug, 100)}\`${r.service ? ` · ${inline(r.service, 100)}` : ''}${r.actions ? ` · ${r.actions} action${r.actions === 1 ? '' : 's'}` : ''}`,
          LIMITS.sectionText,
        ),
        accessory: {
          type: 'button',
          action_id: RUNBOOK_ACTIONS.show,
          text: plain('Show', LIMITS.buttonText),
          value: r.id,
        },
      }),
    ),
  ];
  if (items.length > shown.length)
    blocks.push({
      type: 'context',
      elements: [
        mrkdwn(
          `+${items.length - shown.length} more: \`/runbook list service\` narrows it.`,
          LIMITS.textObject,
        ),
      ],
    });
  return { text: `${items.length} runbooks`, blocks };
}
