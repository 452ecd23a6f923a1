/** The "Merge into…" modal of the card's More menu: pick the open incident this one duplicates. */
import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { AppError } from '../src/shared/errors.js';
import { incidentRef, inline, mrkdwn, plain, severityOf } from './format.js';
import { MERGE_INPUTS, VIEWS } from './ids.js';
import { LIMITS, truncate } from './limits.js';
import type { IncidentView } from './types.js';

export interface MergeModalInput {
  /** The incident to merge (the duplicate). */
  incident: IncidentView;
  /** The open incidents it may be merged into, most recent first (at most 100 are offered). */
  targets: readonly IncidentView[];
  /** Already encoded with `encodeMetadata`. */
  privateMetadata: string;
}

/** `INC-41 · P1 · Checkout is down`, within an option's 75 characters. */
export function mergeOptionText(v: IncidentView): string {
  const title = v.title.replace(/\s+/g, ' ').trim() || 'Untitled incident';
  return truncate(`${incidentRef(v.number)} · ${severityOf(v.severity).label} · ${title}`, LIMITS.optionText);
}

export function mergeModal(input: MergeModalInput): ModalView {
  if (input.privateMetadata.length > LIMITS.privateMetadata)
    throw new AppError('too_large', 'private_metadata is longer than Slack allows.');
  const { incident } = input;
  const ref = incidentRef(incident.number);
  const options: PlainTextOption[] = input.targets
    .slice(0, LIMITS.selectOptions)
    .map((t) => ({ text: plain(mergeOptionText(t), LIMITS.optionText), value: t.id }));
  const about = mrkdwn(
    `*${ref}* ${inline(incident.title, 500, 'Untitled incident')}\nIts alerts, timeline and pages move to the incident you pick; ${ref} is resolved and points there. Alerts of its groups that fire later go there too.`,
    LIMITS.sectionText,
  );
  const blocks: KnownBlock[] = [{ type: 'section', text: about }];
  if (options.length === 0) {
    blocks.push({
      type: 'section',
      text: mrkdwn('There is no other open incident to merge it into.', LIMITS.sectionText),
    });
  } else {
    blocks.push({
      type: 'input',
      block_id: MERGE_INPUTS.into.blockId,
      label: plain('Merge into', LIMITS.inputLabel),
      element: {
        type: 'static_select',
        action_id: MERGE_INPUTS.into.actionId,
        placeholder: plain('An open incident', LIMITS.placeholder),
        options,
      },
    });
  }
  return {
    type: 'modal',
    callback_id: VIEWS.merge,
    private_metadata: input.privateMetadata,
    title: plain(`Merge ${ref}`, LIMITS.viewTitle),
    ...(options.length ? { submit: plain('Merge', LIMITS.viewTitle) } : {}),
    close: plain(options.length ? 'Cancel' : 'Close', LIMITS.viewTitle),
    blocks,
  };
}
