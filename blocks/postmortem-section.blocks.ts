/** A postmortem section's edit modal: its text in parts of at most 3,000 characters (one input's limit). */
import type { InputBlock, KnownBlock, ModalView } from '@slack/types';
import { z } from 'zod';
import { escapeMrkdwn, mrkdwn, plain } from './format.js';
import { POSTMORTEM_INPUTS, postmortemPartInput, VIEWS } from './ids.js';
import { LIMITS, truncate } from './limits.js';
import { encodeMetadata } from './metadata.js';
import type { PostmortemSectionView } from './postmortem.blocks.js';

/** The section modal's private metadata. */
export const SectionMetadata = z.object({ ref: z.string(), s: z.string(), v: z.number().int() });
export type SectionMetadata = z.infer<typeof SectionMetadata>;

/** One input of Slack's plain_text_input holds at most this. */
export const PART_MAX = LIMITS.inputMaxLength;
/** A section is edited in at most this many parts (30,000 characters). */
export const MAX_PARTS = 10;
/**
 * Splits `text` into parts of at most `max` characters, at line ends where it can (the line end is dropped:
 * parts are joined again with "\n"), else at `max`.
 */
export function splitText(text: string, max: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const cut = rest.lastIndexOf('\n', max);
    if (cut > 0) {
      parts.push(rest.slice(0, cut));
      rest = rest.slice(cut + 1);
    } else {
      parts.push(rest.slice(0, max));
      rest = rest.slice(max);
    }
  }
  parts.push(rest);
  return parts;
}

/** A section's edit modal (callback `VIEWS.postmortemSection`): its text in parts; the impact's fields too. */
export function sectionModal(input: {
  ref: string;
  section: PostmortemSectionView;
  version: number;
  impact?: { usersAffected: number | null; revenue: string | null };
}): ModalView {
  const { ref, section } = input;
  const parts = splitText(section.text, PART_MAX).slice(0, MAX_PARTS);
  const last = parts.at(-1) ?? '';
  if (parts.length < MAX_PARTS && last.length > PART_MAX - 1000) parts.push('');
  const blocks: KnownBlock[] = [
    {
      type: 'context',
      elements: [
        mrkdwn(`${escapeMrkdwn(ref)} · ${escapeMrkdwn(section.title)} · Markdown`, LIMITS.textObject),
      ],
    },
  ];
  if (input.impact) {
    const field = (id: { blockId: string; actionId: string }, label: string, value: string): InputBlock => ({
      type: 'input',
      block_id: id.blockId,
      optional: true,
      label: plain(label, LIMITS.inputLabel),
      element: {
        type: 'plain_text_input',
        action_id: id.actionId,
        max_length: 200,
        ...(value ? { initial_value: value } : {}),
      },
    });
    blocks.push(
      field(
        POSTMORTEM_INPUTS.usersAffected,
        'Users affected (a number)',
        input.impact.usersAffected?.toString() ?? '',
      ),
      field(POSTMORTEM_INPUTS.revenue, 'Revenue', input.impact.revenue ?? ''),
    );
  }
  parts.forEach((text, i) => {
    const id = postmortemPartInput(i);
    blocks.push({
      type: 'input',
      block_id: id.blockId,
      optional: true,
      label: plain(
        parts.length > 1 ? `${section.title} (part ${i + 1} of ${parts.length})` : section.title,
        LIMITS.inputLabel,
      ),
      element: {
        type: 'plain_text_input',
        action_id: id.actionId,
        multiline: true,
        max_length: PART_MAX,
        ...(text ? { initial_value: text } : {}),
      },
    });
  });
  return {
    type: 'modal',
    callback_id: VIEWS.postmortemSection,
    private_metadata: encodeMetadata(SectionMetadata, { ref, s: section.key, v: input.version }),
    title: plain(truncate(section.title, LIMITS.viewTitle), LIMITS.viewTitle),
    submit: plain('Save', LIMITS.viewTitle),
    close: plain('Cancel', LIMITS.viewTitle),
    blocks,
  };
}
