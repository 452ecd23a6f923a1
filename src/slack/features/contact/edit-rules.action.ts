import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { editRulesModal } from '../../../../blocks/contact-forms.blocks.js';
import { encodeMetadata } from '../../../../blocks/metadata.js';
import { actorOf, type SlackDeps } from '../../context.js';
import { RulesMetadata } from './contact-metadata.js';
import { rowsFromRules } from './contact-rules.calc.js';
import { loadHowPaged, openForm, originOf } from './how-paged.js';

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** "Edit rules": the rules form, filled in with the person's rules (the defaults when they have none). */
export function editRulesAction(deps: SlackDeps) {
  return async ({ ack, body, context, client }: Args): Promise<void> => {
    await ack();
    const actor = await actorOf(context);
    const now = await loadHowPaged(deps, actor);
    const rows = { high: rowsFromRules(now.rules.high), low: rowsFromRules(now.rules.low) };
    const privateMetadata = encodeMetadata(RulesMetadata, {
      ...originOf(body.view),
      rows: { high: rows.high.length, low: rows.low.length },
    });
    await openForm(
      client,
      body.trigger_id,
      body.view,
      editRulesModal({ phones: now.phones, rows, privateMetadata }),
    );
  };
}
