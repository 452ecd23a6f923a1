import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { POSTMORTEM_INPUTS, postmortemPartInput } from '../../../../blocks/ids.js';
import { decodeMetadata } from '../../../../blocks/metadata.js';
import { MAX_PARTS, SectionMetadata } from '../../../../blocks/postmortem-section.blocks.js';
import { AppError } from '../../../shared/errors.js';
import { actorOf, type SlackDeps } from '../../context.js';
import { isSection } from './edit-section.action.js';
import { refreshModal } from './postmortem-modal.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
type Values = ViewSubmitAction['view']['state']['values'];

const inputValue = (values: Values, id: { blockId: string; actionId: string }): string | undefined => {
  const v = values[id.blockId]?.[id.actionId]?.value;
  return typeof v === 'string' ? v : undefined;
};

/** The section's text: its parts, in order, joined by the line ends they were split at. */
export function sectionText(values: Values): string {
  const parts: string[] = [];
  for (let i = 0; i < MAX_PARTS; i++) {
    const id = postmortemPartInput(i);
    if (!values[id.blockId]) continue;
    parts.push(inputValue(values, id) ?? '');
  }
  while (parts.length > 1 && parts.at(-1) === '') parts.pop();
  return parts.join('\n');
}

function usersAffected(values: Values): number | null {
  const raw = inputValue(values, POSTMORTEM_INPUTS.usersAffected)?.replace(/[\s,_]/g, '') ?? '';
  if (!raw) return null;
  if (!/^\d+$/.test(raw))
    throw AppError.validation('Users affected is a whole number.', [
      { field: 'usersAffected', message: 'a whole number, e.g. 1200' },
    ]);
  return Number(raw);
}

/**
 * A section saved: written before the ack (a refusal shows on the form), then the postmortem modal under it is
 * brought up to date. A postmortem changed by someone else since the form opened is refused (its version).
 */
export function sectionSubmitted(deps: SlackDeps) {
  return async ({ ack, view, context, client }: Args): Promise<void> => {
    const { ref, s, v } = decodeMetadata(SectionMetadata, view.private_metadata);
    if (!isSection(s)) throw AppError.validation(`"${s}" is not a section of a postmortem.`);
    const values = view.state.values;
    const actor = await actorOf(context);
    const impact =
      s === 'impact'
        ? {
            usersAffected: usersAffected(values),
            revenue: inputValue(values, POSTMORTEM_INPUTS.revenue)?.trim() || null,
          }
        : {};
    await deps.services.postmortems.update(actor, ref, { [s]: sectionText(values), ...impact, version: v });
    await ack();
    const root = view.root_view_id && view.root_view_id !== view.id ? view.root_view_id : undefined;
    await refreshModal(deps, client, actor, root, ref);
  };
}
