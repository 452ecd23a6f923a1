import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { testPageStarted, testPageStartedText } from '../../../../blocks/contact.blocks.js';
import { escapeMrkdwn } from '../../../../blocks/format.js';
import { toPhoneView } from '../../contact-view.mapper.js';
import { actorOf, type SlackDeps } from '../../context.js';
import { originOf, refreshOrigin, userIdOf } from './how-paged.js';

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/**
 * "Send me a test page": the person's high-urgency rules run for real against a test incident that pages only
 * them and resolves itself. They are told what they will get in a DM (and on the modal, when there).
 */
export function testPageAction(deps: SlackDeps) {
  return async ({ ack, body, context, client }: Args): Promise<void> => {
    await ack();
    const actor = await actorOf(context);
    const userId = userIdOf(actor);
    const started = await deps.services.escalation.testPage(actor, userId);
    const phones = (await deps.services.contactMethods.list(actor, userId)).map(toPhoneView);
    const view = {
      ref: started.ref,
      rules: started.rules,
      phones,
      defaulted: started.defaulted,
      minutes: started.minutes,
    };
    await client.chat.postMessage({ channel: body.user.id, ...testPageStarted(view) });
    const origin = originOf(body.view);
    if (origin.from === 'modal')
      await refreshOrigin(
        deps,
        client,
        actor,
        body.user.id,
        origin,
        `:test_tube: ${escapeMrkdwn(testPageStartedText(view))}`,
      );
  };
}
