import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { decodeMetadata } from '../../../../blocks/metadata.js';
import { RunModalMetadata, readRunModal } from '../../../../blocks/runbook-run-modal.blocks.js';
import { actorOf, type SlackDeps } from '../../context.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/**
 * The run modal submitted: the run starts (before the ack, so a refusal — rate limit, environment, permission —
 * shows on the form). Its message in the incident's thread says the rest.
 */
export function runSubmitted(deps: SlackDeps) {
  return async ({ ack, view, context }: Args): Promise<void> => {
    const m = decodeMetadata(RunModalMetadata, view.private_metadata);
    const action = readRunModal(view.state.values as Parameters<typeof readRunModal>[0]);
    await deps.services.remediation.runs.start(await actorOf(context), {
      runbook: m.runbook,
      action,
      incident: m.incident,
    });
    await ack();
  };
}
