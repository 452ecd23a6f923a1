import type {
  AllMiddlewareArgs,
  BlockAction,
  ButtonAction,
  OverflowAction,
  SlackActionMiddlewareArgs,
} from '@slack/bolt';
import { CardMoreValue } from '../../../../blocks/incident-card-more.blocks.js';
import { decodeMetadata } from '../../../../blocks/metadata.js';
import { AppError } from '../../../shared/errors.js';

/** The menu's click: an option of the overflow menu, or the button a single option is rendered as. */
export type MoreArgs = SlackActionMiddlewareArgs<BlockAction<OverflowAction | ButtonAction>> &
  AllMiddlewareArgs;

/** One option of the card's "More" menu: called after the click is acknowledged, with the incident's id. */
export type MoreHandler = (args: MoreArgs, incidentId: string) => Promise<void>;

/**
 * The card's "More" overflow menu: decodes the option and hands it to the handler named by its `a`. An option no
 * handler claims (a card posted by a newer version) is a clear error, not a silent no-op.
 */
export function moreAction(handlers: Readonly<Record<string, MoreHandler>>) {
  return async (args: MoreArgs): Promise<void> => {
    await args.ack();
    const raw = args.action.type === 'overflow' ? args.action.selected_option?.value : args.action.value;
    if (!raw) return;
    const { a, id } = decodeMetadata(CardMoreValue, raw);
    const handler = Object.hasOwn(handlers, a) ? handlers[a] : undefined;
    if (!handler) throw new AppError('validation', `This card's "${a}" action is not available any more.`);
    await handler(args, id);
  };
}
