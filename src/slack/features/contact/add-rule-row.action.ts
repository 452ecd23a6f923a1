import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { editRulesModal, MAX_RULE_ROWS } from '../../../../blocks/contact-forms.blocks.js';
import { decodeMetadata, encodeMetadata } from '../../../../blocks/metadata.js';
import { actorOf, type SlackDeps } from '../../context.js';
import { RulesMetadata } from './contact-metadata.js';
import { rowsFromState, type StateValues } from './contact-rules.calc.js';
import { loadHowPaged } from './how-paged.js';

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** "Add a … rule": the rules form drawn again with what was filled in so far and one more empty row. */
export function addRuleRowAction(deps: SlackDeps) {
  return async ({ ack, action, body, context, client }: Args): Promise<void> => {
    await ack();
    const view = body.view;
    if (!view) return;
    const meta = decodeMetadata(RulesMetadata, view.private_metadata);
    const urgency = action.value === 'low' ? 'low' : 'high';
    const values = (view.state?.values ?? {}) as StateValues;
    const rows = {
      high: rowsFromState(values, 'high', meta.rows.high),
      low: rowsFromState(values, 'low', meta.rows.low),
    };
    if (rows[urgency].length < MAX_RULE_ROWS) rows[urgency].push({ value: null, delayMinutes: null });
    const { phones } = await loadHowPaged(deps, await actorOf(context));
    const privateMetadata = encodeMetadata(RulesMetadata, {
      ...meta,
      rows: { high: rows.high.length, low: rows.low.length },
    });
    await client.views.update({
      view_id: view.id,
      hash: view.hash,
      view: editRulesModal({ phones, rows, privateMetadata }),
    });
  };
}
