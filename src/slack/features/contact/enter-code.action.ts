import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { verifyCodeModal } from '../../../../blocks/contact-forms.blocks.js';
import { encodeMetadata } from '../../../../blocks/metadata.js';
import { AppError } from '../../../shared/errors.js';
import { actorOf, type SlackDeps } from '../../context.js';
import { VerifyMetadata } from './contact-metadata.js';
import { openForm, originOf, userIdOf } from './how-paged.js';

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** "Enter code" on a phone waiting for its code: the code modal (no new code is sent; it has a button for that). */
export function enterCodeAction(deps: SlackDeps) {
  return async ({ ack, action, body, context, client }: Args): Promise<void> => {
    await ack();
    const actor = await actorOf(context);
    const methods = await deps.services.contactMethods.list(actor, userIdOf(actor));
    const method = methods.find((m) => m.id === action.value);
    if (!method) throw AppError.notFound('That phone');
    const origin = originOf(body.view);
    await openForm(
      client,
      body.trigger_id,
      body.view,
      verifyCodeModal({
        contactMethodId: method.id,
        type: method.type,
        phoneNumber: method.phoneNumber,
        privateMetadata: encodeMetadata(VerifyMetadata, { ...origin, pending: [method.id] }),
      }),
    );
  };
}
