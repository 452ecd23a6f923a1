/**
 * A runbook action run's message in the incident's thread, edited in place at every stage: what runs, where it
 * is, who asked and approved, each stage's outcome, and Approve/Reject buttons while it waits for approval. The
 * approvers' DM is the same message.
 */
import type { ContextBlock, KnownBlock } from '@slack/types';
import { z } from 'zod';
import { escapeMrkdwn, mrkdwn } from './format.js';
import { RUNBOOK_RUN_ACTIONS } from './ids.js';
import { LIMITS, truncate } from './limits.js';
import { encodeMetadata } from './metadata.js';
import type { MessagePayload } from './types.js';

/** What Approve/Reject buttons carry: the run. */
export const runButtonSchema = z.object({ runId: z.uuid() });

export interface RunStepView {
  stage: string;
  at: Date;
  actor: string;
  outcome: string;
  error: string | null;
}

export interface RunView {
  id: string;
  incidentRef: string;
  runbook: string;
  action: string;
  title: string;
  actionKind: string;
  stage: string;
  error: string | null;
  requestedBy: string;
  approval: 'none' | 'one' | 'two';
  approvedBy: string[];
  approvalExpiresAt: Date | null;
  history: RunStepView[];
}

const STAGE_LINE: Record<string, string> = {
  preflight: ':hourglass_flowing_sand: Preflight (dry run)…',
  approval: ':raised_hand: Waiting for approval',
  execute: ':arrow_forward: Approved: about to run',
  executing: ':gear: Running…',
  verify: ':mag: Verifying…',
  done: ':white_check_mark: Done',
  failed: ':x: Failed',
  rolled_back: ':leftwards_arrow_with_hook: Rolled back',
  rejected: ':no_entry: Rejected',
  expired: ':alarm_clock: Expired: nobody approved in time',
  rate_limited: ':no_entry_sign: Refused: rate limit',
};

const clock = (d: Date) => d.toISOString().slice(11, 16);

export function runbookRunMessage(v: RunView): MessagePayload {
  const needed = v.approval === 'two' ? 2 : v.approval === 'one' ? 1 : 0;
  const head = `*Runbook ${escapeMrkdwn(v.runbook)} · ${escapeMrkdwn(v.title)}* (${escapeMrkdwn(v.action)}, ${v.actionKind}) on ${v.incidentRef}`;
  const status = [
    STAGE_LINE[v.stage] ?? v.stage,
    v.error ? `: ${escapeMrkdwn(v.error)}` : '',
    v.stage === 'approval'
      ? ` (${v.approvedBy.length} of ${needed}${v.approvalExpiresAt ? `, until ${clock(v.approvalExpiresAt)} UTC` : ''})`
      : '',
  ].join('');
  const who = `Requested by ${escapeMrkdwn(v.requestedBy)}${v.approvedBy.length ? ` · approved by ${v.approvedBy.map(escapeMrkdwn).join(', ')}` : ''}`;
  const steps = v.history
    .slice(-8)
    .map(
      (h) =>
        `${clock(h.at)} ${h.stage}: ${escapeMrkdwn(h.outcome)}${h.error ? ` (${escapeMrkdwn(h.error)})` : ''}`,
    )
    .join('\n');
  const blocks: KnownBlock[] = [
    { type: 'section', text: mrkdwn(`${head}\n${status}`, LIMITS.sectionText) },
    { type: 'context', elements: [mrkdwn(who, LIMITS.textObject)] } satisfies ContextBlock,
  ];
  if (steps) blocks.push({ type: 'context', elements: [mrkdwn(steps, LIMITS.textObject)] });
  if (v.stage === 'approval') {
    const value = encodeMetadata(runButtonSchema, { runId: v.id }, LIMITS.buttonValue);
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          style: 'primary',
          action_id: RUNBOOK_RUN_ACTIONS.approve,
          value,
          text: { type: 'plain_text', text: 'Approve' },
        },
        {
          type: 'button',
          style: 'danger',
          action_id: RUNBOOK_RUN_ACTIONS.reject,
          value,
          text: { type: 'plain_text', text: 'Reject' },
        },
      ],
    });
  }
  return {
    text: truncate(
      `Runbook ${v.runbook} · ${v.title}: ${STAGE_LINE[v.stage] ?? v.stage}`,
      LIMITS.messageText,
    ),
    blocks,
  };
}
