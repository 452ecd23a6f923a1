import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { decodeMetadata } from '../../../../blocks/metadata.js';
import { readResolveForm } from '../../../../blocks/resolve-modal.blocks.js';
import { actorOf, type SlackDeps } from '../../context.js';
import { ResolveMetadata } from './resolve-metadata.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/**
 * The resolve form submitted: the incident is resolved with what fixed it (or, already resolved, what fixed it is
 * recorded), before the ack, so a refusal shows on the form. The card and its thread say the rest.
 */
export function resolveSubmitted(deps: SlackDeps) {
  return async ({ ack, view, context }: Args): Promise<void> => {
    const { incidentId } = decodeMetadata(ResolveMetadata, view.private_metadata);
    const form = readResolveForm(view.state.values as Parameters<typeof readResolveForm>[0]);
    const actor = await actorOf(context);
    await deps.services.knowledge.resolveWithCapture(actor, incidentId, form);
    await ack();
  };
}
