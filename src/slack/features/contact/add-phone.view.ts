import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { verifyCodeModal } from '../../../../blocks/contact-forms.blocks.js';
import { CONTACT_INPUTS } from '../../../../blocks/ids.js';
import { decodeMetadata, encodeMetadata } from '../../../../blocks/metadata.js';
import type { ContactMethodDto } from '../../../domains/paging/index.js';
import { AppError } from '../../../shared/errors.js';
import { actorOf, type SlackDeps } from '../../context.js';
import { ContactOrigin, VerifyMetadata } from './contact-metadata.js';
import { refreshOrigin, userIdOf } from './how-paged.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/**
 * The add-phone form submitted: each method chosen is added (the domain sends its code); a refusal (a number
 * that is not one) shows on its field. Then the form becomes the code modal of the first that waits for a code;
 * when none does (already verified), it closes.
 */
export function addPhoneSubmitted(deps: SlackDeps) {
  return async ({ ack, view, body, context, client }: Args): Promise<void> => {
    const origin = decodeMetadata(ContactOrigin, view.private_metadata);
    const values = view.state.values;
    const types = (
      values[CONTACT_INPUTS.type.blockId]?.[CONTACT_INPUTS.type.actionId]?.selected_options ?? []
    )
      .map((o) => o.value)
      .filter((v): v is 'sms' | 'voice' => v === 'sms' || v === 'voice');
    const phoneNumber = values[CONTACT_INPUTS.phone.blockId]?.[CONTACT_INPUTS.phone.actionId]?.value ?? '';
    if (types.length === 0)
      throw AppError.validation('Choose SMS, voice or both.', [
        { field: 'type', message: 'Choose SMS, voice or both.' },
      ]);
    const actor = await actorOf(context);
    const userId = userIdOf(actor);
    const added: ContactMethodDto[] = [];
    for (const type of types)
      added.push(await deps.services.contactMethods.create(actor, userId, { type, phoneNumber }));
    const pending = added.filter((m) => m.status === 'unverified');
    const first = pending[0];
    if (!first) {
      await ack();
      await refreshOrigin(deps, client, actor, body.user.id, origin);
      return;
    }
    await ack({
      response_action: 'update',
      view: verifyCodeModal({
        contactMethodId: first.id,
        type: first.type,
        phoneNumber: first.phoneNumber,
        waiting: pending.length - 1,
        privateMetadata: encodeMetadata(VerifyMetadata, { ...origin, pending: pending.map((m) => m.id) }),
      }),
    });
    await refreshOrigin(deps, client, actor, body.user.id, origin);
  };
}
