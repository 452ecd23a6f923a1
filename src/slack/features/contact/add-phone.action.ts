import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { addPhoneModal } from '../../../../blocks/contact-forms.blocks.js';
import { encodeMetadata } from '../../../../blocks/metadata.js';
import { actorOf, type SlackDeps } from '../../context.js';
import { ContactOrigin } from './contact-metadata.js';
import { openForm, originOf, userIdOf } from './how-paged.js';

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** "Add a phone" (the contact modal, App Home): the add-phone form. */
export function addPhoneAction(_deps: SlackDeps) {
  return async ({ ack, body, context, client }: Args): Promise<void> => {
    await ack();
    userIdOf(await actorOf(context));
    const origin = originOf(body.view);
    const view = addPhoneModal({ privateMetadata: encodeMetadata(ContactOrigin, origin) });
    await openForm(client, body.trigger_id, body.view, view);
  };
}
