import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { decodeMetadata } from '../../../../blocks/metadata.js';
import { runButtonSchema } from '../../../../blocks/runbook-run.blocks.js';
import { actorOf, type SlackDeps } from '../../context.js';

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/**
 * A run's Approve or Reject button (in the thread or an approver's DM), as the clicking person. A refusal — their
 * own run, a second approval by the same person, an expired run, someone the policy does not let approve, a
 * button value that is not a run — is answered to them alone (the global error handler's ephemeral message); the
 * run's message itself is brought up to date through the outbox.
 */
export function decideAction(deps: SlackDeps, decision: 'approve' | 'reject') {
  return async ({ ack, action, context }: Args): Promise<void> => {
    await ack();
    const actor = await actorOf(context);
    const { runId } = decodeMetadata(runButtonSchema, action.value);
    await deps.services.remediation.runs.decide(actor, runId, decision);
  };
}
