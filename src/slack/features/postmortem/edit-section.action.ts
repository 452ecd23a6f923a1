import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { decodeMetadata } from '../../../../blocks/metadata.js';
import { PostmortemButtonValue } from '../../../../blocks/postmortem.blocks.js';
import { sectionModal } from '../../../../blocks/postmortem-section.blocks.js';
import { SECTION_TITLES, WRITTEN_SECTIONS, type WrittenSection } from '../../../domains/postmortems/index.js';
import { authorize } from '../../../shared/authz.js';
import { AppError } from '../../../shared/errors.js';
import { actorOf, type SlackDeps } from '../../context.js';

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

export const isSection = (s: string | undefined): s is WrittenSection =>
  (WRITTEN_SECTIONS as readonly string[]).includes(s ?? '');

/** A section's Edit: its edit modal, pushed over the postmortem (submitted in section.view.ts). */
export function editSectionAction(deps: SlackDeps) {
  return async ({ ack, action, body, context, client }: Args): Promise<void> => {
    await ack();
    const { ref, s } = decodeMetadata(PostmortemButtonValue, action.value, 2000);
    if (!isSection(s)) throw AppError.validation(`"${s}" is not a section of a postmortem.`);
    const actor = await actorOf(context);
    authorize(actor, 'postmortem:write'); // before the form, not after it is filled in
    const p = await deps.services.postmortems.get(actor, ref);
    await client.views.push({
      trigger_id: body.trigger_id,
      view: sectionModal({
        ref: p.incidentRef,
        section: { key: s, title: SECTION_TITLES[s], text: p.content[s] },
        version: p.version,
        ...(s === 'impact'
          ? { impact: { usersAffected: p.content.usersAffected, revenue: p.content.revenue } }
          : {}),
      }),
    });
  };
}
