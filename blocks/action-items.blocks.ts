/** Postmortem action items in Slack: the open ones listed, the overdue reminder DM, the new item modal. */
import type { KnownBlock, ModalView } from '@slack/types';
import { z } from 'zod';
import { escapeMrkdwn, inline, mrkdwn, plain } from './format.js';
import { POSTMORTEM_INPUTS, VIEWS } from './ids.js';
import { LIMITS, truncate } from './limits.js';
import { encodeMetadata } from './metadata.js';
import { type ActionItemView, actionItemBlock } from './postmortem.blocks.js';
import type { MessagePayload } from './types.js';

/** Items a list message shows (a message holds 50 blocks). */
const LIST_MAX = 45;

/** The list's first block id says whose items it lists, so Close can list them again in place. */
export const actionListBlockId = (mine: boolean): string => `postmortem.items.${mine ? 'mine' : 'all'}`;

/** `/postmortem actions [mine]`: the open items, each with Close. */
export function actionItemsList(items: readonly ActionItemView[], opts: { mine: boolean }): MessagePayload {
  const whose = opts.mine ? 'Your open action items' : 'Open action items';
  if (items.length === 0)
    return {
      text: `${whose}: none.`,
      blocks: [
        {
          type: 'section',
          block_id: actionListBlockId(opts.mine),
          text: mrkdwn(`*${whose}*\nNone. :tada:`, LIMITS.sectionText),
        },
      ],
    };
  const overdue = items.filter((i) => i.overdue).length;
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      block_id: actionListBlockId(opts.mine),
      text: mrkdwn(
        `*${whose}* (${items.length}${overdue ? `, ${overdue} overdue` : ''})`,
        LIMITS.sectionText,
      ),
    },
  ];
  for (const i of items.slice(0, LIST_MAX)) blocks.push(actionItemBlock(i));
  if (items.length > LIST_MAX)
    blocks.push({
      type: 'context',
      elements: [
        mrkdwn(`… and ${items.length - LIST_MAX} more (GET /api/v1/action-items)`, LIMITS.textObject),
      ],
    });
  return { text: `${whose}: ${items.length}${overdue ? `, ${overdue} overdue` : ''}`, blocks };
}

/** The daily DM to the owner of an overdue item, with Close. */
export function actionItemReminder(v: { item: ActionItemView; postmortemTitle: string }): MessagePayload {
  const { item } = v;
  const text = `Overdue action item from the ${item.incidentRef} postmortem: ${item.title} (due ${item.dueOn ?? '—'})`;
  return {
    text: truncate(escapeMrkdwn(text), LIMITS.sectionText),
    blocks: [
      {
        type: 'section',
        text: mrkdwn(
          `:alarm_clock: An action item of the *${escapeMrkdwn(item.incidentRef)}* postmortem (${inline(v.postmortemTitle, 300)}) is overdue.`,
          LIMITS.sectionText,
        ),
      },
      actionItemBlock(item),
    ],
  };
}

/** What a list or DM turns into once its item is closed (replacing the message in place). */
export function actionItemClosed(item: ActionItemView, by: string): MessagePayload {
  const text = `Closed: ${item.title} (${item.incidentRef}), by ${by}`;
  return {
    text: truncate(escapeMrkdwn(text), LIMITS.sectionText),
    blocks: [
      {
        type: 'section',
        text: mrkdwn(
          `:white_check_mark: ~${inline(item.title, 500)}~ closed by ${escapeMrkdwn(by)}`,
          LIMITS.sectionText,
        ),
      },
    ],
  };
}

export const ActionItemMetadata = z.object({ ref: z.string() });

/** A new action item (callback `VIEWS.actionItem`): title, owner, due date. */
export function actionItemModal(ref: string): ModalView {
  const { itemTitle, itemOwner, itemDue } = POSTMORTEM_INPUTS;
  return {
    type: 'modal',
    callback_id: VIEWS.actionItem,
    private_metadata: encodeMetadata(ActionItemMetadata, { ref }),
    title: plain('Add action item', LIMITS.viewTitle),
    submit: plain('Add', LIMITS.viewTitle),
    close: plain('Cancel', LIMITS.viewTitle),
    blocks: [
      { type: 'context', elements: [mrkdwn(`${escapeMrkdwn(ref)} postmortem`, LIMITS.textObject)] },
      {
        type: 'input',
        block_id: itemTitle.blockId,
        label: plain('What needs doing', LIMITS.inputLabel),
        element: { type: 'plain_text_input', action_id: itemTitle.actionId, max_length: 500 },
      },
      {
        type: 'input',
        block_id: itemOwner.blockId,
        optional: true,
        label: plain('Owner', LIMITS.inputLabel),
        element: { type: 'users_select', action_id: itemOwner.actionId },
      },
      {
        type: 'input',
        block_id: itemDue.blockId,
        optional: true,
        label: plain('Due', LIMITS.inputLabel),
        element: { type: 'datepicker', action_id: itemDue.actionId },
      },
    ],
  };
}
