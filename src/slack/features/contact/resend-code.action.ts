import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { verifyCodeModal } from '../../../../blocks/contact-forms.blocks.js';
import { decodeMetadata } from '../../../../blocks/metadata.js';
import { isAppError } from '../../../shared/errors.js';
import { actorOf, type SlackDeps } from '../../context.js';
import { VerifyMetadata } from './contact-metadata.js';
import { userIdOf } from './how-paged.js';

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/**
 * "Send a new code" in the code modal: a new code goes out (not more than once a minute); the modal says so, or
 * says why not, in place.
 */
export function resendCodeAction(deps: SlackDeps) {
  return async ({ ack, action, body, context, client }: Args): Promise<void> => {
    await ack();
    const actor = await actorOf(context);
    const userId = userIdOf(actor);
    const view = body.view;
    if (!view) return;
    decodeMetadata(VerifyMetadata, view.private_metadata);
    let notice: string;
    let method = (await deps.services.contactMethods.list(actor, userId)).find((m) => m.id === action.value);
    try {
      method = await deps.services.contactMethods.resendCode(actor, userId, action.value ?? '');
      notice = `:arrows_counterclockwise: A new code was sent to ${method.phoneNumber}; the earlier one no longer works.`;
    } catch (err) {
      // The refusal is this form's answer (too soon, verified already): it is shown on the form.
      if (!isAppError(err) || !method) throw err;
      notice = `:warning: ${err.message}`;
    }
    await client.views.update({
      view_id: view.id,
      hash: view.hash,
      view: verifyCodeModal({
        contactMethodId: method.id,
        type: method.type,
        phoneNumber: method.phoneNumber,
        notice,
        privateMetadata: view.private_metadata,
      }),
    });
  };
}
