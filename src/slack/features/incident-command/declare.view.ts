import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { DECLARE_INPUTS } from '../../../../blocks/ids.js';
import { decodeMetadata } from '../../../../blocks/metadata.js';
import { declareInputSchema } from '../../../domains/incidents/index.js';
import { AppError, fieldsFromZod } from '../../../shared/errors.js';
import { actorOf, type SlackDeps } from '../../context.js';
import { DeclareMetadata } from './declare-metadata.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
type Values = ViewSubmitAction['view']['state']['values'];

function inputValue(values: Values, input: { blockId: string; actionId: string }): string | undefined {
  const v = values[input.blockId]?.[input.actionId];
  return v?.selected_option?.value ?? v?.value ?? undefined;
}

/**
 * The declare modal submitted: validated and declared before the ack, so a refusal shows on the modal's fields;
 * the card then goes to the service's channel through the outbox.
 */
export function declareSubmitted(deps: SlackDeps) {
  return async ({ ack, view, context }: Args): Promise<void> => {
    decodeMetadata(DeclareMetadata, view.private_metadata || '{}');
    const values = view.state.values;
    const input = declareInputSchema.safeParse({
      title: inputValue(values, DECLARE_INPUTS.title),
      service: inputValue(values, DECLARE_INPUTS.service) || undefined,
      severity: inputValue(values, DECLARE_INPUTS.severity),
      description: inputValue(values, DECLARE_INPUTS.description) || undefined,
    });
    if (!input.success)
      throw AppError.validation('The form is not valid.', fieldsFromZod(input.error.issues));
    const actor = await actorOf(context);
    await deps.services.incidents.declare(actor, input.data);
    await ack();
  };
}
