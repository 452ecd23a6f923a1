import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { verifyCodeModal } from '../../../../blocks/contact-forms.blocks.js';
import { CONTACT_INPUTS } from '../../../../blocks/ids.js';
import { decodeMetadata, encodeMetadata } from '../../../../blocks/metadata.js';
import { actorOf, type SlackDeps } from '../../context.js';
import { VerifyMetadata } from './contact-metadata.js';
import { refreshOrigin, userIdOf } from './how-paged.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/**
 * A code entered: verified, the next phone added with it (if any) asks for its own code; else the modal closes
 * and what it was opened from shows the phone verified. A wrong or expired code shows on the code field.
 */
export function verifyCodeSubmitted(deps: SlackDeps) {
  return async ({ ack, view, body, context, client }: Args): Promise<void> => {
    const meta = decodeMetadata(VerifyMetadata, view.private_metadata);
    const code = view.state.values[CONTACT_INPUTS.code.blockId]?.[CONTACT_INPUTS.code.actionId]?.value ?? '';
    const actor = await actorOf(context);
    const userId = userIdOf(actor);
    const [id, ...rest] = meta.pending;
    const done = await deps.services.contactMethods.verify(actor, userId, id ?? '', { code });
    const { pending: _, ...origin } = meta;
    const methods = rest.length ? await deps.services.contactMethods.list(actor, userId) : [];
    const next = methods.find((m) => m.id === rest[0] && m.status === 'unverified');
    if (next) {
      await ack({
        response_action: 'update',
        view: verifyCodeModal({
          contactMethodId: next.id,
          type: next.type,
          phoneNumber: next.phoneNumber,
          notice: `:white_check_mark: ${done.phoneNumber} is verified for ${done.type === 'sms' ? 'SMS' : 'calls'}.`,
          privateMetadata: encodeMetadata(VerifyMetadata, { ...origin, pending: [next.id] }),
        }),
      });
    } else await ack();
    await refreshOrigin(deps, client, actor, body.user.id, origin);
  };
}
